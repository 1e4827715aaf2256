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
        version = store.save_run_state("r", id, nlohmann::json{{"rules", 2}, {"save", save}}.dump(),
                                       1'700'000'000'000 + save, version);
        transaction.commit();
        INFO("save " << save);
        CHECK(version == save);
        auto found = store.run_version("r");
        REQUIRE(found);
        CHECK(found->entry_id == id);
        CHECK(found->version == save);
        CHECK(found->newest_epoch == -1);  // no epoch archived
    }
    auto saved = store.run_state("r");
    CHECK(saved->state == nlohmann::json{{"rules", 2}, {"save", 3}});
    CHECK(saved->entry_time == 1'700'000'000'000);  // the run entry's, read with it
}

TEST_CASE("storage::IngestStore::run_version names the run's newest epoch, and epochs_to_restore what follows a state") {
    test::TempDir dir;
    auto archive = storage::Archive::open(dir.file("a.db"));
    storage::IngestStore store(*archive);
    std::int64_t id = run_entry(*archive, "r");
    std::int64_t other = run_entry(*archive, "other");
    store.save_run_state("r", id, "{}", 1'700'000'000'000, 0);
    for (int epoch : {0, 1, 2, 3, 5, 8, 9}) store.add_epoch(id, epoch, 1'700'000'000'000 + epoch, {{"loss", epoch * 1.0}}, "");
    store.add_epoch(other, 50, 1'700'000'000'000, {{"loss", 1.0}}, "");  // another run's: never read
    CHECK(store.run_version("r")->newest_epoch == 9);
    auto epochs_of = [](const std::vector<std::pair<int, storage::Metrics>>& rows) {
        std::vector<int> out;
        for (const auto& [epoch, metrics] : rows) out.push_back(epoch);
        return out;
    };
    // The window up to the state's epoch (here 2 of them), then everything after, oldest first.
    CHECK(epochs_of(store.epochs_to_restore(id, 3, 2)) == std::vector<int>{2, 3, 5, 8, 9});
    CHECK(epochs_of(store.epochs_to_restore(id, 4, 2)) == std::vector<int>{2, 3, 5, 8, 9});
    CHECK(epochs_of(store.epochs_to_restore(id, -1, 20)) == std::vector<int>{0, 1, 2, 3, 5, 8, 9});
    CHECK(epochs_of(store.epochs_to_restore(id, 9, 3)) == std::vector<int>{5, 8, 9});
    CHECK(store.epochs_to_restore(id, 9, 3).back().second.at("loss") == 9.0);
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

TEST_CASE("storage::IngestStore::add_epoch moves the entry's time once it is a minute behind, and says how far it knows") {
    test::TempDir dir;
    auto archive = storage::Archive::open(dir.file("a.db"));
    storage::IngestStore store(*archive);
    std::int64_t id = run_entry(*archive, "r");  // at t0
    const core::TimeMs t0 = 1'700'000'000'000;
    auto entry_time = [&] { return archive->database().query_int("SELECT time FROM entries WHERE id = " + std::to_string(id)); };
    // Nothing known: the archive is asked. 30 s later is within the minute: the time stays.
    core::TimeMs known = store.add_epoch(id, 0, t0 + 30'000, {{"loss", 1.0}}, "");
    CHECK(entry_time() == t0);
    CHECK(known == t0 + 30'000 - 60'000);  // at least that, though in fact t0
    // 90 s later is over the minute: moved, and known exactly.
    known = store.add_epoch(id, 1, t0 + 90'000, {{"loss", 1.0}}, "", known);
    CHECK(entry_time() == t0 + 90'000);
    CHECK(known == t0 + 90'000);
    // Within a minute of what is known: not asked, not moved.
    known = store.add_epoch(id, 2, t0 + 150'000, {{"loss", 1.0}}, "", known);
    CHECK(entry_time() == t0 + 90'000);
    CHECK(known == t0 + 90'000);
    // A stale lower bound (another writer moved the time since) only costs the look.
    archive->database().exec("UPDATE entries SET time = " + std::to_string(t0 + 200'000) + " WHERE id = " + std::to_string(id));
    known = store.add_epoch(id, 3, t0 + 220'000, {{"loss", 1.0}}, "", known);
    CHECK(entry_time() == t0 + 200'000);
    CHECK(known == t0 + 220'000 - 60'000);
    known = store.add_epoch(id, 4, t0 + 300'000, {{"loss", 1.0}}, "", known);
    CHECK(entry_time() == t0 + 300'000);
    // The bound given is trusted, not checked: an epoch within a minute of it never looks.
    known = store.add_epoch(id, 5, t0 + 500'000, {{"loss", 1.0}}, "", t0 + 450'000);
    CHECK(entry_time() == t0 + 300'000);
    CHECK(known == t0 + 450'000);
}
