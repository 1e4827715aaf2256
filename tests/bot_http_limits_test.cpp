// Issue 10's attacks on the bot's HTTP front end, each against a real `memeops serve` on
// 127.0.0.1: the answer it gets, that the bot is still alive, and what it cost in memory.
#include <catch2/catch.hpp>
#include <httplib.h>

#include <chrono>
#include <future>
#include <thread>

#include "test_support.hpp"

using namespace memeops;
using nlohmann::json;

namespace {

const std::string k_token = "t0ken";
// Whatever the attack, the bot's peak resident memory grows by less than this over its peak
// before it (relative, so that a sanitizer build's own shadow memory does not count).
constexpr long k_rss_growth_bound_kb = 48 * 1024;

// A bot with a token and a (dead) Slack destination, so /healthz has something to hide.
class AttackedBot {
public:
    AttackedBot()
        : m_serve(m_dir,
                  {{"MEMEOPS_DB", m_dir.file("archive.db")},
                   {"HOME", m_dir.path().string()},
                   {"MEMEOPS_TOKEN", k_token},
                   {"MEMEOPS_LOG", "warn"},
                   {"MEMEOPS_SLACK_WEBHOOK", "http://127.0.0.1:9/services/T000/B000/secret"}},
                  "attacked"),
          m_start_peak_kb(test::proc_status_kb(m_serve.pid(), "VmHWM")) {}

