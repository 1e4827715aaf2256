// The bot's group commit (bot/ingest_queue.hpp) over a real archive: a request that fails
// inside a group is refused alone, and the others in its group are committed and answered.
#include <catch2/catch.hpp>

#include <chrono>
#include <future>
#include <thread>

#include "bot/ingest_queue.hpp"
#include "core/time.hpp"
#include "storage/archive.hpp"
#include "test_support.hpp"

using namespace memeops;

namespace {

std::vector<meme::Event> epoch_of(const std::string& run, int epoch) {
    nlohmann::json doc = {{"kind", "training.epoch"},
                          {"id", run + "-" + std::to_string(epoch)},
                          {"run", run},
                          {"epoch", epoch},
                          {"metrics", {{"loss", 1.0 / (epoch + 1)}}}};
    return meme::parse_events(doc, core::now_ms());
}

std::int64_t epochs_of(storage::Archive& archive, const std::string& run) {
    return test::count_where(archive.database(),
                             "SELECT count(*) FROM epochs JOIN entries ON entries.id = epochs.entry_id WHERE entries.run = ?1", run);
}

}  // namespace

TEST_CASE("ingest queue: a request failing inside a group is refused alone, the rest of its group commits") {
    test::TempDir dir;
    std::string path = dir.file("archive.db");
    auto archive = storage::Archive::open(path);
    // The archive itself refuses the poisoned run's epochs, as a failing disk or constraint would.
    archive->database().exec(
        "CREATE TRIGGER refuse_poison BEFORE INSERT ON epochs "
        "WHEN (SELECT run FROM entries WHERE id = NEW.entry_id) = 'poison' "
        "BEGIN SELECT RAISE(ABORT, 'the poisoned run is refused'); END");
    std::atomic<int> committed_events{0};
    bot::IngestQueue queue(path, {}, {}, [&](const std::vector<pipeline::HandledEvent>& handled, const std::vector<meme::Event>&) {
        committed_events += static_cast<int>(handled.size());
    });

    // The first request waits on a held write lock, so the next ones gather into one group.
    auto holder = storage::Archive::open(path);
    holder->database().exec("BEGIN IMMEDIATE");
    std::vector<std::future<bot::IngestResult>> answers;
    auto submit = [&](const std::string& run, int epoch) {
        auto promise = std::make_shared<std::promise<bot::IngestResult>>();
        answers.push_back(promise->get_future());
        queue.submit(epoch_of(run, epoch), "event", [promise](bot::IngestResult r) { promise->set_value(std::move(r)); });
    };
    submit("first", 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    submit("healthy", 0);
    submit("poison", 0);
    submit("healthy", 1);
    submit("other", 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    holder->database().exec("COMMIT");

    std::vector<bot::IngestResult> results;
    for (auto& answer : answers) {
        REQUIRE(answer.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
        results.push_back(answer.get());
    }
    for (size_t i : {0, 1, 3, 4}) {
        INFO("request " << i);
        CHECK(results[i].error.empty());
        CHECK(results[i].handled.size() == 1);
    }
    CHECK(results[2].handled.empty());
    CHECK(results[2].error.find("the poisoned run is refused") != std::string::npos);
    queue.stop();
    CHECK(committed_events == 4);
    CHECK(epochs_of(*archive, "first") == 1);
    CHECK(epochs_of(*archive, "healthy") == 2);
    CHECK(epochs_of(*archive, "other") == 1);
    CHECK(epochs_of(*archive, "poison") == 0);
}

TEST_CASE("ingest queue: after a refused group the detectors carry on from what was committed") {
    test::TempDir dir;
    std::string path = dir.file("archive.db");
    auto archive = storage::Archive::open(path);
    bot::IngestQueue queue(path, {}, {}, [](const auto&, const auto&) {});
    auto send = [&](const std::string& run, int epoch) {
        std::promise<bot::IngestResult> promise;
        auto future = promise.get_future();
        queue.submit(epoch_of(run, epoch), "event", [&promise](bot::IngestResult r) { promise.set_value(std::move(r)); });
        REQUIRE(future.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
        return future.get();
    };
    for (int epoch = 0; epoch < 5; ++epoch) REQUIRE(send("run", epoch).error.empty());
    archive->database().exec(
        "CREATE TRIGGER refuse_all BEFORE INSERT ON epochs BEGIN SELECT RAISE(ABORT, 'closed'); END");
    CHECK_FALSE(send("run", 5).error.empty());
    archive->database().exec("DROP TRIGGER refuse_all");
    auto again = send("run", 5);
    CHECK(again.error.empty());
    CHECK_FALSE(again.handled.at(0).duplicate);
    CHECK(epochs_of(*archive, "run") == 6);
}
