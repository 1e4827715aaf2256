#include <catch2/catch.hpp>

#include "delivery/outcome.hpp"
#include "bot/webhooks.hpp"
#include "core/crypto.hpp"
#include "core/log.hpp"

using namespace memeops;
using namespace memeops::delivery;

namespace {

HttpReply status(int code, std::map<std::string, std::string> headers = {}, std::string body = "") {
    return {code, std::move(headers), std::move(body), ""};
}

}  // namespace

TEST_CASE("delivery::classify decides every HTTP outcome in one place") {
    struct Row {
        int status;
        Verdict verdict;
    };
    for (auto [code, verdict] : {Row{200, Verdict::delivered}, Row{204, Verdict::delivered}, Row{400, Verdict::failed},
                                 Row{401, Verdict::disable}, Row{403, Verdict::disable}, Row{404, Verdict::disable},
                                 Row{408, Verdict::retry}, Row{410, Verdict::disable}, Row{413, Verdict::failed},
                                 Row{422, Verdict::failed}, Row{429, Verdict::retry}, Row{500, Verdict::retry},
                                 Row{502, Verdict::retry}, Row{503, Verdict::retry}, Row{504, Verdict::retry},
                                 Row{301, Verdict::failed}, Row{0, Verdict::retry}}) {
        INFO("HTTP " << code);
        CHECK(classify(status(code), 1, 0.5).verdict == verdict);
    }
    CHECK(classify(status(400, {}, "invalid_blocks"), 1, 0).reason == "HTTP 400: invalid_blocks");
    HttpReply down;
    down.error = "Connection refused";
    CHECK(classify(down, 1, 0).reason == "network error: Connection refused");
}

TEST_CASE("delivery: a 429 waits its Retry-After or retry_after, never less") {
    CHECK(classify(status(429, {{"retry-after", "7"}}), 1, 0).wait_ms == 7000);
    CHECK(classify(status(429, {{"retry-after", "0.25"}}), 1, 0).wait_ms == 250);
    CHECK(classify(status(429, {}, R"({"retry_after": 1.5, "global": false})"), 1, 0).wait_ms == 1500);
    CHECK(classify(status(429, {}, R"({"retry_after": 0.0011})"), 1, 0).wait_ms == 2);  // rounded up
    CHECK(classify(status(429), 1, 0).wait_ms == 1000);
    CHECK(classify(status(429, {{"retry-after", "soon"}}), 1, 0).wait_ms == 1000);
}

TEST_CASE("delivery::backoff_ms doubles per attempt with jitter, capped at 5 minutes") {
    CHECK(backoff_ms(1, 0.0) == 500);
    CHECK(backoff_ms(1, 1.0) == 1000);
    CHECK(backoff_ms(2, 1.0) == 2000);
    CHECK(backoff_ms(4, 0.0) == 4000);
    CHECK(backoff_ms(20, 1.0) == k_backoff_cap_ms);
    CHECK(backoff_ms(20, 0.0) == k_backoff_cap_ms / 2);
    for (int attempt = 1; attempt < 40; ++attempt) CHECK(backoff_ms(attempt, 0.99) <= k_backoff_cap_ms);
    CHECK(classify(status(503), 3, 1.0).wait_ms == 4000);
}

TEST_CASE("core crypto: GitHub's documented HMAC test vector, and constant-time comparison") {
    CHECK(core::hmac_sha256_hex("It's a Secret to Everybody", "Hello, World!") ==
          "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
    CHECK(bot::github_signature_valid("It's a Secret to Everybody", "Hello, World!",
                                      "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"));
    CHECK_FALSE(bot::github_signature_valid("It's a Secret to Everybody", "Hello, World?",
                                            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"));
    CHECK_FALSE(bot::github_signature_valid("secret", "body", ""));
    CHECK(core::constant_time_equal("abc", "abc"));
    CHECK_FALSE(core::constant_time_equal("abc", "abd"));
    CHECK_FALSE(core::constant_time_equal("abc", "abcd"));
    CHECK(bot::gitlab_token_valid("t0ken", "t0ken"));
    CHECK_FALSE(bot::gitlab_token_valid("t0ken", "t0ke"));
    CHECK_FALSE(bot::gitlab_token_valid("", ""));
}

TEST_CASE("core::format_log_line redacts URLs and quotes values") {
    std::string line = core::format_log_line(core::LogLevel::warn, "delivery",
                                             {{"reason", "POST https://hooks.slack.com/services/T0/B0/SECRET failed"},
                                              {"destination", "slack"}});
    CHECK(line == "level=warn event=delivery reason=\"POST https://hooks.slack.com/… failed\" destination=slack");
    CHECK(core::redact_urls("see http://user:pw@host:8080/x?token=1 now") == "see http://host:8080/… now");
}
