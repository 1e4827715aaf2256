// The bot as a separate process: kill -9 in the middle of a burst, restart, and every accepted
// event's memes still reach every destination, once each; and no secret reaches its log.
#include <catch2/catch.hpp>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>

#include <fstream>
#include <regex>
#include <set>
#include <thread>

#include "chat_standins.hpp"
#include "core/destinations.hpp"
#include "storage/archive.hpp"
#include "test_support.hpp"

using namespace memeops;
using nlohmann::json;
using test::ChatStandIn;

namespace {

json crash(int i) {
    return {{"kind", "training.crash"}, {"run", "burst-run-" + std::to_string(i) + "-end"}, {"id", "burst-" + std::to_string(i)},
            {"text", "CUDA out of memory"}};
}

// Checks that every run of `runs` was shown exactly once on `channel`, except that a run may
// be shown twice when it was in the last message accepted before `killed_at`: a send that was
// in flight when the process died (the destination answered, the process could not record it)
// is the one duplicate at-least-once delivery allows.
void check_once_each(const ChatStandIn& channel, const std::set<int>& runs, core::TimeMs killed_at) {
    std::vector<std::string> texts;
    std::vector<core::TimeMs> times;
    for (const auto& r : channel.requests())
        if (r.status == 200) times.push_back(r.time);
    texts = channel.message_texts();
    REQUIRE(texts.size() == times.size());
    std::string in_flight;
    for (size_t i = 0; i < texts.size(); ++i)
        if (times[i] <= killed_at) in_flight = texts[i];
    for (int i : runs) {
        std::string run = "burst-run-" + std::to_string(i) + "-end";
        int shown = test::times_mentioned(channel, run);
        INFO(run);
        CHECK(shown >= 1);
        CHECK(shown <= (in_flight.find(run) != std::string::npos ? 2 : 1));
    }
}

}  // namespace

// [serial]: deliveries leased by the killed process must end within a bounded wait.
TEST_CASE("serve survives kill -9 mid-burst: every accepted event's memes are delivered, once per destination",
          "[serial]") {
    test::TempDir dir;
    ChatStandIn slack(ChatStandIn::Platform::slack);
    ChatStandIn discord(ChatStandIn::Platform::discord);
    auto env = test::chat_bot_env(dir, slack, discord);
    std::set<int> accepted;
    core::TimeMs killed_at = 0;
    {
        test::ServeProcess first(dir, env, "first");
        for (int i = 0; i < 30; ++i) {
            if (first.post(crash(i)) == 202) accepted.insert(i);
            if (i == 14) {  // in the middle of the burst, sends under way
                killed_at = core::now_ms();
                first.stop(SIGKILL);
            }
        }
    }
    CHECK(accepted.size() == 15);
    test::ServeProcess second(dir, env, "second");
    for (int i = 0; i < 30; ++i)
        if (second.post(crash(i)) == 202) accepted.insert(i);  // the first 15 again: duplicates
    CHECK(accepted.size() == 30);
    auto archive = storage::Archive::open(dir.file("archive.db"));
    // Up to a minute: memes leased by the killed process wait for their lease (20 s) to end.
    for (int i = 0; i < 3000 && archive->pending_deliveries() > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    REQUIRE(archive->pending_deliveries() == 0);
    check_once_each(slack, accepted, killed_at);
    check_once_each(discord, accepted, killed_at);
    CHECK(slack.count_status(400) == 0);
    CHECK(discord.count_status(400) == 0);
}

TEST_CASE("serve and flush keep webhook URLs, tokens and secrets out of their logs") {
    test::TempDir dir;
    ChatStandIn slack(ChatStandIn::Platform::slack);
    slack.fail_next(503, 1);
    std::map<std::string, std::string> env{{"MEMEOPS_DB", dir.file("archive.db")},
                                           {"MEMEOPS_SLACK_WEBHOOK", slack.url()},
                                           {"MEMEOPS_GITHUB_SECRET", "SECRETgithub"},
                                           {"MEMEOPS_TOKEN", "SECRETtoken"},
                                           {"MEMEOPS_LOG", "debug"},
                                           {"HOME", dir.path().string()}};
    std::string log;
    {
        test::ServeProcess serve(dir, env, "log");
        serve.post(crash(1));  // 401: the token is missing
        log = serve.log();
    }
    // flush with a destination that answers 503 once, then 200.
    auto archive = storage::Archive::open(dir.file("archive.db"));
    storage::Entry entry = test::sample_entry(storage::EntryKind::message, 1);
    std::string key = core::Destination{"slack", core::DestinationType::slack, slack.url(), 3, {}}.key();
    entry.memes.push_back({0, "sarcasm", 3, "泰裤辣", "so cool", 0, {{key, storage::DeliveryState::pending, 0, std::nullopt}}});
    archive->add(entry);
    auto flush = test::run_memeops({"flush", "--timeout", "10"}, env);
    CHECK(flush.code == 0);
    CHECK(flush.out.find("slack: 1 delivered") != std::string::npos);
    log += flush.err + flush.out;
    CHECK(log.find("status=503") != std::string::npos);  // the failure was logged…
    CHECK(log.find("SECRET") == std::string::npos);      // …without the URL's secret
    auto status = test::run_memeops({"status", "--json"}, env);
    CHECK(status.out.find("SECRET") == std::string::npos);
}
