#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "storage/archive.hpp"
#include "storage/schema.hpp"
#include "test_support.hpp"

using namespace memeops;

namespace {

// Builds an archive file from an SQL script, as an older memeops (or another program) left it.
void create_from_sql(const std::string& path, const std::string& sql) {
    storage::Database db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, 1000);
    db.exec(sql);
}

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string open_error(const std::string& path) {
    try {
        storage::Archive::open(path);
    } catch (const core::Fatal& e) {
        return e.subject() + " : " + e.reason();
    }
    return "";
}

}  // namespace

TEST_CASE("storage::Archive migrates a version 1 archive with nothing lost") {
    test::TempDir dir;
    std::string path = dir.file("old.db");
    create_from_sql(path, read_text(std::string(MEMEOPS_TEST_FIXTURES) + "/archive-v1.sql"));

    auto archive = storage::Archive::open(path);
    CHECK(archive->opened_schema_version() == 1);
    CHECK(archive->database().query_int("PRAGMA user_version") == storage::latest_schema_version());

    auto all = archive->history({.limit = 100});
    REQUIRE(all.size() == 5);
    auto version = archive->find("b16e8a7f-s3c0mm1t-taikula");
    REQUIRE(version);
    CHECK(version->metrics.at("val_acc") == Approx(0.93));
    REQUIRE(version->memes.size() == 1);
    CHECK(version->memes[0].deliveries[0].state == storage::DeliveryState::delivered);
    CHECK(archive->pending_deliveries() == 1);
    auto training = archive->find("#3");
    REQUIRE(training);
    CHECK(std::isnan(training->metrics.at("loss")));
    // The version 2 migration built the search index from what was already there.
    CHECK(archive->search("头秃", 10).size() == 1);
    CHECK(archive->search("收敛", 10).size() == 1);
    CHECK(archive->search("taikula", 10).size() == 1);

    // Opening again migrates nothing.
    archive.reset();
    CHECK(storage::Archive::open(path)->opened_schema_version() == storage::latest_schema_version());
}

TEST_CASE("storage::Archive refuses an archive written by a newer memeops") {
    test::TempDir dir;
    std::string path = dir.file("future.db");
    storage::Archive::open(path).reset();
    {
        storage::Database db(path, SQLITE_OPEN_READWRITE, 1000);
        db.exec("PRAGMA user_version = 99");
    }
    std::string error = open_error(path);
    CHECK_THAT(error, Catch::Contains("newer memeops"));
    CHECK_THAT(error, Catch::Contains("schema 99"));
    CHECK_THAT(error, Catch::Contains(path));
}

