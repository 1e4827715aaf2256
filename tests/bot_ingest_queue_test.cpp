// The bot's group commit (bot/ingest_queue.hpp) over a real archive: a request that fails
// inside a group is refused alone, and the others in its group are committed and answered.
#include <catch2/catch.hpp>

#include <chrono>
#include <condition_variable>
#include <fstream>
#include <functional>
#include <future>
#include <mutex>
#include <set>
#include <thread>

#include "bot/ingest_queue.hpp"
#include "core/time.hpp"
#include "storage/archive.hpp"
#include "storage/repo_store.hpp"
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

// The queue's connection skips SQLite's foreign-key checks (bot/ingest_queue.hpp), so every kind
// of event, and a repository folded into its identity (the one delete the pipeline makes), must
// leave no row naming an entry that is not there.
TEST_CASE("ingest queue: every kind of event and a repository join leave no reference dangling") {
    test::TempDir dir;
    std::string path = dir.file("archive.db");
    auto archive = storage::Archive::open(path);
    bot::IngestQueue queue(path, {}, {}, [](const auto&, const auto&) {});
    auto send = [&](nlohmann::json doc) {
        std::promise<bot::IngestResult> promise;
        auto future = promise.get_future();
        queue.submit(meme::parse_events(std::move(doc), core::now_ms()), "event",
                     [&promise](bot::IngestResult r) { promise.set_value(std::move(r)); });
        REQUIRE(future.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
        auto result = future.get();
        REQUIRE(result.error.empty());
        return result.handled.at(0).entry_id;
    };
    const std::string folder = "/home/lin/vision", remote = "github.com/team/vision";
    const std::string sha = test::fake_sha(1), later = test::fake_sha(2), amended = test::fake_sha(4);
    std::int64_t rewritten = send({{"kind", "commit"}, {"repo", folder}, {"commit", amended}, {"text", "fit, first try"}});
    std::int64_t path_copy = send({{"kind", "commit"}, {"id", "from-the-folder"}, {"repo", folder}, {"commit", sha},
                                   {"rewrites", amended}, {"version", true},
                                   {"metrics", {{"accuracy", 0.9}, {"loss", 0.3}}}, {"text", "fit"}});
    std::int64_t kept = send({{"kind", "commit"}, {"repo", remote}, {"commit", sha}, {"text", "fit"}});
    for (int epoch = 0; epoch < 4; ++epoch)
        send({{"kind", "training.epoch"}, {"id", "e" + std::to_string(epoch)}, {"repo", remote}, {"run", "r1"},
              {"epoch", epoch}, {"metrics", {{"loss", 1.0 / (epoch + 1)}, {"val_loss", 2.0}}}});
    send({{"kind", "training.end"}, {"run", "r1"}, {"status", "success"}, {"repo", remote}, {"commit", test::fake_sha(3)},
          {"metrics", {{"val_accuracy", 0.93}}}});
    send({{"kind", "training.crash"}, {"run", "r2"}, {"text", "CUDA out of memory"}});
    for (const char* status : {"failed", "success"})
        send({{"kind", "ci.pipeline"}, {"provider", "github"}, {"name", "train"}, {"status", status},
              {"repo", remote}, {"branch", "main"}});
    send({{"kind", "message"}, {"text", "great, another NaN. love that for us"}});
    send({{"kind", "confusion.matrix"}, {"run", "r1"}, {"labels", {"cat", "dog"}}, {"matrix", {{5, 1}, {2, 7}}}});
    // A commit from the folder that now knows its remote: the folder joins the identity, and its
    // copy of `sha` is folded into the one the remote's entry already is.
    send({{"kind", "commit"}, {"repo", remote}, {"repo_path", folder}, {"commit", later}, {"text", "next"}});
    // The folder, now without a repos row of its own, sends again.
    send({{"kind", "ci.pipeline"}, {"name", "lint"}, {"status", "failed"}, {"repo", folder}});
    // Another process joins a folder the writer has seen into its remote, between two requests.
    const std::string other_folder = "/home/lin/other";
    send({{"kind", "commit"}, {"repo", other_folder}, {"commit", test::fake_sha(5)}, {"text", "start"}});
    {
        auto other_process = storage::Archive::open(path);
        storage::Transaction transaction(other_process->database());
        REQUIRE(storage::RepoStore(*other_process).join(other_folder, "github.com/team/other") == 1);
        transaction.commit();
    }
    send({{"kind", "ci.pipeline"}, {"name", "lint"}, {"status", "failed"}, {"repo", other_folder}});
    queue.stop();

    auto& db = archive->database();
    auto count = [&](const std::string& sql, std::int64_t entry) {
        auto select = db.cached(sql);
        select.bind(1, entry);
        std::int64_t n = select.step() ? select.column_int(0) : -1;
        select.reset();
        return n;
    };
    CHECK(db.query_int("SELECT count(*) FROM pragma_foreign_key_check") == 0);
    CHECK(count("SELECT count(*) FROM entries WHERE id = ?1", path_copy) == 0);
    CHECK(count("SELECT count(*) FROM ingest_keys WHERE key = 'event:from-the-folder' AND entry_id = ?1", kept) == 1);
    // The folded copy's version and its metrics come along.
    CHECK(count("SELECT count(*) FROM entries WHERE id = ?1 AND kind = 'version' AND tag IS NOT NULL", kept) == 1);
    CHECK(count("SELECT count(*) FROM metrics WHERE entry_id = ?1 AND name = 'accuracy' AND value = 0.9", kept) == 1);
    CHECK(count("SELECT count(*) FROM metrics WHERE entry_id = ?1 AND name = 'loss'", kept) == 1);
    CHECK(db.query_int("SELECT count(*) FROM epochs") == 4);
    CHECK(db.query_int("SELECT count(*) FROM ci_status WHERE entry_id IS NOT NULL") == 3);
    CHECK(count("SELECT rewritten_into FROM entries WHERE id = ?1", rewritten) == kept);
    CHECK(db.query_int("SELECT count(*) FROM repos WHERE identity IN ('/home/lin/vision', '/home/lin/other')") == 2);
}

namespace {

// The salt the write-ahead log's header holds: it changes each time the log starts over.
std::uint32_t log_salt(const std::string& log_path) {
    std::ifstream log(log_path, std::ios::binary);
    unsigned char header[20] = {};
    if (!log.read(reinterpret_cast<char*>(header), sizeof header)) return 0;
    return std::uint32_t{header[16]} << 24 | std::uint32_t{header[17]} << 16 | std::uint32_t{header[18]} << 8 | header[19];
}

}  // namespace

// Found by watching the log under bench/bot_bench.sh: with requests always waiting, the
// checkpointer never found the log all copied between two commits, so it never started over and
// grew by about 130 MB a second. Here 32 requests stay in flight for 2 s with a 100-frame limit.
TEST_CASE("ingest queue: the write-ahead log starts over under a load that never pauses") {
    test::TempDir dir;
    std::string path = dir.file("archive.db");
    std::mutex mutex;
    std::condition_variable answered;
    long next = 0, done = 0, failed = 0;
    bool sending = true;
    std::function<void()> send;
    std::unique_ptr<bot::IngestQueue> queue;  // destroyed first: it may still answer into `send`
    send = [&] {
        long n = 0;
        {
            std::lock_guard lock(mutex);
            if (!sending) return;
            n = next++;
        }
        queue->submit(epoch_of("run-" + std::to_string(n % 20), static_cast<int>(n / 20)), "event", [&](bot::IngestResult r) {
            {
                std::lock_guard lock(mutex);
                ++done;
                if (!r.error.empty()) ++failed;
            }
            answered.notify_all();
            send();
        });
    };
    queue = std::make_unique<bot::IngestQueue>(path, std::vector<core::Destination>{}, meme::DetectorThresholds{},
                                               [](const auto&, const auto&) {}, std::function<void()>{}, 100);
    for (int i = 0; i < 32; ++i) send();
    std::set<std::uint32_t> salts;
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (std::chrono::steady_clock::now() < until) {
        if (auto salt = log_salt(path + "-wal")) salts.insert(salt);
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    {
        std::unique_lock lock(mutex);
        sending = false;
        REQUIRE(answered.wait_for(lock, std::chrono::seconds(30), [&] { return done == next; }));
    }
    queue.reset();
    INFO(done << " events");
    CHECK(failed == 0);
    CHECK(salts.size() >= 3);  // started over at least twice (0 is no salt: not counted)
}
