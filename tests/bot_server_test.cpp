#include <catch2/catch.hpp>
#include <httplib.h>

#include <cmath>
#include <sstream>
#include <thread>

#include "bot/server.hpp"
#include "chat_standins.hpp"
#include "storage/outbox.hpp"
#include "outbox_support.hpp"
#include "test_support.hpp"
#include "webhook_support.hpp"

using namespace memeops;
using nlohmann::json;
using test::ChatStandIn;
using test::github_headers;
using test::k_github_secret;

namespace {

const std::string k_gitlab_token = "gitlab-t0ken";

// Polls `done` every 20 ms for up to `seconds`.
template <typename F>
bool eventually(F done, double seconds = 10) {
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<int>(seconds * 1000));
    while (std::chrono::steady_clock::now() < until) {
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return done();
}

core::Destination destination(const std::string& name, core::DestinationType type, const std::string& url) {
    return {name, type, url, 3, {}};
}

// A bot on 127.0.0.1 in this process, on a port of its own, over a fresh archive.
class RunningBot {
public:
    explicit RunningBot(bot::ServerOptions options = {}) {
        options.port = 0;
        options.archive_path = m_dir.file("archive.db");
        if (options.destinations.empty()) options.destinations = {destination("console", core::DestinationType::console, "")};
        m_archive_path = options.archive_path;
        m_server = std::make_unique<bot::Server>(std::move(options), m_console);
        m_port = m_server->bind();
        m_thread = std::thread([this] { m_server->run(); });
        REQUIRE(eventually([this] { return client().Get("/healthz") != nullptr; }));
    }
    ~RunningBot() {
        m_server->stop();
        m_thread.join();
    }
    httplib::Client client() const {
        httplib::Client c("127.0.0.1", m_port);
        c.set_read_timeout(30);
        return c;
    }
    httplib::Result post(const std::string& path, const std::string& body, httplib::Headers headers = {},
                         const std::string& type = "application/json") const {
        return client().Post(path.c_str(), headers, body, type.c_str());
    }
    std::int64_t pending() const { return storage::Archive::open(m_archive_path)->pending_deliveries(); }
    int port() const { return m_port; }
    const std::string& archive_path() const { return m_archive_path; }

private:
    test::TempDir m_dir;
    std::string m_archive_path;
    std::ostringstream m_console;
    std::unique_ptr<bot::Server> m_server;
    int m_port = 0;
    std::thread m_thread;
};

json body_of(const httplib::Result& r) { return json::parse(r->body, nullptr, false); }

json crash(const std::string& run) { return {{"kind", "training.crash"}, {"run", run}, {"text", "CUDA out of memory"}}; }

}  // namespace

