// What the bot's ingest keeps beside the entries (storage/ingest_store.hpp), on a real archive
// file: run state versions and per-epoch metrics, as the pipeline writes them.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "storage/archive.hpp"
#include "storage/ingest_store.hpp"
#include "test_support.hpp"

using namespace memeops;

namespace {

std::int64_t run_entry(storage::Archive& archive, const std::string& run) {
    storage::Entry entry;
    entry.kind = storage::EntryKind::training;
    entry.time = 1'700'000'000'000;
    entry.run = run;
    entry.summary = "run " + run;
    archive.add(entry);
    return entry.id;
}

}  // namespace

TEST_CASE("storage::IngestStore::save_run_state returns the version the archive holds after it") {
    test::TempDir dir;
    auto archive = storage::Archive::open(dir.file("a.db"));
    storage::IngestStore store(*archive);
    std::int64_t id = run_entry(*archive, "r");
    CHECK_FALSE(store.run_version("r"));
    std::int64_t version = 0;
    for (int save = 1; save <= 3; ++save) {
        storage::Transaction transaction(archive->database());
        version = store.save_run_state("r", id, {{"rules", 2}, {"save", save}}, 1'700'000'000'000 + save, version);
        transaction.commit();
        INFO("save " << save);
        CHECK(version == save);
        CHECK(store.run_version("r") == std::pair<std::int64_t, std::int64_t>{id, save});
    }
    CHECK(store.run_state("r")->state == nlohmann::json{{"rules", 2}, {"save", 3}});
}
