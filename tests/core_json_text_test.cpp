#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "core/json.hpp"
#include "core/json_text.hpp"

using namespace memeops;

TEST_CASE("core::JsonObjectText writes what parses back to the same values") {
    std::string hostile = std::string("quote \" backslash \\ newline \n tab \t nul ") + '\0' + " bell \x07 utf-8 绝绝子 💯";
    auto text = core::JsonObjectText()
                    .integer("int", -9'007'199'254'740'993)
                    .number("tenth", 0.1)
                    .number("tiny", 4.9e-324)
                    .number("huge", std::numeric_limits<double>::max())
                    .number("whole", 3.0)
                    .number("nan", std::nan(""))
                    .number("inf", -std::numeric_limits<double>::infinity())
                    .boolean("yes", true)
                    .null("none")
                    .string(hostile, hostile)
                    .raw("inner", core::JsonObjectText().number("value", 0.25).text())
                    .text();
    auto parsed = core::parse_json(text);
    INFO(text);
    REQUIRE(parsed.ok());
    const auto& doc = parsed.value;
    CHECK(doc.size() == 11);
    CHECK(doc["int"].get<std::int64_t>() == -9'007'199'254'740'993);
    CHECK(doc["tenth"].get<double>() == 0.1);
    CHECK(doc["tiny"].get<double>() == 4.9e-324);
    CHECK(doc["huge"].get<double>() == std::numeric_limits<double>::max());
    CHECK(doc["whole"].get<double>() == 3.0);
    CHECK(doc["nan"].is_null());  // as nlohmann writes a non-finite number
    CHECK(doc["inf"].is_null());
    CHECK(doc["yes"] == true);
    CHECK(doc["none"].is_null());
    CHECK(doc[hostile] == hostile);
    CHECK(doc["inner"] == nlohmann::json{{"value", 0.25}});
    // Shortest round-trip digits, as nlohmann writes them, not printf's 17.
    CHECK(text.find("\"tenth\":0.1,") != std::string::npos);
}

TEST_CASE("core::JsonObjectText with nothing written is an empty object") {
    CHECK(core::JsonObjectText().text() == "{}");
}

TEST_CASE("core::append_json_string escapes what JSON requires and nothing else") {
    std::string out;
    core::append_json_string(out, "a\"b\\c\x01\x1f/é");
    CHECK(out == "\"a\\\"b\\\\c\\u0001\\u001f/é\"");
}

TEST_CASE("core::append_json_string writes bytes that are not UTF-8 as U+FFFD, so the text stays JSON") {
    // A Latin-1 "é", a lone continuation byte, a surrogate and an overlong "/", between real
    // UTF-8 (and a real U+FFFD, kept as it is).
    std::string bytes = "caf\xE9 \x80 \xED\xA0\x80 \xC0\xAF \xEF\xBF\xBD 绝";
    std::string out;
    core::append_json_string(out, bytes);
    CHECK(out == "\"caf\\ufffd \\ufffd \\ufffd \\ufffd \xEF\xBF\xBD 绝\"");
    auto parsed = core::parse_json(core::JsonObjectText().string("name", bytes).text());
    REQUIRE(parsed.ok());
    CHECK(parsed.value["name"] == "caf\uFFFD \uFFFD \uFFFD \uFFFD \uFFFD 绝");
}