TEST_CASE("serve: POST /v1/events validates, needs the token, and acknowledges once committed") {
    bot::ServerOptions options;
    options.token = "t0ken";
    RunningBot bot(std::move(options));
    httplib::Headers auth{{"Authorization", "Bearer t0ken"}};
    std::string event = json{{"kind", "message"}, {"text", "hello"}, {"id", "m-1"}}.dump();

    CHECK(bot.post("/v1/events", event)->status == 401);
    CHECK(bot.post("/v1/events", event, {{"Authorization", "Bearer nope"}})->status == 401);
    CHECK(bot.post("/v1/events", "{oops", auth)->status == 400);
    auto wrong_type = bot.post("/v1/events", R"({"kind":"training.epoch","run":"r","epoch":"3","metrics":{}})", auth);
    CHECK(wrong_type->status == 400);
    CHECK(body_of(wrong_type)["field"] == "epoch");
    CHECK(bot.post("/v1/events", event, auth, "text/plain")->status == 415);
    size_t too_big = bot::http::Limits{}.max_body_bytes + 10;
    std::string head = "POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t0ken\r\n"
                       "Content-Type: application/json\r\nContent-Length: " + std::to_string(too_big) + "\r\n\r\n";
    auto refused = test::raw_http(bot.port(), head, test::after_a_pause(test::filler_body(too_big)));
    CHECK(refused.status == 413);
    CHECK(refused.sent == head.size());  // answered before the body was sent

    auto first = bot.post("/v1/events", event, auth);
    REQUIRE(first->status == 202);
    CHECK(body_of(first)["accepted"] == 1);
    CHECK(body_of(first)["duplicates"] == 0);
    auto again = bot.post("/v1/events", event, auth);
    CHECK(body_of(again)["accepted"] == 0);
    CHECK(body_of(again)["duplicates"] == 1);
    // Committed before the 202: another connection sees it at once.
    CHECK(storage::Archive::open(bot.archive_path())->history({}).size() == 1);

    auto keyed = json{{"kind", "message"}, {"text", "with a header key"}}.dump();
    httplib::Headers with_key = auth;
    with_key.emplace("Idempotency-Key", "k-7");
    CHECK(body_of(bot.post("/memeify", keyed, with_key))["accepted"] == 1);
    CHECK(body_of(bot.post("/memeify", keyed, with_key))["duplicates"] == 1);

    auto history = bot.client().Get("/v1/history?limit=5", auth);
    REQUIRE(history->status == 200);
    CHECK(body_of(history).size() == 2);
    CHECK(bot.client().Get("/v1/history")->status == 401);
    CHECK(body_of(bot.client().Get("/v1/search?q=hello", auth)).size() == 1);
    CHECK(bot.client().Get("/v1/entries/999", auth)->status == 404);
    CHECK(bot.client().Get("/healthz")->status == 200);
}

TEST_CASE("serve: GitHub webhooks are signature-checked, deduplicated and mapped to CI reactions") {
    bot::ServerOptions options;
    options.github_secret = k_github_secret;
    RunningBot bot(std::move(options));
    std::string run = test::webhook_fixture("github/workflow_run.completed.json");

    CHECK(bot.post("/webhooks/github", run, github_headers("workflow_run", "d-1", run, "wrong secret"))->status == 401);
    CHECK(bot.post("/webhooks/github", run, {{"X-GitHub-Event", "workflow_run"}})->status == 401);
    auto ok = bot.post("/webhooks/github", run, github_headers("workflow_run", "d-1", run));
    REQUIRE(ok->status == 202);
    CHECK(body_of(ok)["accepted"] == 1);
    CHECK(body_of(bot.post("/webhooks/github", run, github_headers("workflow_run", "d-1", run)))["duplicates"] == 1);

    std::string ping = test::webhook_fixture("github/ping.json");
    CHECK(bot.post("/webhooks/github", ping, github_headers("ping", "d-2", ping))->status == 200);
    std::string push = test::webhook_fixture("github/push.json");
    CHECK(bot.post("/webhooks/github", push, github_headers("push", "d-3", push))->status == 204);

    std::string job = test::webhook_fixture("github/workflow_job.completed.failure.with-organization.json");
    REQUIRE(bot.post("/webhooks/github", job, github_headers("workflow_job", "d-4", job))->status == 202);
    // None of the fixtures has a failed workflow_run: derived from the completed one.
    auto failed_run = json::parse(run);
    failed_run["workflow_run"]["conclusion"] = "failure";
    std::string failed = failed_run.dump();
    REQUIRE(bot.post("/webhooks/github", failed, github_headers("workflow_run", "d-5", failed))->status == 202);

    auto archive = storage::Archive::open(bot.archive_path());
    auto ci = archive->history({.kind = storage::EntryKind::ci});
    REQUIRE(ci.size() == 3);
    CHECK(ci[2].summary.value_or("") == "test success on master");
    CHECK(ci[2].memes.at(0).reaction == "ci.passed");
    CHECK(ci[1].memes.at(0).reaction == "ci.failed");
    CHECK(ci[1].memes.at(0).caption.find("CodeQL / linters") != std::string::npos);
    CHECK(ci[0].memes.at(0).reaction == "ci.failed");
    CHECK(ci[0].repo == "github.com/octo-org/octo-repo");  // one identity for every spelling
}

