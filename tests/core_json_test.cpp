#include <catch2/catch.hpp>

#include "core/json.hpp"
#include "test_support.hpp"

using namespace memeops;

TEST_CASE("core::parse_json takes 64 levels of nesting and refuses 65, naming the limit") {
    auto at_limit = core::parse_json(test::nested_arrays(64));
    REQUIRE(at_limit.ok());
    CHECK(at_limit.value.dump() == test::nested_arrays(64));

    auto over = core::parse_json(test::nested_arrays(65));
    REQUIRE_FALSE(over.ok());
    CHECK(over.value.is_discarded());
    CHECK(over.error->problem == "nested deeper than 64 levels of arrays and objects (the limit)");
    CHECK(over.error->field == "[0][0][0][0]…");

    auto in_event = core::parse_json(R"({"kind":"message","text":"hi","extra":)" + test::nested_arrays(64) + "}");
    REQUIRE_FALSE(in_event.ok());
    CHECK(in_event.error->field == "extra[0][0][0]…");
    CHECK(in_event.error->message() == "extra[0][0][0]…: nested deeper than 64 levels of arrays and objects (the limit)");
}

TEST_CASE("core::parse_json refuses 60,000 levels without running out of stack, balanced or not") {
    std::string objects;
    for (int i = 0; i < 30000; ++i) objects += R"({"a":)";
    for (const std::string& text : {test::nested_arrays(60000), std::string(60000, '['), objects, objects + "1"}) {
        auto parsed = core::parse_json(text);
        REQUIRE_FALSE(parsed.ok());
        CHECK(parsed.error->problem.find("64 levels") != std::string::npos);
    }
}

TEST_CASE("core::parse_json names the field, line and column of an out-of-range number") {
    auto metric = core::parse_json("{\"kind\":\"training.epoch\",\n \"metrics\":{\"loss\":1e400}}");
    REQUIRE_FALSE(metric.ok());
    CHECK(metric.error->field == "metrics.loss");
    CHECK(metric.error->problem == "number 1e400 is out of range (line 2, column 20)");
    CHECK(metric.error->line == 2);
    CHECK(metric.error->column == 20);

    CHECK(core::parse_json("[1, -1e999]").error->field == "[1]");
    auto long_key = core::parse_json("{\"" + std::string(5000, 'k') + "\":1e400}");
    CHECK(long_key.error->field == std::string(39, 'k') + "…");  // errors stay short
    CHECK(core::parse_json(R"([{"a":1},{"b":[0,0,1e400]}])").error->field == "[1].b[2]");
    CHECK(core::parse_json("1e400").error->message() == "number 1e400 is out of range (line 1, column 1)");
    // Large integers are not out of range: they become floating-point numbers.
    CHECK(core::parse_json("123456789012345678901234567890").ok());
}

TEST_CASE("core::parse_json reports syntax errors with their place, and wants one document") {
    auto broken = core::parse_json("{\n  \"ci.failed\": oops}");
    REQUIRE_FALSE(broken.ok());
    CHECK(broken.error->field == "ci.failed");
    CHECK(broken.error->line == 2);
    CHECK(broken.error->problem == "not valid JSON (line 2, column 16)");  // at "oops"
    CHECK_FALSE(core::parse_json("{} {}").ok());
    CHECK_FALSE(core::parse_json("").ok());
    CHECK_FALSE(core::parse_json("[1,]").ok());
    CHECK(core::parse_json(" \n{\"a\": [1, 2.5, \"x\", null, true]}\n ").value["a"][1] == 2.5);
}
