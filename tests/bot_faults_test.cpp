// The bot as a separate process when what it stands on fails: the disk fills under the archive,
// the archive file is deleted or replaced while it runs, a chat destination is down for a
// minute. A 202 always means committed to the archive at the configured path, the bot keeps
// running and recovers by itself, and every accepted meme reaches each destination once.
#include <catch2/catch.hpp>
#include <sys/resource.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <thread>

#include "chat_standins.hpp"
#include "storage/archive.hpp"
#include "test_repo.hpp"
#include "test_support.hpp"

using namespace memeops;
using nlohmann::json;
using test::ChatStandIn;

namespace {

json message(const std::string& name) {
    return {{"kind", "message"}, {"id", name}, {"text", "archived as " + name}};
}

// The texts of every entry in the archive at `path`.
std::multiset<std::string> archived_texts(const std::string& path) {
    auto archive = storage::Archive::open(path);
    std::multiset<std::string> texts;
    for (const auto& entry : archive->history({.limit = 1000})) texts.insert(entry.body);
    return texts;
}

std::string integrity(const std::string& path) {
    auto archive = storage::Archive::open(path);
    auto statement = archive->database().prepare("PRAGMA integrity_check");
    sqlite3_step(statement.get());
    return reinterpret_cast<const char*>(sqlite3_column_text(statement.get(), 0));
}

std::uintmax_t size_or_zero(const std::string& path) {
    std::error_code ignored;
    auto size = std::filesystem::file_size(path, ignored);
    return ignored ? 0 : size;
}

// Limits how large `pid` may grow any file (RLIMIT_FSIZE): past it, writes fail with EFBIG,
// as they fail with ENOSPC on a full disk. RLIM_INFINITY lifts the limit.
void limit_file_size(pid_t pid, rlim_t bytes) {
    rlimit limit{bytes, RLIM_INFINITY};
    REQUIRE(prlimit(pid, RLIMIT_FSIZE, &limit, nullptr) == 0);
}

// Posts `event` until the bot takes it (202), at most `tries` times 100 ms apart; while the bot
// reopens its archive it may answer 503 or, for a moment, not at all (0). Returns the statuses.
std::vector<int> post_until_accepted(const test::ServeProcess& serve, const json& event, int tries = 50) {
    std::vector<int> statuses;
    for (int i = 0; i < tries; ++i) {
        statuses.push_back(serve.post(event));
        if (statuses.back() == 202) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return statuses;
}

}  // namespace

TEST_CASE("serve on a full disk answers 503, never 202 for what it did not commit, and recovers when space returns") {
    test::TempDir dir;
    std::string db = dir.file("archive.db");
    test::ServeProcess serve(dir, {{"MEMEOPS_DB", db}, {"HOME", dir.path().string()}}, "full");
    std::set<std::string> accepted;
    for (int i = 0; i < 3; ++i) {
        REQUIRE(serve.post(message("before-" + std::to_string(i))) == 202);
        accepted.insert("archived as before-" + std::to_string(i));
    }
    // From now on the archive and its write-ahead log may grow only a little.
    limit_file_size(serve.pid(), std::max(size_or_zero(db), size_or_zero(db + "-wal")) + 16 * 1024);
    std::vector<std::string> refused;
    for (int i = 0; i < 400 && refused.size() < 20; ++i) {
        std::string name = "while-full-" + std::to_string(i);
        int status = serve.post(message(name));
        INFO(name);
        REQUIRE((status == 202 || status == 503));
        if (status == 202) accepted.insert("archived as " + name);
        if (status == 503) refused.push_back(name);
    }
    REQUIRE(refused.size() == 20);
    CHECK(serve.alive());
    std::string log = serve.log();  // the reason, not just "disk I/O error"
    CHECK((log.find("File too large") != std::string::npos || log.find("is the disk full?") != std::string::npos));

    limit_file_size(serve.pid(), RLIM_INFINITY);
    for (const auto& name : refused) {
        INFO(name);
        REQUIRE(post_until_accepted(serve, message(name)).back() == 202);
        accepted.insert("archived as " + name);
    }
    serve.stop(SIGTERM);

    auto texts = archived_texts(db);
    CHECK(std::set<std::string>(texts.begin(), texts.end()) == accepted);  // every 202, nothing else
    CHECK(texts.size() == accepted.size());                                // each once
    CHECK(integrity(db) == "ok");
}

TEST_CASE("serve reopens the archive when the file is deleted or replaced under it, accepting nothing into the lost file") {
    test::TempDir dir;
    std::string db = dir.file("archive.db");
    test::ServeProcess serve(dir, {{"MEMEOPS_DB", db}, {"HOME", dir.path().string()}}, "replaced");
    REQUIRE(serve.post(message("first")) == 202);

    SECTION("deleted: the bot starts a new archive at the path, without the lost file's log") {
        // Only the database file: its write-ahead log stays, and must not be replayed into the
        // new archive.
        std::filesystem::remove(db);
        auto statuses = post_until_accepted(serve, message("after-delete"));
        for (int status : statuses) CHECK((status == 503 || status == 202 || status == 0));
        REQUIRE(statuses.back() == 202);
        CHECK(archived_texts(db) == std::multiset<std::string>{"archived as after-delete"});
        CHECK(integrity(db) == "ok");
    }
    SECTION("deleted while idle: found within seconds, with no request to notice it") {
        for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db + suffix);
        CHECK(test::eventually([&] { return serve.log().find("serve.archive_replaced") != std::string::npos; }, 5));
        CHECK(post_until_accepted(serve, message("after-idle")).back() == 202);  // 0 while it rebinds
        CHECK(archived_texts(db) == std::multiset<std::string>{"archived as after-idle"});
    }
    SECTION("replaced: another archive moved over it is the one the bot writes") {
        std::string other = dir.file("restored.db");
        {
            auto restored = storage::Archive::open(other);
            auto entry = test::sample_entry(storage::EntryKind::message, 1);
            entry.body = "from the restored archive";
            restored->add(entry);
        }
        std::filesystem::rename(other, db);
        auto statuses = post_until_accepted(serve, message("after-replace"));
        for (int status : statuses) CHECK((status == 503 || status == 202 || status == 0));
        REQUIRE(statuses.back() == 202);
        CHECK(archived_texts(db) == std::multiset<std::string>{"from the restored archive", "archived as after-replace"});
        CHECK(integrity(db) == "ok");
    }
    // Once reopened, the bot goes on as before.
    CHECK(serve.post(message("later")) == 202);
    CHECK(serve.alive());
    CHECK(serve.log().find("serve.archive_replaced") != std::string::npos);
}

