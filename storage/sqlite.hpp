// A thin RAII layer over the SQLite C API: a connection, prepared statements with typed binding,
// and IMMEDIATE transactions. Every SQL value goes through a bound parameter; nothing in MemeOps
// formats user data into SQL text.
//
// Thread safety: a Database and its statements belong to one thread at a time.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace memeops::storage {

// A SQLite call failed. `code` is the extended result code, `message` SQLite's own text.
class SqliteError : public std::runtime_error {
public:
    SqliteError(int code, const std::string& message)
        : std::runtime_error(message), m_code(code) {}
    int code() const { return m_code; }
    bool is_busy() const { return (m_code & 0xFF) == SQLITE_BUSY || (m_code & 0xFF) == SQLITE_LOCKED; }

private:
    int m_code;
};

// A handle to a prepared statement; it does not own it. The statement is owned by its Database
// (cached) or by the caller (one-off); in both cases the Database must outlive it.
class Statement {
public:
    explicit Statement(sqlite3_stmt* stmt) : m_stmt(stmt) {}

    // Binding: 1-based indexes as in SQLite; std::nullopt binds NULL.
    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
    Statement& bind(int index, double value);
    Statement& bind(int index, std::string_view value);
    Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
    Statement& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
    Statement& bind_null(int index);
    template <typename T>
    Statement& bind(int index, const std::optional<T>& value) {
        return value ? bind(index, *value) : bind_null(index);
    }
    // Binds every argument in order, starting at index 1.
    template <typename... Args>
    Statement& bind_all(const Args&... args) {
        int index = 0;
        (bind(++index, args), ...);
        return *this;
    }

    // Runs one step: true when a row is ready, false when the statement is done.
    // Throws SqliteError on failure.
    bool step();
    // Steps to completion, ignoring rows; then resets for reuse.
    void run();
    // Resets the statement and clears its bindings, ready for reuse.
    void reset();

    bool is_null(int column) const;
    std::int64_t column_int(int column) const;
    double column_double(int column) const;
    std::string column_text(int column) const;
    std::optional<std::string> column_optional_text(int column) const;
    std::optional<std::int64_t> column_optional_int(int column) const;

    sqlite3_stmt* handle() const { return m_stmt; }

private:
    sqlite3_stmt* m_stmt;
};

// One connection. Opens with the given flags, sets a busy timeout so concurrent writers wait for
// each other instead of failing, and registers nothing else: the archive layers its own setup.
class Database {
public:
    Database(const std::string& path, int open_flags, int busy_timeout_ms);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    // Runs one or more SQL statements without parameters (schema, pragmas).
    void exec(const std::string& sql);
    // A cached statement for `sql`, reset and ready to bind. The returned Statement is a handle
    // that does not own it: valid until the Database closes.
    Statement cached(std::string_view sql);
    // A new one-off statement; the caller owns it through the returned pointer.
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> prepare(const std::string& sql);
    // The single integer value of a query like "PRAGMA user_version".
    std::int64_t query_int(const std::string& sql);

    std::int64_t last_insert_rowid() const { return sqlite3_last_insert_rowid(m_db); }
    int changes() const { return sqlite3_changes(m_db); }
    sqlite3* handle() const { return m_db; }

    // Throws SqliteError with this connection's message when `rc` is not OK/ROW/DONE.
    void check(int rc) const;

    // How long a statement waits for another connection's lock before failing with BUSY.
    int busy_timeout_ms() const { return m_busy_timeout_ms; }
    void set_busy_timeout(int milliseconds);

    // Registers `callback` to run whenever a transaction or a Transaction's savepoint of this
    // connection rolls back, so state kept beside the database (caches) can be dropped with it.
    // Callbacks must not use the connection; they live as long as the Database.
    void on_rollback(std::function<void()> callback);
    // Runs the rollback callbacks: SQLite calls it for a whole transaction, Transaction for a
    // savepoint.
    void rolled_back();

private:
    sqlite3* m_db = nullptr;
    int m_busy_timeout_ms = 0;
    std::vector<std::function<void()>> m_on_rollback;
    // Looked up by the caller's text as it is (no std::string made per call: the ingest writer
    // runs eight cached statements per event).
    struct SqlHash {
        using is_transparent = void;
        size_t operator()(std::string_view sql) const { return std::hash<std::string_view>{}(sql); }
    };
    std::unordered_map<std::string, std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)>, SqlHash, std::equal_to<>> m_cache;
};

// A write transaction: BEGIN IMMEDIATE takes the write lock up front, so two writers never
// deadlock upgrading read locks; the second one waits, at most the connection's busy timeout in
// all (one deadline, however often SQLite answers BUSY), then throws SqliteError (is_busy()).
// Commits only through commit(); a destructor without commit rolls back. Inside another
// transaction it is a savepoint: its commit keeps its work for the outer transaction to commit,
// its rollback undoes only it. Either rollback runs the Database's rollback callbacks.
class Transaction {
public:
    explicit Transaction(Database& db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    void commit();

private:
    void begin_immediate();

    Database& m_db;
    bool m_nested;
    bool m_open = true;
};

// A read transaction (BEGIN DEFERRED): every query inside sees the archive as of its first
// read, without taking the write lock. Inside another transaction it does nothing.
class ReadSnapshot {
public:
    explicit ReadSnapshot(Database& db);
    ~ReadSnapshot();
    ReadSnapshot(const ReadSnapshot&) = delete;
    ReadSnapshot& operator=(const ReadSnapshot&) = delete;

private:
    Database& m_db;
    bool m_owned;
};

}  // namespace memeops::storage
