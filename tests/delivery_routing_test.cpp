// Routing belongs to the destination's URL (contract §2, §5): memes queued for one webhook go
// there or wait, visibly, and never reach another. Real archive, real HTTP to the stand-ins.
#include <catch2/catch.hpp>

#include <sstream>

#include "chat_standins.hpp"
#include "core/destinations.hpp"
#include "core/error.hpp"
#include "delivery/destination_view.hpp"
#include "delivery/drain.hpp"
#include "outbox_support.hpp"
#include "test_support.hpp"

using namespace memeops;
using test::ChatStandIn;

namespace {

core::Destination slack(const std::string& name, const std::string& url) {
    return {name, core::DestinationType::slack, url, 3, {}};
}

// Drains `destinations` once, for at most `seconds`, with console output kept here.
std::map<std::string, delivery::DrainSummary> drain(storage::Archive& archive,
                                                    const std::vector<core::Destination>& destinations,
                                                    double seconds) {
    std::ostringstream console;
    std::mutex console_mutex;
    delivery::DelivererOptions options;
    options.http.connect_timeout_s = 1;
    delivery::Deliverer deliverer(archive, console, console_mutex, options);
    return delivery::drain(deliverer, destinations, core::now_ms() + static_cast<core::TimeMs>(seconds * 1000));
}

bool shows(const ChatStandIn& channel, const std::string& run) { return channel.all_text().find(run) != std::string::npos; }

}  // namespace

TEST_CASE("core::Destination::key is the type and a fingerprint of the URL, never the name") {
    auto a = slack("ml", "https://hooks.slack.com/services/T0/B0/SECRET");
    auto renamed = slack("team", a.url);
    auto moved = slack("ml", "https://hooks.slack.com/services/T0/B1/OTHER");
    CHECK(a.key().starts_with("slack:"));
    CHECK(a.key().size() == 6 + 16);
    CHECK(a.key() == renamed.key());
    CHECK(a.key() != moved.key());
    CHECK(a.key().find("SECRET") == std::string::npos);
    core::Destination discord{"ml", core::DestinationType::discord, a.url, 3, {}};
    CHECK(discord.key().starts_with("discord:"));
    CHECK(core::Destination{"local", core::DestinationType::console, "", 3, {}}.key() == "console");
    // One URL configured under two names is one destination: a meme is queued for it once.
    CHECK(core::routes_for({a, renamed, moved}, "training.crash", 0) == std::vector<std::string>{a.key(), moved.key()});
}