TEST_CASE("a destination down for 60 s, then back: every accepted meme is delivered exactly once") {
    test::TempDir dir;
    ChatStandIn slack(ChatStandIn::Platform::slack);
    ChatStandIn discord(ChatStandIn::Platform::discord);
    auto env = test::chat_bot_env(dir, slack, discord);
    test::ServeProcess serve(dir, env, "down");
    // Slack refuses connections; Discord answers 503 to everything.
    slack.go_down();
    discord.fail_next(503, 1'000'000);
    std::vector<std::string> runs;
    for (int i = 0; i < 8; ++i) {
        runs.push_back("outage-run-" + std::to_string(i) + "-end");
        REQUIRE(serve.post({{"kind", "training.crash"}, {"run", runs.back()}, {"text", "CUDA out of memory"}}) == 202);
        std::this_thread::sleep_for(std::chrono::seconds(1));
    }
    std::this_thread::sleep_for(std::chrono::seconds(52));  // 60 s down in all
    CHECK(discord.count_status(503) >= 3);                  // it kept trying, backing off
    slack.come_back();
    discord.fail_next(0, 0);

    // Backoff is capped at 5 minutes, but after a minute of failures the next try is at most
    // about a minute away.
    auto archive = storage::Archive::open(dir.file("archive.db"));
    for (int i = 0; i < 1800 && archive->pending_deliveries() > 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    REQUIRE(archive->pending_deliveries() == 0);
    for (const auto* channel : {&slack, &discord}) {
        for (const auto& run : runs) {
            INFO(run);
            CHECK(test::times_mentioned(*channel, run) == 1);
        }
        CHECK(channel->count_status(400) == 0);
    }
    CHECK(serve.alive());
}
