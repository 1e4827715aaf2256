#include "storage/sqlite.hpp"

#include "storage/wal_write_buffer.hpp"

#include <chrono>
#include <system_error>
#include <string>
#include <optional>
#include <random>
#include <thread>

namespace memeops::storage {
namespace {

// SQLite's message, plus what it leaves out for an I/O failure or a full disk: the operating
// system's reason ("disk I/O error (File too large)"), or for a failed write whose reason is
// lost, a hint that the disk may be full.
std::string error_text(sqlite3* db, int rc) {
    const char* message = db ? sqlite3_errmsg(db) : nullptr;
    std::string text = message ? message : sqlite3_errstr(rc);
    int primary = (db ? sqlite3_extended_errcode(db) : rc) & 0xff;
    int os_error = db ? sqlite3_system_errno(db) : 0;
    if ((primary == SQLITE_IOERR || primary == SQLITE_FULL || primary == SQLITE_CANTOPEN) && os_error != 0)
        text += " (" + std::system_category().message(os_error) + ")";
    else if ((db ? sqlite3_extended_errcode(db) : rc) == SQLITE_IOERR_WRITE)
        text += " (a write failed: is the disk full?)";  // SQLite's cleanup can clobber errno
    return text;
}

void throw_for(sqlite3* db, int rc) {
    int extended = db ? sqlite3_extended_errcode(db) : rc;
    throw SqliteError(extended, error_text(db, rc));
}

}  // namespace

Statement& Statement::bind(int index, std::int64_t value) {
    sqlite3_bind_int64(m_stmt, index, value);
    return *this;
}

Statement& Statement::bind(int index, double value) {
    sqlite3_bind_double(m_stmt, index, value);
    return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
    sqlite3_bind_text64(m_stmt, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    return *this;
}

Statement& Statement::bind_null(int index) {
    sqlite3_bind_null(m_stmt, index);
    return *this;
}

bool Statement::step() {
    int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    sqlite3* db = sqlite3_db_handle(m_stmt);
    sqlite3_reset(m_stmt);
    throw_for(db, rc);
    return false;
}

void Statement::run() {
    while (step()) {
    }
    reset();
}

void Statement::reset() {
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

bool Statement::is_null(int column) const {
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

std::int64_t Statement::column_int(int column) const { return sqlite3_column_int64(m_stmt, column); }

double Statement::column_double(int column) const { return sqlite3_column_double(m_stmt, column); }

std::string Statement::column_text(int column) const {
    const auto* text = sqlite3_column_text(m_stmt, column);
    int size = sqlite3_column_bytes(m_stmt, column);
    return text ? std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(size)) : "";
}

std::optional<std::string> Statement::column_optional_text(int column) const {
    if (is_null(column)) return std::nullopt;
    return column_text(column);
}

std::optional<std::int64_t> Statement::column_optional_int(int column) const {
    if (is_null(column)) return std::nullopt;
    return column_int(column);
}

namespace {

// Library-wide settings, before SQLite's first use: no memory statistics (they take a global
// mutex on every allocation, which every connection's thread would contend for; nothing here
// reads them), and one write per commit to the log (storage/wal_write_buffer.hpp).
void configure_sqlite_once() {
    static const bool configured = [] {
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);  // SQLITE_MISUSE when already initialised: harmless
        if (int rc = install_wal_write_buffer(); rc != SQLITE_OK)
            throw SqliteError(rc, "cannot set up the archive's log writer: " + std::string(sqlite3_errstr(rc)));
        return true;
    }();
    (void)configured;
}

}  // namespace

Database::Database(const std::string& path, int open_flags, int busy_timeout_ms) {
    configure_sqlite_once();
    int rc = sqlite3_open_v2(path.c_str(), &m_db, open_flags | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        std::string message = error_text(m_db, rc);  // with the OS reason ("Permission denied")
        int extended = m_db ? sqlite3_extended_errcode(m_db) : rc;
        sqlite3_close_v2(m_db);
        m_db = nullptr;
        throw SqliteError(extended, message);
    }
    sqlite3_extended_result_codes(m_db, 1);
    set_busy_timeout(busy_timeout_ms);
    sqlite3_rollback_hook(
        m_db, [](void* self) { static_cast<Database*>(self)->rolled_back(); }, this);
}

void Database::set_busy_timeout(int milliseconds) {
    m_busy_timeout_ms = milliseconds;
    sqlite3_busy_timeout(m_db, milliseconds);
}

void Database::on_rollback(std::function<void()> callback) { m_on_rollback.push_back(std::move(callback)); }

void Database::rolled_back() {
    for (const auto& callback : m_on_rollback) callback();
}

Database::~Database() {
    m_cache.clear();
    sqlite3_close_v2(m_db);
}

void Database::check(int rc) const {
    if (rc != SQLITE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE) throw_for(m_db, rc);
}

void Database::exec(const std::string& sql) {
    char* error = nullptr;
    int rc = sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, &error);
    sqlite3_free(error);  // the same text sqlite3_errmsg() gives, which throw_for reads
    if (rc != SQLITE_OK) throw_for(m_db, rc);
}

std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> Database::prepare(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(m_db, sql.c_str(), static_cast<int>(sql.size()), &stmt, nullptr);
    if (rc != SQLITE_OK) throw_for(m_db, rc);
    return {stmt, &sqlite3_finalize};
}

Statement Database::cached(std::string_view sql) {
    auto it = m_cache.find(sql);
    if (it == m_cache.end()) {
        sqlite3_stmt* stmt = nullptr;
        int rc = sqlite3_prepare_v3(m_db, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
        if (rc != SQLITE_OK) throw_for(m_db, rc);
        it = m_cache.emplace(std::string(sql), std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)>(
                                      stmt, &sqlite3_finalize))
                 .first;
    }
    Statement statement(it->second.get());
    statement.reset();
    return statement;
}

std::int64_t Database::query_int(const std::string& sql) {
    auto stmt = prepare(sql);
    Statement s(stmt.get());
    return s.step() ? s.column_int(0) : 0;
}

Transaction::Transaction(Database& db) : m_db(db), m_nested(sqlite3_get_autocommit(db.handle()) == 0) {
    // Prepared once per connection: a savepoint per ingested request would otherwise parse
    // its SQL each time.
    if (m_nested) m_db.cached("SAVEPOINT nested").run();
    else begin_immediate();
}

void Transaction::begin_immediate() {
    // SQLite's busy handler waits inside each BEGIN; a BUSY it returns without waiting (a writer
    // racing WAL recovery) is retried after a jittered pause. Each try gets only what is left of
    // the one deadline, so the whole wait never exceeds the busy timeout.
    const int timeout_ms = m_db.busy_timeout_ms();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    std::optional<std::minstd_rand> jitter;  // seeded on the first retry: most BEGINs never need one
    struct Restore {
        Database& db;
        int timeout_ms;
        bool changed = false;
        ~Restore() {
            if (changed) db.set_busy_timeout(timeout_ms);
        }
    } restore{m_db, timeout_ms};
    for (;;) {
        try {
            m_db.cached("BEGIN IMMEDIATE").run();
            return;
        } catch (const SqliteError& e) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (!e.is_busy() || left.count() <= 0) throw;
            if (!jitter) jitter.emplace(std::random_device{}());
            std::this_thread::sleep_for(std::min(left, std::chrono::milliseconds(2 + (*jitter)() % 20)));
            restore.changed = true;
            m_db.set_busy_timeout(static_cast<int>(std::max<std::int64_t>(1, left.count())));
        }
    }
}

Transaction::~Transaction() {
    if (!m_open) return;
    const char* undo = m_nested ? "ROLLBACK TO nested; RELEASE nested" : "ROLLBACK";
    sqlite3_exec(m_db.handle(), undo, nullptr, nullptr, nullptr);
    if (m_nested) m_db.rolled_back();  // SQLite's rollback hook covers only whole transactions
}

void Transaction::commit() {
    m_db.cached(m_nested ? "RELEASE nested" : "COMMIT").run();
    m_open = false;
}

ReadSnapshot::ReadSnapshot(Database& db) : m_db(db), m_owned(sqlite3_get_autocommit(db.handle()) != 0) {
    if (m_owned) m_db.exec("BEGIN DEFERRED");
}

ReadSnapshot::~ReadSnapshot() {
    // Nothing was written to the archive: ending it either way is the same; COMMIT keeps the
    // rollback callbacks quiet.
    if (m_owned) sqlite3_exec(m_db.handle(), "COMMIT", nullptr, nullptr, nullptr);
}

}  // namespace memeops::storage