// Found by fuzz/config (from seeds with wrongly typed members): nlohmann's type_error escaped
// ("type must be string, but is number") instead of an error naming the destination and key.
TEST_CASE("core::configured_destinations names the entry and key of a wrongly typed member") {
    test::TempDir dir;
    auto error_of = [&](const std::string& destination) {
        test::write_file(dir.file("config.json"), R"({"destinations":[{"name":"ok","type":"console"},)" + destination + "]}");
        core::Settings settings(nullptr, dir.file("config.json"));
        try {
            core::configured_destinations(settings);
        } catch (const core::Fatal& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    const std::string at = "config " + dir.file("config.json") + ", line 1 : destinations[1]";
    CHECK(error_of(R"({"name":1,"type":"slack","url":"http://x"})") == at + ".name must be a string, not a number");
    CHECK(error_of(R"({"name":"a","type":"slack","url_file":3})") == at + ".url_file must be a string, not a number");
    CHECK(error_of(R"({"name":"a","type":"slack","url":"http://u","reactions":[1]})") ==
          at + ".reactions must be an array of strings, like [\"training.*\", \"ci.failed\"]");
    CHECK(error_of(R"({"name":"a","type":["slack"],"url":"http://u"})") == at + ".type must be a string, not an array");
    CHECK(error_of(R"({"name":"a","type":"slack","url":"http://u","min_priority":1})") ==
          at + ".min_priority must be a string, not a number");
    CHECK(error_of(R"({"name":"a","type":"slack","url":"http://u","reactions":"ci.*"})") ==
          at + ".reactions must be an array of strings, like [\"training.*\", \"ci.failed\"]");
    CHECK(error_of(R"({"name":"a","type":"slack","url":"http://u","min_priority":null,"reactions":["ci.*"]})") == "no error");
}

TEST_CASE("delivery: memes of a Slack webhook that is down never reach another webhook") {
    test::TempDir dir;
    auto archive = storage::Archive::open(dir.file("a.db"));
    ChatStandIn down(ChatStandIn::Platform::slack), up(ChatStandIn::Platform::slack);
    down.fail_next(503, 1000);
    // A third URL whose port refuses connections.
    auto refused = slack("refused", "http://127.0.0.1:1/services/T0/B0/SECRETrefused");
    auto to_down = slack("down", down.url()), to_up = slack("up", up.url() + "?channel=up");
    REQUIRE(to_down.key() != to_up.key());
    for (int i = 0; i < 3; ++i) test::queue_meme(*archive, {to_down.key()}, "down-run-" + std::to_string(i));
    test::queue_meme(*archive, {refused.key()}, "refused-run");
    test::queue_meme(*archive, {to_up.key()}, "up-run");
    test::queue_meme(*archive, {to_down.key(), to_up.key()}, "both-run");

    auto summaries = drain(*archive, {to_down, refused, to_up}, 3.0);
    CHECK(summaries[to_up.key()].memes_delivered == 2);
    CHECK(shows(up, "up-run"));
    CHECK(shows(up, "both-run"));
    for (int i = 0; i < 3; ++i) CHECK_FALSE(shows(up, "down-run-" + std::to_string(i)));
    CHECK_FALSE(shows(up, "refused-run"));
    CHECK(down.count_status(503) >= 1);
    CHECK(down.messages().empty());
    CHECK(test::count_deliveries(*archive, to_down.key(), "pending") == 4);
    CHECK(test::count_deliveries(*archive, refused.key(), "pending") == 1);
    CHECK(summaries[refused.key()].last_error.starts_with("network error"));
}

TEST_CASE("delivery: a bot configured with a different Slack URL never delivers memes queued for the first") {
    test::TempDir dir;
    auto archive = storage::Archive::open(dir.file("a.db"));
    ChatStandIn first(ChatStandIn::Platform::slack), second(ChatStandIn::Platform::slack);
    auto before = slack("slack", first.url());
    auto after = slack("slack", second.url() + "?rotated=1");  // the same name, another webhook
    for (int i = 0; i < 3; ++i) test::queue_meme(*archive, core::routes_for({before}, "training.crash", 0), "queued-" + std::to_string(i));
    test::queue_meme(*archive, core::routes_for({after}, "training.crash", 0), "new-run");

    drain(*archive, {after}, 2.0);
    CHECK(shows(second, "new-run"));
    for (int i = 0; i < 3; ++i) CHECK_FALSE(shows(second, "queued-" + std::to_string(i)));
    CHECK(first.requests().empty());
    CHECK(test::count_deliveries(*archive, before.key(), "pending") == 3);
    storage::Outbox outbox(*archive);
    auto views = delivery::destination_views(outbox, {after});
    REQUIRE(views.size() == 2);
    CHECK(views[1].key == before.key());
    CHECK_FALSE(views[1].configured());
    CHECK(views[1].pending == 3);

    drain(*archive, {before}, 2.0);  // configured again: its memes go where they were routed
    for (int i = 0; i < 3; ++i) CHECK(shows(first, "queued-" + std::to_string(i)));
    CHECK(test::count_deliveries(*archive, before.key(), "delivered") == 3);
}

TEST_CASE("status shows a destination removed from the configuration, with its waiting memes") {
    test::TempDir dir;
    std::string url = "https://hooks.slack.com/services/T0/B0/SECRETremoved";
    auto removed = slack("slack", url);
    {
        auto archive = storage::Archive::open(dir.file("a.db"));
        for (int i = 0; i < 3; ++i) test::queue_meme(*archive, {removed.key()}, "run-" + std::to_string(i));
    }
    std::map<std::string, std::string> env{{"MEMEOPS_DB", dir.file("a.db")}, {"HOME", dir.path().string()}};
    auto people = test::run_memeops({"status"}, env);
    CHECK(people.code == 0);
    CHECK(people.out.find(removed.key() + " (not configured)") != std::string::npos);
    CHECK(people.out.find("3 memes waiting") != std::string::npos);
    auto json = nlohmann::json::parse(test::run_memeops({"status", "--json"}, env).out);
    auto listed = json["destinations"];
    REQUIRE(listed.size() == 2);  // the console (configured by default) and the removed webhook
    CHECK(listed[1]["key"] == removed.key());
    CHECK(listed[1]["configured"] == false);
    CHECK(listed[1]["pending"] == 3);
    CHECK(json["outbox_pending"] == 3);
    CHECK(json.dump().find("SECRET") == std::string::npos);
    // flush leaves them where they are and says so.
    auto flush = test::run_memeops({"flush", "--timeout", "2"}, env);
    CHECK(flush.out.find(removed.key() + " (not configured): 3 waiting") != std::string::npos);
    CHECK(test::count_deliveries(*storage::Archive::open(dir.file("a.db")), removed.key(), "pending") == 3);
}
