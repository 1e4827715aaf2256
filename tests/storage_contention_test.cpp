// The archive under contention: one deadline for a lock wait, reads that never write, and no
// cache left behind by a rollback.
#include <catch2/catch.hpp>

#include <chrono>

#include "storage/archive.hpp"
#include "test_support.hpp"

using namespace memeops;

namespace {

std::int64_t repos_named(storage::Archive& archive, const std::string& identity) {
    return test::count_where(archive.database(), "SELECT count(*) FROM repos WHERE identity = ?1", identity);
}

storage::ArchiveOptions read_only() {
    storage::ArchiveOptions options;
    options.access = storage::Access::read_only;
    return options;
}

}  // namespace

TEST_CASE("storage::Transaction waits for the write lock at most the busy timeout in all") {
    test::TempDir dir;
    std::string path = dir.file("locked.db");
    storage::Archive::open(path).reset();
    storage::Database holder(path, SQLITE_OPEN_READWRITE, 1000);
    holder.exec("BEGIN IMMEDIATE");
    storage::ArchiveOptions options;
    options.busy_timeout_ms = 300;
    auto archive = storage::Archive::open(path, options);
    storage::Entry entry = test::sample_entry(storage::EntryKind::message, 1);
    auto start = std::chrono::steady_clock::now();
    CHECK_THROWS_AS(archive->add(entry), storage::SqliteError);
    auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    CHECK(waited.count() >= 250);
    CHECK(waited.count() < 300 + 250);  // one deadline, not one per retry
    CHECK(archive->database().busy_timeout_ms() == 300);  // restored after the shortened tries
    holder.exec("ROLLBACK");
    CHECK_NOTHROW(archive->add(entry));
}

TEST_CASE("storage::Archive forgets repos whose insert was rolled back") {
    test::TempDir dir;
    auto archive = storage::Archive::open(dir.file("a.db"));
    const std::string repo = "github.com/lab/fresh-repo";
    std::vector<storage::Entry> batch{test::sample_entry(storage::EntryKind::version, 1),
                                      test::sample_entry(storage::EntryKind::version, 1)};  // the same tag twice
    for (auto& e : batch) e.repo = repo;
    batch[1].commit = test::fake_sha(2);
    CHECK_THROWS_AS(archive->add_batch(batch), storage::SqliteError);
    CHECK(repos_named(*archive, repo) == 0);  // rolled back with the batch

    storage::Entry next = test::sample_entry(storage::EntryKind::commit, 3);
    next.repo = repo;
    CHECK_NOTHROW(archive->add(next));
    CHECK(repos_named(*archive, repo) == 1);
    CHECK(archive->history({.repo = repo}).size() == 1);
}

TEST_CASE("storage::Archive forgets repos whose insert an outer transaction rolled back") {
    test::TempDir dir;
    auto archive = storage::Archive::open(dir.file("a.db"));
    const std::string repo = "github.com/lab/outer-repo";
    {
        storage::Transaction outer(archive->database());
        storage::Entry entry = test::sample_entry(storage::EntryKind::commit, 1);
        entry.repo = repo;
        archive->add(entry);  // a savepoint, committed into the outer transaction…
    }  // …which rolls back
    storage::Entry again = test::sample_entry(storage::EntryKind::commit, 1);
    again.repo = repo;
    CHECK_NOTHROW(archive->add(again));
    CHECK(repos_named(*archive, repo) == 1);
}

TEST_CASE("storage::Archive::search matches entries not indexed yet, reading only") {
    test::TempDir dir;
    std::string path = dir.file("a.db");
    {
        auto writer = storage::Archive::open(path);
        storage::Entry indexed = test::sample_entry(storage::EntryKind::message, 1);
        indexed.body = "梯度爆炸 again";
        writer->add(indexed);
        writer->database().exec("INSERT INTO search_index(rowid, names, text) SELECT e.id, '', e.body FROM entries e");
        writer->database().exec("DELETE FROM search_backlog");
        storage::Entry waiting = test::sample_entry(storage::EntryKind::message, 2);
        waiting.body = "梯度消失 and 梯度爆炸";
        writer->add(waiting);  // stays in the backlog: fewer than a batch
        CHECK(writer->database().query_int("SELECT count(*) FROM search_backlog") == 1);
    }
    auto reader = storage::Archive::open(path, read_only());
    storage::Database holder(path, SQLITE_OPEN_READWRITE, 1000);
    holder.exec("BEGIN IMMEDIATE");  // a writer holds the lock: reading must not need it
    auto both = reader->search("梯度爆炸", 10);
    REQUIRE(both.size() == 2);
    CHECK(both[0].summary == "message 2");  // newest first, across the index and the backlog
    CHECK(reader->search("梯度消失", 10).size() == 1);
    CHECK(reader->search("梯度 -消失", 10).size() == 1);
    holder.exec("ROLLBACK");
    CHECK(reader->database().query_int("SELECT count(*) FROM search_backlog") == 1);  // nothing was indexed
    storage::Entry entry = test::sample_entry(storage::EntryKind::message, 3);
    CHECK_THROWS_AS(reader->add(entry), storage::SqliteError);  // read-only means read-only
}