TEST_CASE("serve: GitLab webhooks check the token and map pipelines and failed jobs") {
    bot::ServerOptions options;
    options.gitlab_token = k_gitlab_token;
    RunningBot bot(std::move(options));
    std::string pipeline = test::webhook_fixture("gitlab/pipeline-event.json");
    httplib::Headers headers{{"X-Gitlab-Event", "Pipeline Hook"}, {"X-Gitlab-Token", k_gitlab_token},
                             {"X-Gitlab-Event-UUID", "u-1"}};
    CHECK(bot.post("/webhooks/gitlab", pipeline, {{"X-Gitlab-Event", "Pipeline Hook"}, {"X-Gitlab-Token", "nope"}})->status == 401);
    CHECK(body_of(bot.post("/webhooks/gitlab", pipeline, headers))["accepted"] == 1);
    CHECK(body_of(bot.post("/webhooks/gitlab", pipeline, headers))["duplicates"] == 1);

    std::string running_build = test::webhook_fixture("gitlab/build-event.json");
    httplib::Headers job_headers{{"X-Gitlab-Event", "Job Hook"}, {"X-Gitlab-Token", k_gitlab_token}};
    CHECK(bot.post("/webhooks/gitlab", running_build, job_headers)->status == 204);
    auto failed_build = json::parse(running_build);
    failed_build["build_status"] = "failed";  // derived: the fixture's build is still running
    auto failed = bot.post("/webhooks/gitlab", failed_build.dump(), job_headers);
    REQUIRE(failed->status == 202);
    auto ci = storage::Archive::open(bot.archive_path())->history({.kind = storage::EntryKind::ci});
    REQUIRE(ci.size() == 2);
    CHECK(ci[1].memes.at(0).reaction == "ci.passed");
    CHECK(ci[0].memes.at(0).reaction == "ci.failed");
    CHECK(ci[0].memes.at(0).caption.find("build1") != std::string::npos);
}

TEST_CASE("serve: webhook routes without their secret answer 404") {
    RunningBot bot;
    CHECK(bot.post("/webhooks/github", "{}", {{"X-GitHub-Event", "ping"}})->status == 404);
    CHECK(bot.post("/webhooks/gitlab", "{}", {{"X-Gitlab-Event", "Pipeline Hook"}})->status == 404);
}

TEST_CASE("serve: delivers to Slack, never sooner than a 429's Retry-After, and user text never pings") {
    ChatStandIn slack(ChatStandIn::Platform::slack);
    slack.set_retry_after(2);
    slack.fail_next(429, 1);
    bot::ServerOptions options;
    options.destinations = {destination("slack", core::DestinationType::slack, slack.url())};
    RunningBot bot(std::move(options));
    REQUIRE(bot.post("/v1/events", crash("run-a").dump())->status == 202);
    REQUIRE(eventually([&] { return slack.messages().size() == 1; }));
    json batch = json::array({crash("run-b"), crash("run-c"),
                              json{{"kind", "message"}, {"text", "Oh great <!channel> @everyone <@U123> NaN again & again"}}});
    REQUIRE(bot.post("/v1/events", batch.dump())->status == 202);
    REQUIRE(eventually([&] { return bot.pending() == 0; }));
    auto requests = slack.requests();
    for (size_t i = 0; i + 1 < requests.size(); ++i)
        if (requests[i].status == 429) CHECK(requests[i + 1].time - requests[i].time >= requests[i].retry_after);
    for (size_t i = 1; i < requests.size(); ++i)
        if (requests[i].status == 200 && requests[i - 1].status == 200) CHECK(requests[i].time - requests[i - 1].time >= 1000);
    CHECK(slack.count_status(429) == 1);
    CHECK(slack.count_status(400) == 0);
    std::string text = slack.all_text();
    for (const char* run : {"run-a", "run-b", "run-c"}) CHECK(text.find(run) != std::string::npos);
    CHECK(text.find("<!channel>") == std::string::npos);
    CHECK(text.find("&lt;!channel&gt;") != std::string::npos);
    CHECK(text.find("<@U123>") == std::string::npos);
}