    int port() const { return m_serve.port(); }
    // The answer to `head` (a whole request without body, or the head of one) and `body`.
    test::RawReply raw(const std::string& head, const test::BodySource& body = {}) const {
        return test::raw_http(port(), head, body);
    }
    // Still serving, and its resident memory never grew by k_rss_growth_bound_kb.
    void check_unharmed() const {
        CHECK(m_serve.alive());
        long peak = test::proc_status_kb(m_serve.pid(), "VmHWM");
        INFO("peak RSS " << peak << " kB, " << m_start_peak_kb << " kB before the attack");
        CHECK(m_start_peak_kb > 0);
        CHECK(peak - m_start_peak_kb < k_rss_growth_bound_kb);
        CHECK(healthz_status() == 200);
    }
    int healthz_status() const { return raw("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status; }

private:
    test::TempDir m_dir;
    test::ServeProcess m_serve;
    long m_start_peak_kb;
};

std::string post_head(const std::string& path, const std::string& framing, const std::string& extra = "") {
    return "POST " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + k_token +
           "\r\nContent-Type: application/json\r\n" + framing + extra + "\r\n";
}

std::string error_field(const test::RawReply& reply) {
    return json::parse(reply.body, nullptr, false).value("field", "");
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST_CASE("serve: a chunked body gets 413 as soon as it passes 1 MiB, and is not read further") {
    AttackedBot bot;
    size_t huge = 300u * 1024 * 1024;
    auto reply = bot.raw(post_head("/v1/events", "Transfer-Encoding: chunked\r\n"), test::filler_body(huge, true));
    CHECK(reply.status == 413);
    CHECK(error_field(reply) == "body");
    CHECK(reply.sent < 16u * 1024 * 1024);
    auto on_a_get = bot.raw("GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", test::filler_body(huge, true));
    CHECK(on_a_get.status == 413);
    CHECK(on_a_get.sent < 16u * 1024 * 1024);
    auto small = bot.raw(post_head("/v1/events", "Transfer-Encoding: chunked\r\n"), [sent = false](std::string& piece) mutable {
        if (sent) return false;
        std::string event = R"({"kind":"message","text":"chunked"})";
        char size[16];
        std::snprintf(size, sizeof size, "%zx\r\n", event.size());
        piece = size + event + "\r\n0\r\n\r\n";
        return sent = true;
    });
    CHECK(small.status == 202);
    bot.check_unharmed();
}

TEST_CASE("serve: compressed bodies get 415 and unknown paths or unconfigured webhooks 404, all before the body is read") {
    AttackedBot bot;
    size_t megabyte = 1024 * 1024;
    std::string length = "Content-Length: " + std::to_string(megabyte) + "\r\n";
    std::string gzip_head = post_head("/v1/events", length, "Content-Encoding: gzip\r\n");
    auto gzip = bot.raw(gzip_head, test::after_a_pause(test::filler_body(megabyte)));
    CHECK(gzip.status == 415);
    CHECK(error_field(gzip) == "Content-Encoding");
    CHECK(gzip.sent == gzip_head.size());
    for (const char* path : {"/nope", "/webhooks/github"}) {
        std::string head = post_head(path, length, "Content-Encoding: gzip\r\n");
        auto refused = bot.raw(head, test::after_a_pause(test::filler_body(megabyte)));
        CHECK(refused.status == 404);
        CHECK(refused.sent == head.size());
    }
    bot.check_unharmed();
}

TEST_CASE("serve: a million headers get 431, too many or too large headers 431, a long request line 414") {
    AttackedBot bot;
    auto lines = std::make_shared<int>(0);
    auto flood = bot.raw("GET /healthz HTTP/1.1\r\nHost: x\r\n", [lines](std::string& piece) {
        if (*lines >= 1'000'000) return false;
        piece.clear();
        for (int i = 0; i < 1000; ++i, ++*lines) piece += "X-Flood-" + std::to_string(*lines) + ": 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789\r\n";
        return true;
    });
    CHECK(flood.status == 431);
    CHECK(flood.sent < 16u * 1024 * 1024);
    std::string many = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
    for (int i = 0; i < 150; ++i) many += "X-" + std::to_string(i) + ": 1\r\n";
    auto too_many = bot.raw(many + "\r\n");
    CHECK(too_many.status == 431);
    CHECK(error_field(too_many) == "headers");
    auto too_large = bot.raw("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'b') + "\r\n\r\n");
    CHECK(too_large.status == 431);
    CHECK(error_field(too_large) == "headers");  // past the 16 KiB limit, within what a connection holds: a JSON answer
    auto long_line = bot.raw("GET /healthz?q=" + std::string(20000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(long_line.status == 414);
    CHECK(error_field(long_line) == "target");
    auto huge_line = bot.raw("GET /" + std::string(200000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(huge_line.status == 414);
    bot.check_unharmed();
}

TEST_CASE("serve: every route answers another method with 405 and Allow, at once, and a body without a length gets 411") {
    AttackedBot bot;
    for (const char* path : {"/v1/events", "/memeify", "/webhooks/github", "/webhooks/gitlab", "/v1/history", "/v1/search",
                             "/v1/entries/1", "/healthz", "/metrics"}) {
        std::string allow = std::string(path).starts_with("/v1/events") || std::string(path).starts_with("/memeify") ||
                                    std::string(path).starts_with("/webhooks")
                                ? "POST"
                                : "GET";
        for (const char* method : {"PUT", "DELETE", "PATCH", "TRACE", allow == "POST" ? "GET" : "POST"}) {
            auto start = std::chrono::steady_clock::now();
            auto reply = bot.raw(std::string(method) + " " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            INFO(method << " " << path);
            CHECK(reply.status == 405);
            CHECK(reply.head.find("Allow: " + allow) != std::string::npos);
            CHECK(error_field(reply) == "method");
            CHECK(seconds_since(start) < 1.0);
        }
    }
    auto no_length = bot.raw(post_head("/v1/events", "Connection: close\r\n"));
    CHECK(no_length.status == 411);
    CHECK(error_field(no_length) == "Content-Length");
    bot.check_unharmed();
}

TEST_CASE("serve: limit must be an integer from 1 to 1000, anything else is a 400 naming it") {
    AttackedBot bot;
    httplib::Client client("127.0.0.1", bot.port());
    httplib::Headers auth{{"Authorization", "Bearer " + k_token}};
    for (const char* bad : {"5abc", "1e12", "0", "1001", "-1", "", "99999999999999999999", "%205"}) {
        for (std::string route : {"/v1/history?limit=", "/v1/search?q=x&limit="}) {
            auto got = client.Get((route + bad).c_str(), auth);
            INFO(route << bad);
            REQUIRE(got);
            CHECK(got->status == 400);
            CHECK(json::parse(got->body)["field"] == "limit");
        }
    }
    CHECK(client.Get("/v1/history?limit=5", auth)->status == 200);
    CHECK(client.Get("/v1/history?limit=1000", auth)->status == 200);
    bot.check_unharmed();
}

TEST_CASE("serve: without the token /healthz says only ok and /metrics names no destination") {
    AttackedBot bot;
    httplib::Client client("127.0.0.1", bot.port());
    auto open = client.Get("/healthz");
    REQUIRE(open);
    CHECK(open->status == 200);
    CHECK(json::parse(open->body) == json{{"status", "ok"}});
    auto metrics = client.Get("/metrics");
    REQUIRE(metrics);
    CHECK(metrics->body.find("destination=") == std::string::npos);
    CHECK(metrics->body.find("slack") == std::string::npos);
    CHECK(metrics->body.find("memeops_outbox_pending 0") != std::string::npos);
    httplib::Headers auth{{"Authorization", "Bearer " + k_token}};
    CHECK(json::parse(client.Get("/healthz", auth)->body)["destinations"].size() == 1);
    CHECK(client.Get("/metrics", auth)->body.find("destination=") != std::string::npos);
    CHECK(json::parse(client.Get("/healthz", {{"Authorization", "Bearer wrong"}})->body) == json{{"status", "ok"}});
}

TEST_CASE("serve: 2,000 silent, slowloris and idle keep-alive connections do not stop /healthz and /v1/events", "[serial]") {
    AttackedBot bot;
    test::IdleConnections silent(bot.port(), 2000);
    REQUIRE(silent.open() == 2000);
    std::vector<std::unique_ptr<httplib::Client>> kept;  // one request each, then idle on keep-alive
    for (int i = 0; i < 32; ++i) {
        kept.push_back(std::make_unique<httplib::Client>("127.0.0.1", bot.port()));
        kept.back()->set_keep_alive(true);
        REQUIRE(kept.back()->Get("/healthz"));
    }
    std::vector<std::future<test::RawReply>> loris;
    for (int i = 0; i < 64; ++i)  // slowloris: a request line and half a header, then nothing for 1.5 s
        loris.push_back(std::async(std::launch::async, [port = bot.port()] {
            auto stall = [](std::string&) {
                std::this_thread::sleep_for(std::chrono::milliseconds(1500));
                return false;
            };
            return test::raw_http(port, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ", stall, 100);
        }));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    for (int i = 0; i < 5; ++i) {
        auto start = std::chrono::steady_clock::now();
        CHECK(bot.healthz_status() == 200);
        CHECK(seconds_since(start) < 1.0);
        start = std::chrono::steady_clock::now();
        std::string event = json{{"kind", "message"}, {"text", "under attack " + std::to_string(i)}}.dump();
        auto posted = bot.raw(post_head("/v1/events", "Content-Length: " + std::to_string(event.size()) + "\r\nConnection: close\r\n") + event);
        CHECK(posted.status == 202);
        CHECK(seconds_since(start) < 1.0);
    }
    for (auto& f : loris) f.wait();
    bot.check_unharmed();
}
