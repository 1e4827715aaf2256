// The archive's log writer (storage/wal_write_buffer.hpp): one write per commit, on the file
// before the commit is visible, a failed write failing its own commit, and nothing lost when a
// process ends without closing.
#include <catch2/catch.hpp>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include "storage/sqlite.hpp"
#include "test_support.hpp"

using namespace memeops;

namespace {

std::unique_ptr<storage::Database> open_log_db(const std::string& path) {
    auto db = std::make_unique<storage::Database>(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, 2000);
    db->exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0");
    db->exec("CREATE TABLE IF NOT EXISTS t(k INTEGER PRIMARY KEY, v BLOB NOT NULL)");
    return db;
}

// Write system calls this thread has made so far (the kernel's own count).
long writes_by_this_thread() {
    std::ifstream io("/proc/thread-self/io");
    std::string key;
    long value = 0;
    while (io >> key >> value)
        if (key == "syscw:") return value;
    FAIL("no syscw in /proc/thread-self/io");
    return 0;
}

// Inserts `rows` rows of `bytes` bytes each, every one a pattern of its key, in one transaction.
void insert_rows(storage::Database& db, int first, int rows, int bytes) {
    storage::Transaction transaction(db);
    for (int k = first; k < first + rows; ++k)
        db.cached("INSERT INTO t(k, v) VALUES (?1, ?2)").bind_all(k, std::string(bytes, static_cast<char>('a' + k % 26))).run();
    transaction.commit();
}

std::int64_t rows_in(storage::Database& db) { return db.query_int("SELECT count(*) FROM t"); }

std::int64_t rows_intact(storage::Database& db, int bytes) {
    auto select = db.cached("SELECT k, v FROM t");
    std::int64_t intact = 0;
    while (select.step())
        intact += select.column_text(1) == std::string(bytes, static_cast<char>('a' + select.column_int(0) % 26));
    select.reset();
    return intact;
}

std::string integrity(storage::Database& db) {
    auto check = db.cached("PRAGMA integrity_check");
    std::string result = check.step() ? check.column_text(0) : "";
    check.reset();
    return result;
}

}  // namespace

TEST_CASE("wal write buffer: a commit of 40 pages reaches the log in a handful of writes, visible to a second connection at once") {
    test::TempDir dir;
    std::string path = dir.file("log.db");
    auto writer_db = open_log_db(path);
    auto& writer = *writer_db;
    insert_rows(writer, 0, 1, 10);  // the log's header and first frames: written apart
    long before = writes_by_this_thread();
    insert_rows(writer, 1, 40, 3000);  // a page or more each
    long writes = writes_by_this_thread() - before;
    CHECK(writes <= 10);  // 2 per page without the buffer: 80 or more (the sanitizer build makes a few more)
    storage::Database reader(path, SQLITE_OPEN_READONLY, 2000);
    CHECK(rows_in(reader) == 41);
    CHECK(rows_intact(reader, 3000) == 40);
}

TEST_CASE("wal write buffer: a transaction larger than the cache and the write step round-trips intact") {
    test::TempDir dir;
    std::string path = dir.file("big.db");
    auto db_owned = open_log_db(path);
    auto& db = *db_owned;
    db.exec("PRAGMA cache_size = 50");  // pages: the transaction spills into the log and reads it back
    insert_rows(db, 0, 3000, 2000);     // about 6 MB, many 1 MiB gatherings and 120 KiB writes
    db.exec("UPDATE t SET v = v WHERE k % 7 = 0");
    CHECK(rows_intact(db, 2000) == 3000);
    storage::Database other(path, SQLITE_OPEN_READONLY, 2000);
    CHECK(rows_intact(other, 2000) == 3000);
    CHECK(integrity(other) == "ok");
}

TEST_CASE("wal write buffer: every commit survives a process that ends without closing the archive") {
    test::TempDir dir;
    std::string path = dir.file("crash.db");
    open_log_db(path);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        auto db = open_log_db(path);
        for (int i = 0; i < 20; ++i) insert_rows(*db, i * 10, 10, 700);
        _exit(0);  // no close, no checkpoint: the 20 commits are only in the log
    }
    int status = 0;
    waitpid(child, &status, 0);
    REQUIRE(WIFEXITED(status));
    storage::Database db(path, SQLITE_OPEN_READWRITE, 2000);
    CHECK(rows_in(db) == 200);
    CHECK(rows_intact(db, 700) == 200);
    CHECK(integrity(db) == "ok");
}

TEST_CASE("wal write buffer: a disk full fails the commit that met it, and every earlier commit stays intact") {
    test::TempDir dir;
    std::string path = dir.file("full.db");
    open_log_db(path)->exec("PRAGMA user_version = 1");
    int report[2];
    REQUIRE(pipe(report) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        std::signal(SIGXFSZ, SIG_IGN);
        auto db = open_log_db(path);
        rlimit limit{400 * 1024, 400 * 1024};  // files may not grow past 400 KiB
        setrlimit(RLIMIT_FSIZE, &limit);
        int committed = 0;
        std::string error;
        try {
            for (; committed < 1000; ++committed) insert_rows(*db, committed * 5, 5, 3000);
        } catch (const storage::SqliteError& e) {
            error = std::to_string(e.code() & 0xFF);
        }
        std::string line = std::to_string(committed) + " " + error;
        (void)!write(report[1], line.data(), line.size());
        _exit(0);
    }
    close(report[1]);
    char buffer[64] = {};
    ssize_t got = read(report[0], buffer, sizeof buffer - 1);
    close(report[0]);
    int status = 0;
    waitpid(child, &status, 0);
    REQUIRE(got > 0);
    int committed = 0, error = 0;
    REQUIRE(std::sscanf(buffer, "%d %d", &committed, &error) == 2);
    CHECK((error == SQLITE_FULL || error == SQLITE_IOERR));  // IOERR: the kernel says EFBIG, not ENOSPC
    CHECK(committed > 0);
    storage::Database db(path, SQLITE_OPEN_READWRITE, 2000);
    CHECK(rows_in(db) == committed * 5);  // what was acknowledged, nothing of the failed one
    CHECK(rows_intact(db, 3000) == committed * 5);
    CHECK(integrity(db) == "ok");
    insert_rows(db, 100000, 5, 3000);  // space again: the archive takes writes
    CHECK(rows_in(db) == committed * 5 + 5);
}

TEST_CASE("wal write buffer: it is SQLite's default VFS, and only logs get its methods") {
    storage::Database db(":memory:", SQLITE_OPEN_READWRITE, 100);
    sqlite3_vfs* vfs = sqlite3_vfs_find(nullptr);
    REQUIRE(vfs != nullptr);
    CHECK(std::string(vfs->zName) == "memeops-wal-write-buffer");
    test::TempDir dir;
    auto file_db = open_log_db(dir.file("plain.db"));
    sqlite3_file* main_file = nullptr;
    REQUIRE(sqlite3_file_control(file_db->handle(), "main", SQLITE_FCNTL_FILE_POINTER, &main_file) == SQLITE_OK);
    sqlite3_file* log_file = nullptr;
    REQUIRE(sqlite3_file_control(file_db->handle(), "main", SQLITE_FCNTL_JOURNAL_POINTER, &log_file) == SQLITE_OK);
    REQUIRE(main_file != nullptr);
    REQUIRE(log_file != nullptr);
    CHECK(main_file->pMethods != log_file->pMethods);
}
