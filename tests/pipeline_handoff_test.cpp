// Team mode's spool (pipeline/handoff.hpp) against a real HTTP server on 127.0.0.1 standing in for
// the bot: an event the bot refuses for good never holds back the others, is kept with the bot's
// reason for `status`, and is never sent again; `memeops flush` forwards what waits.
#include <httplib.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <mutex>
#include <thread>

#include "pipeline/handoff.hpp"
#include "storage/archive.hpp"
#include "test_support.hpp"

using namespace memeops;
using nlohmann::json;

namespace {

constexpr const char* k_bad_text = "refuse-me";

// The bot's POST /v1/events: 400 naming the field for any request holding an event whose text is
// k_bad_text (the whole request, as the real bot does), 202 otherwise; or a status it was told
// to answer. Records the ids of every event it was sent.
class BotStandIn {
public:
    BotStandIn() {
        m_server.Post("/v1/events", [this](const httplib::Request& req, httplib::Response& res) {
            handle(req, res);
        });
        m_port = m_server.bind_to_any_port("127.0.0.1");
        m_thread = std::thread([this] { m_server.listen_after_bind(); });
        while (!m_server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ~BotStandIn() {
        m_server.stop();
        m_thread.join();
    }
    BotStandIn(const BotStandIn&) = delete;
    BotStandIn& operator=(const BotStandIn&) = delete;

    std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }
    // Answers `status` to every request from now on (0: judge each request again).
    void answer_all(int status) { answer_all_after(0, status); }
    // Judges the next `requests` requests, then answers `status` to every one.
    void answer_all_after(int requests, int status) {
        std::lock_guard lock(m_mutex);
        m_judged = requests;
        m_forced = status;
    }
    // Ids of the events it was sent, in order, every time it was sent one.
    std::vector<std::string> sent() const {
        std::lock_guard lock(m_mutex);
        return m_sent;
    }
    // Ids of the events it accepted.
    std::vector<std::string> accepted() const {
        std::lock_guard lock(m_mutex);
        return m_accepted;
    }
    int requests() const {
        std::lock_guard lock(m_mutex);
        return m_requests;
    }

private:
    void handle(const httplib::Request& req, httplib::Response& res) {
        json body = json::parse(req.body, nullptr, false);
        json events = body.is_array() ? body : json::array({body});
        std::lock_guard lock(m_mutex);
        ++m_requests;
        bool bad = false;
        for (const auto& e : events) {
            m_sent.push_back(e.value("id", ""));
            bad |= e.value("text", "") == k_bad_text;
        }
        int status = m_judged-- > 0 || !m_forced ? (bad ? 400 : 202) : m_forced;
        if (status == 202)
            for (const auto& e : events) m_accepted.push_back(e.value("id", ""));
        json answer = status == 202 ? json{{"accepted", events.size()}, {"duplicates", 0}}
                                    : json{{"error", "field \"text\": not allowed here"}};
        res.status = status;
        res.set_content(answer.dump(), "application/json");
    }

    httplib::Server m_server;
    int m_port = 0;
    std::thread m_thread;
    mutable std::mutex m_mutex;
    int m_judged = 0;  // requests still to judge before m_forced applies
    int m_forced = 0;
    int m_requests = 0;
    std::vector<std::string> m_sent, m_accepted;
};

json message(const std::string& id, const std::string& text) {
    return {{"kind", "message"}, {"id", id}, {"text", text}};
}

// Spools message events "m1".."m<n>"; the one numbered `bad` (if any) carries k_bad_text.
void spool_messages(const std::string& db, int n, int bad = 0) {
    auto archive = storage::Archive::open(db);
    std::vector<json> events;
    for (int i = 1; i <= n; ++i)
        events.push_back(message("m" + std::to_string(i), i == bad ? k_bad_text : "fine"));
    pipeline::spool_events(*archive, events);
}

pipeline::ForwardSummary forward(const std::string& db, const std::string& url) {
    auto archive = storage::Archive::open(db);
    return pipeline::forward_spool(*archive, pipeline::bot_link(url, std::nullopt));
}

json status_json(const test::TempDir& dir) {
    auto status = test::run_memeops(
        {"status", "--json"}, {{"MEMEOPS_DB", dir.file("a.db")}, {"HOME", dir.path().string()}});
    REQUIRE(status.code == 0);
    return json::parse(status.out);
}

}  // namespace

TEST_CASE(
    "pipeline::forward_spool forwards every other event when the bot refuses one, and never "
    "resends it") {
    test::TempDir dir;
    BotStandIn bot;
    spool_messages(dir.file("a.db"), 5, 3);

    auto first = forward(dir.file("a.db"), bot.url());
    CHECK(first.forwarded == 4);
    CHECK(first.refused == 1);
    CHECK(first.waiting == 0);
    CHECK(first.error.empty());
    CHECK(bot.accepted() == std::vector<std::string>{"m1", "m2", "m4", "m5"});

    auto spool = status_json(dir)["spool"];
    INFO(spool.dump());
    CHECK(spool["waiting"] == 0);
    CHECK(spool["refused"] == 1);
    CHECK(spool["last_refusal"] == "the bot answered HTTP 400: field \"text\": not allowed here");
    auto people = test::run_memeops(
        {"status"}, {{"MEMEOPS_DB", dir.file("a.db")}, {"HOME", dir.path().string()}});
    CHECK_THAT(people.out, Catch::Contains("1 refused by the bot"));

    auto sent = bot.sent();
    CHECK(std::count(sent.begin(), sent.end(), "m3") == 2);  // in the batch, then alone
    auto again = forward(dir.file("a.db"), bot.url());
    CHECK(again.forwarded == 0);
    CHECK(again.refused == 0);
    CHECK(bot.sent() == sent);  // nothing was sent: the refused event stays put
}

TEST_CASE("pipeline::forward_spool keeps every event waiting on 401, 403, 429, 5xx or no answer") {
    for (int status : {401, 403, 429, 500, 503}) {
        INFO("status " << status);
        test::TempDir dir;
        BotStandIn bot;
        spool_messages(dir.file("a.db"), 3, 2);
        bot.answer_all(status);
        auto summary = forward(dir.file("a.db"), bot.url());
        CHECK(summary.forwarded == 0);
        CHECK(summary.refused == 0);
        CHECK(summary.waiting == 3);
        CHECK_THAT(summary.error, Catch::Contains("HTTP " + std::to_string(status)));
        CHECK(bot.requests() == 1);
        auto spool = status_json(dir)["spool"];
        CHECK(spool["waiting"] == 3);
        CHECK(spool["refused"] == 0);
    }
    test::TempDir dir;
    spool_messages(dir.file("a.db"), 2);
    auto down = forward(dir.file("a.db"), "http://127.0.0.1:1");
    CHECK(down.waiting == 2);
    CHECK_THAT(down.error, Catch::StartsWith("cannot reach the bot"));
}

TEST_CASE("pipeline::forward_spool going one by one stops when the bot fails, and the rest waits") {
    test::TempDir dir;
    BotStandIn bot;
    spool_messages(dir.file("a.db"), 3, 2);
    bot.answer_all_after(3, 503);  // the batch: 400; m1: 202; m2: 400; then 503 for m3
    auto failing = forward(dir.file("a.db"), bot.url());
    CHECK(failing.forwarded == 1);
    CHECK(failing.refused == 1);
    CHECK(failing.waiting == 1);
    CHECK_THAT(failing.error, Catch::Contains("HTTP 503"));
    auto spool = status_json(dir)["spool"];
    CHECK_THAT(spool["last_error"].get<std::string>(), Catch::Contains("HTTP 503"));
    CHECK_THAT(spool["last_refusal"].get<std::string>(), Catch::Contains("HTTP 400"));

    bot.answer_all(0);
    auto healthy = forward(dir.file("a.db"), bot.url());
    CHECK(healthy.forwarded == 1);
    CHECK(healthy.waiting == 0);
    CHECK(bot.accepted() == std::vector<std::string>{"m1", "m3"});
}

TEST_CASE("memeops flush forwards the spool to the bot, in one JSON document with --json") {
    test::TempDir dir;
    std::string db = dir.file("a.db");
    spool_messages(db, 3);
    CHECK(forward(db, "http://127.0.0.1:1").waiting == 3);  // the bot is down: they wait

    BotStandIn bot;
    std::map<std::string, std::string> env{
        {"MEMEOPS_DB", db}, {"HOME", dir.path().string()}, {"MEMEOPS_BOT_URL", bot.url()}};
    auto flush = test::run_memeops({"flush", "--json", "--timeout", "5"}, env);
    INFO(flush.err);
    REQUIRE(flush.code == 0);
    auto doc = json::parse(flush.out);  // throws unless stdout is one JSON document
    CHECK(doc["spool"]["forwarded"] == 3);
    CHECK(doc["spool"]["waiting"] == 0);
    CHECK(doc["spool"]["error"].is_null());
    CHECK(bot.accepted() == std::vector<std::string>{"m1", "m2", "m3"});

    {
        auto archive = storage::Archive::open(db);
        pipeline::spool_events(*archive, {message("m4", "fine")});
    }
    auto people = test::run_memeops({"flush", "--timeout", "5"}, env);
    REQUIRE(people.code == 0);
    CHECK_THAT(people.out, Catch::Contains("spool: 1 forwarded to the bot, 0 waiting"));
    CHECK(bot.accepted().back() == "m4");

    env.erase("MEMEOPS_BOT_URL");
    auto local = test::run_memeops({"flush", "--json", "--timeout", "5"}, env);
    CHECK(json::parse(local.out)["spool"].is_null());
}
