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
        version = store.save_run_state("r", id, nlohmann::json{{"rules", 2}, {"save", save}}.dump(), 1'700'000'000'000 + save, version);
        transaction.commit();
        INFO("save " << save);
        CHECK(version == save);
        CHECK(store.run_version("r") == std::pair<std::int64_t, std::int64_t>{id, save});
    }
    CHECK(store.run_state("r")->state == nlohmann::json{{"rules", 2}, {"save", 3}});
}

TEST_CASE("storage::IngestStore::add_epoch keeps every metric of a wide epoch, the latest value of each") {
    test::TempDir dir;
    auto archive = storage::Archive::open(dir.file("a.db"));
    storage::IngestStore store(*archive);
    std::int64_t id = run_entry(*archive, "wide");
    // More metrics than one statement takes, with NaN and the infinities among them.
    storage::Metrics first;
    for (int i = 0; i < 2 * static_cast<int>(storage::Archive::k_metrics_per_statement) + 3; ++i)
        first["m" + std::to_string(100 + i)] = i * 0.5;
    first["nan"] = std::numeric_limits<double>::quiet_NaN();
    first["inf"] = std::numeric_limits<double>::infinity();
    store.add_epoch(id, 0, 1'700'000'000'000, first, "epoch 0");
    storage::Metrics second{{"m100", -1.0}, {"nan", 2.0}, {"new", 3.0}};
    store.add_epoch(id, 1, 1'700'000'001'000, second, "epoch 1");

    storage::Metrics expected = first;
    for (const auto& [name, value] : second) expected[name] = value;
    auto entry = archive->find("#" + std::to_string(id));
    REQUIRE(entry);
    CHECK(entry->summary == "epoch 1");
    REQUIRE(entry->metrics.size() == expected.size());
    for (const auto& [name, value] : expected) {
        INFO(name);
        CHECK(entry->metrics.at(name) == value);
    }
    CHECK(entry->metrics.at("inf") == std::numeric_limits<double>::infinity());
    auto epochs = store.recent_epochs(id, 5);
    REQUIRE(epochs.size() == 2);
    CHECK(epochs[0].second.size() == first.size());
    CHECK(std::isnan(epochs[0].second.at("nan")));
    CHECK(epochs[1].second == second);
}