TEST_CASE("serve: retries 5xx with backoff until the destination recovers") {
    ChatStandIn slack(ChatStandIn::Platform::slack);
    slack.fail_next(503, 2);
    bot::ServerOptions options;
    options.destinations = {destination("slack", core::DestinationType::slack, slack.url())};
    RunningBot bot(std::move(options));
    REQUIRE(bot.post("/v1/events", crash("run-5xx").dump())->status == 202);
    REQUIRE(eventually([&] { return slack.messages().size() == 1; }, 15));
    REQUIRE(eventually([&] { return bot.pending() == 0; }));  // marked delivered just after the 200
    auto requests = slack.requests();
    REQUIRE(requests.size() == 3);
    CHECK(requests[1].time - requests[0].time >= 500);   // first backoff: 0.5–1 s
    CHECK(requests[2].time - requests[1].time >= 1000);  // second: 1–2 s
    auto entry = storage::Archive::open(bot.archive_path())->history({}).at(0);
    CHECK(entry.memes.at(0).deliveries.at(0).state == storage::DeliveryState::delivered);
    CHECK(entry.memes.at(0).deliveries.at(0).attempts == 3);
}

TEST_CASE("serve: a 404 disables the destination, shown in /healthz and /metrics, and keeps its memes") {
    ChatStandIn slack(ChatStandIn::Platform::slack);
    slack.fail_next(404, 100);
    bot::ServerOptions options;
    options.destinations = {destination("slack", core::DestinationType::slack, slack.url())};
    RunningBot bot(std::move(options));
    REQUIRE(bot.post("/v1/events", crash("run-404").dump())->status == 202);
    REQUIRE(eventually([&] { return slack.requests().size() == 1; }));
    REQUIRE(eventually([&] { return body_of(bot.client().Get("/healthz"))["destinations"][0]["state"] == "disabled"; }));
    auto health = body_of(bot.client().Get("/healthz"));
    CHECK(health["outbox_pending"] == 1);
    CHECK(health["destinations"][0]["last_error"].get<std::string>().starts_with("HTTP 404"));
    CHECK(bot.client().Get("/metrics")->body.find("memeops_destination_up{destination=\"slack\"} 0") != std::string::npos);
    REQUIRE(bot.post("/v1/events", crash("run-404-b").dump())->status == 202);
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    CHECK(slack.requests().size() == 1);  // nothing more is sent to a disabled destination
    CHECK(bot.pending() == 2);
    // status, as a child process next to the running bot, shows the same from the archive.
    test::TempDir home;
    auto status = test::run_memeops({"status", "--json", "--db", bot.archive_path()},
                                    {{"MEMEOPS_SLACK_WEBHOOK", slack.url()}, {"HOME", home.path().string()}});
    REQUIRE(status.code == 0);
    auto shown = json::parse(status.out);
    CHECK(shown["outbox_pending"] == 2);
    CHECK(shown["destinations"][0]["state"] == "disabled");
    CHECK(shown["destinations"][0]["last_error"].get<std::string>().starts_with("HTTP 404"));
    CHECK(status.out.find("SECRET") == std::string::npos);
    CHECK(status.err.find("SECRET") == std::string::npos);
}

TEST_CASE("serve: Discord gets wait=true, allowed_mentions and its rate limit respected") {
    ChatStandIn discord(ChatStandIn::Platform::discord);
    bot::ServerOptions options;
    options.destinations = {destination("discord", core::DestinationType::discord, discord.url())};
    RunningBot bot(std::move(options));
    for (int i = 0; i < 8; ++i) {
        REQUIRE(bot.post("/v1/events", crash("d-run-" + std::to_string(i)).dump())->status == 202);
        REQUIRE(eventually([&] { return bot.pending() == 0; }));  // one message each: more than the bucket of 5
    }
    CHECK(discord.count_status(400) == 0);
    CHECK(discord.count_status(429) == 0);  // X-RateLimit-Remaining 0 made it wait for the reset
    for (const auto& r : discord.requests()) {
        CHECK(r.target.find("wait=true") != std::string::npos);
        CHECK(r.body["allowed_mentions"] == json{{"parse", json::array()}});
    }
    CHECK(discord.messages().size() == 8);
}