TEST_CASE("storage::Archive tells a corrupt or foreign file apart from an archive") {
    test::TempDir dir;
    std::string text_file = dir.file("notes.txt");
    test::write_file(text_file, std::string(8192, 'x'));
    CHECK_THAT(open_error(text_file), Catch::Contains("not a MemeOps archive"));

    std::string foreign = dir.file("other.db");
    create_from_sql(foreign, "CREATE TABLE cookies(name TEXT); INSERT INTO cookies VALUES('x');");
    CHECK_THAT(open_error(foreign), Catch::Contains("another program's SQLite database"));

    // A real archive whose pages were overwritten in the middle.
    std::string damaged = dir.file("damaged.db");
    {
        auto archive = storage::Archive::open(damaged);
        std::vector<storage::Entry> entries;
        for (int n = 0; n < 200; ++n) entries.push_back(test::sample_entry(storage::EntryKind::commit, n));
        archive->add_batch(entries);
        archive->database().exec("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    {
        std::fstream file(damaged, std::ios::in | std::ios::out | std::ios::binary);
        file.seekp(0);
        file << std::string(100, '\x5a');  // the header
    }
    CHECK_THAT(open_error(damaged), Catch::Contains("not a MemeOps archive, or a corrupt one"));

    std::string missing = dir.file("nope.db");
    storage::ArchiveOptions options;
    options.create = storage::CreateIfMissing::no;
    CHECK_THROWS_WITH(storage::Archive::open(missing, options), Catch::Contains("no such file"));
}

TEST_CASE("storage::Archive takes 8 processes writing at once with nothing lost") {
    test::TempDir dir;
    std::string path = dir.file("shared.db");
    constexpr int k_processes = 8;
    constexpr int k_entries_each = 150;
    std::vector<int> children;
    for (int p = 0; p < k_processes; ++p) {
        pid_t pid = fork();
        if (pid == 0) {
            int failures = 0;
            try {
                // Every process opens (and the first migrates) the new archive at once.
                auto archive = storage::Archive::open(path);
                for (int n = 0; n < k_entries_each; ++n) {
                    storage::Entry entry = test::sample_entry(storage::EntryKind::commit,
                                                              p * 1000 + n);
                    entry.repo = "repo-" + std::to_string(p);
                    entry.memes.push_back({0, "ci.passed", 3, "YYDS 👑", "all green", 0,
                                           {{"console", {}, 0, std::nullopt}}});
                    archive->add(entry);
                }
            } catch (const std::exception& e) {
                std::fprintf(stderr, "writer %d: %s\n", p, e.what());
                failures = 1;
            }
            _exit(failures);
        }
        children.push_back(pid);
    }
    int failed = test::wait_for_children(children);
    CHECK(failed == 0);
    auto archive = storage::Archive::open(path);
    CHECK(archive->history({.limit = 100000}).size() == k_processes * k_entries_each);
    CHECK(archive->pending_deliveries() == k_processes * k_entries_each);
    CHECK(archive->search("YYDS", 100000).size() == k_processes * k_entries_each);
    auto check = archive->database().prepare("PRAGMA integrity_check");
    storage::Statement integrity(check.get());
    REQUIRE(integrity.step());
    CHECK(integrity.column_text(0) == "ok");
}

TEST_CASE("storage::Archive waits for another process's write lock instead of failing") {
    test::TempDir dir;
    std::string path = dir.file("busy.db");
    storage::Archive::open(path).reset();
    pid_t holder = fork();
    if (holder == 0) {
        // Holds the write lock for a while, as a long backfill batch would.
        storage::Database db(path, SQLITE_OPEN_READWRITE, 1000);
        db.exec("BEGIN IMMEDIATE");
        usleep(400'000);
        db.exec("COMMIT");
        _exit(0);
    }
    usleep(100'000);
    auto archive = storage::Archive::open(path);
    storage::Entry entry = test::sample_entry(storage::EntryKind::message, 1);
    CHECK_NOTHROW(archive->add(entry));
    int status = 0;
    waitpid(holder, &status, 0);
    CHECK(archive->history({}).size() == 1);
}

TEST_CASE("storage::Archive reports a lock held past its busy timeout clearly") {
    test::TempDir dir;
    std::string path = dir.file("locked.db");
    storage::Archive::open(path).reset();
    storage::Database holder(path, SQLITE_OPEN_READWRITE, 1000);
    holder.exec("BEGIN IMMEDIATE");
    storage::ArchiveOptions options;
    options.busy_timeout_ms = 50;
    auto archive = storage::Archive::open(path, options);
    storage::Entry entry = test::sample_entry(storage::EntryKind::message, 1);
    try {
        archive->add(entry);
        FAIL("add() should not succeed while another connection holds the write lock");
    } catch (const storage::SqliteError& e) {
        CHECK(e.is_busy());
    }
    holder.exec("ROLLBACK");
    CHECK_NOTHROW(archive->add(entry));
}

TEST_CASE("storage::Archive migration 5 binds pending memes to their URL's fingerprint, or holds them, never re-routes") {
    test::TempDir dir;
    std::string path = dir.file("v4.db");
    test::old_archive(path, 4, R"sql(
INSERT INTO entries(id, kind, time, summary) VALUES (1, 'message', 1, 'old');
INSERT INTO memes(id, entry_id, reaction, priority, caption, caption_en, created) VALUES (1, 1, 'sarcasm', 3, 'c', 'c', 1);
INSERT INTO deliveries(meme_id, destination, state) VALUES
  (1, 'slack', 'pending'), (1, 'discord', 'pending'), (1, 'console', 'pending'),
  (1, 'ml', 'delivered'), (1, 'slack-2', 'pending');
INSERT INTO destinations(name, type, state, last_error, changed, next_send, url_fingerprint) VALUES
  ('slack', 'slack', 'disabled', 'HTTP 404: no_service', 5, 0, 'aaaabbbbccccdddd'),
  ('discord', 'discord', 'enabled', NULL, NULL, 99, NULL);
)sql");
    auto archive = storage::Archive::open(path);
    CHECK(archive->opened_schema_version() == 4);
    std::map<std::string, std::string> states;
    auto rows = archive->database().prepare("SELECT destination, state FROM deliveries ORDER BY destination");
    for (storage::Statement s(rows.get()); s.step();) states[s.column_text(0)] = s.column_text(1);
    CHECK(states == std::map<std::string, std::string>{{"console", "pending"},
                                                        {"ml", "delivered"},  // history keeps its name
                                                        {"slack:aaaabbbbccccdddd", "pending"},
                                                        {"unbound:discord", "pending"},
                                                        {"unbound:slack-2", "pending"}});
    auto health = archive->database().prepare("SELECT destination, state, last_error FROM destinations");
    storage::Statement h(health.get());
    REQUIRE(h.step());
    CHECK(h.column_text(0) == "slack:aaaabbbbccccdddd");
    CHECK(h.column_text(1) == "disabled");
    CHECK(h.column_text(2) == "HTTP 404: no_service");
    CHECK_FALSE(h.step());
}

TEST_CASE("storage::Archive migration 9 stores a meme's epoch, and the memes archived before keep it unknown") {
    test::TempDir dir;
    std::string path = dir.file("v8.db");
    test::old_archive(path, 8, R"sql(
INSERT INTO entries(id, kind, time, run, summary) VALUES (1, 'training', 1, 'r', 'run r');
INSERT INTO memes(id, entry_id, reaction, priority, caption, caption_en, created) VALUES (1, 1, 'training.plateau', 2, 'c', 'c', 5);
)sql");
    auto archive = storage::Archive::open(path);
    CHECK(archive->opened_schema_version() == 8);
    storage::Meme later{0, "training.overfitting", 2, "c2", "c2", 6, {}, 4};
    archive->add_meme(1, later);
    auto runs = archive->history({.kind = storage::EntryKind::training});
    REQUIRE(runs.size() == 1);
    REQUIRE(runs[0].memes.size() == 2);
    CHECK(runs[0].memes[0].reaction == "training.plateau");
    CHECK_FALSE(runs[0].memes[0].epoch);
    CHECK(runs[0].memes[1].epoch == 4);
}