TEST_CASE("serve: metrics count events, memes, deliveries and workers") {
    RunningBot bot;
    REQUIRE(bot.post("/v1/events", crash("m-run").dump())->status == 202);
    REQUIRE(eventually([&] { return bot.pending() == 0; }));
    std::string metrics = bot.client().Get("/metrics")->body;
    CHECK(metrics.find("memeops_events_total{kind=\"training.crash\"} 1") != std::string::npos);
    CHECK(metrics.find("memeops_memes_total{reaction=\"training.crash\"} 1") != std::string::npos);
    CHECK(metrics.find("memeops_deliveries_total{destination=\"console\",outcome=\"delivered\"} 1") != std::string::npos);
    CHECK(metrics.find("memeops_delivery_workers 1") != std::string::npos);
    CHECK(metrics.find("# TYPE memeops_outbox_pending gauge") != std::string::npos);
}

TEST_CASE("serve refuses a non-loopback address without a token") {
    test::TempDir dir;
    std::ostringstream console;
    bot::ServerOptions options;
    options.host = "0.0.0.0";
    options.archive_path = dir.file("a.db");
    CHECK_THROWS_WITH(bot::Server(options, console), Catch::Contains("needs MEMEOPS_TOKEN"));
    CHECK(bot::is_loopback("127.0.0.1"));
    CHECK(bot::is_loopback("::1"));
    CHECK_FALSE(bot::is_loopback("10.0.0.1"));
}

TEST_CASE("emit sends to the configured bot with the token, or handles the event here without one") {
    bot::ServerOptions options;
    options.token = "t0ken";
    RunningBot bot(std::move(options));
    test::TempDir dir;
    std::map<std::string, std::string> env{{"MEMEOPS_BOT_URL", "http://127.0.0.1:" + std::to_string(bot.port())},
                                           {"MEMEOPS_TOKEN", "t0ken"},
                                           {"MEMEOPS_DB", dir.file("local.db")},
                                           {"HOME", dir.path().string()}};
    auto sent = test::run_memeops({"emit", "training.crash", "--run", "emit-run", "--text", "OOM", "--id", "e-1"}, env);
    CHECK(sent.code == 0);
    CHECK(sent.out == "Sent to the bot: accepted.\n");
    CHECK(test::run_memeops({"emit", "training.crash", "--run", "emit-run", "--text", "OOM", "--id", "e-1"}, env).out ==
          "Sent to the bot: already received.\n");
    env["MEMEOPS_TOKEN"] = "wrong";
    auto refused = test::run_memeops({"emit", "message", "--text", "hi"}, env);
    CHECK(refused.code == 1);
    CHECK(refused.err == "memeops: the bot refused the event (HTTP 401) : wrong token\n");
    CHECK(test::run_memeops({"emit", "training.epoch", "--run", "r"}, env).code == 2);  // epoch and metrics missing

    env.erase("MEMEOPS_BOT_URL");  // no bot: archived, reacted to and delivered (console) right here
    auto local = test::run_memeops({"emit", "training.crash", "--run", "local-run", "--text", "segfault"}, env);
    CHECK(local.code == 0);
    CHECK(local.out.find("P0 training.crash") != std::string::npos);
    CHECK(local.out.find("local-run") != std::string::npos);
    CHECK(storage::Archive::open(dir.file("local.db"))->pending_deliveries() == 0);
}

TEST_CASE("serve: POST /v1/events takes Python's bare NaN and infinities, and NaN makes a training.nan meme") {
    RunningBot bot;
    auto r = bot.post("/v1/events", R"({"kind":"training.epoch","run":"r","epoch":3,"metrics":{"loss":NaN}})");
    REQUIRE(r->status == 202);
    auto batch = bot.post("/v1/events", R"([{"kind":"training.epoch","run":"r2","epoch":0,"metrics":{"loss":-Infinity}},)"
                                         R"({"kind":"message","text":"is NaN or Infinity a good loss?"}])");
    REQUIRE(batch->status == 202);
    CHECK(body_of(batch)["accepted"] == 2);
    auto archive = storage::Archive::open(bot.archive_path());
    auto entry = archive->find("#" + std::to_string(body_of(r)["ids"][0].get<int>()));
    REQUIRE(entry);
    CHECK(std::isnan(entry->metrics.at("loss")));
    REQUIRE(entry->memes.size() == 1);
    CHECK(entry->memes[0].reaction == "training.nan");
    auto message = archive->find("#" + std::to_string(body_of(batch)["ids"][1].get<int>()));
    REQUIRE(message);
    CHECK_THAT(storage::to_json(*message).dump(), Catch::Contains("is NaN or Infinity a good loss?"));
    CHECK(bot.post("/v1/events", R"({"kind":"training.epoch","run":"r","epoch":4,"metrics":{"loss":NaNa}})")->status == 400);
}

TEST_CASE("serve: an address already in use is refused with exit 1 and the reason, never shared") {
    // A listener with cpp-httplib's own socket options (SO_REUSEPORT), as another program has.
    httplib::Server other;
    other.Get("/", [](const httplib::Request&, httplib::Response& res) { res.set_content("other", "text/plain"); });
    int port = other.bind_to_any_port("127.0.0.1");
    REQUIRE(port > 0);
    std::thread listener([&] { other.listen_after_bind(); });
    RunningBot bot;
    test::TempDir dir;
    for (int taken : {port, bot.port()}) {
        auto started = std::chrono::steady_clock::now();
        auto result = test::run_process(MEMEOPS_BINARY, {"serve", "--listen", "127.0.0.1:" + std::to_string(taken)},
                                        {{"MEMEOPS_DB", dir.file("second.db")}, {"HOME", dir.path().string()}}, 10);
        CHECK(result.code == 1);
        CHECK_THAT(result.err, Catch::EndsWith("memeops: serve : cannot listen on 127.0.0.1:" + std::to_string(taken) +
                                               " : address already in use\n"));
        CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
    }
    CHECK(httplib::Client("127.0.0.1", port).Get("/")->body == "other");  // still the first listener's
    other.stop();
    listener.join();
}

TEST_CASE("serve: /healthz and /metrics show a destination no longer configured, with its waiting memes") {
    ChatStandIn slack(ChatStandIn::Platform::slack);
    bot::ServerOptions options;
    options.destinations = {destination("slack", core::DestinationType::slack, slack.url())};
    RunningBot bot(std::move(options));
    std::string removed = destination("slack", core::DestinationType::slack, "https://hooks.slack.com/services/T/B/SECRETgone").key();
    {
        auto archive = storage::Archive::open(bot.archive_path());
        for (int i = 0; i < 3; ++i) test::queue_meme(*archive, {removed}, "gone-run-" + std::to_string(i));
    }
    auto health = body_of(bot.client().Get("/healthz"));
    REQUIRE(health["destinations"].size() == 2);
    CHECK(health["destinations"][0]["name"] == "slack");
    CHECK(health["destinations"][0]["configured"] == true);
    CHECK(health["destinations"][1]["key"] == removed);
    CHECK(health["destinations"][1]["configured"] == false);
    CHECK(health["destinations"][1]["pending"] == 3);
    CHECK(health["outbox_pending"] == 3);
    std::string metrics = bot.client().Get("/metrics")->body;
    CHECK(metrics.find("memeops_outbox_pending{destination=\"" + removed + "\"} 3") != std::string::npos);
    CHECK((health.dump() + metrics).find("SECRET") == std::string::npos);
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));  // the workers' refresh has run
    CHECK(slack.requests().empty());  // never re-routed to the configured webhook
    CHECK(bot.pending() == 3);
}
