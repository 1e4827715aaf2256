// Config file errors (issue 12): they name the file, the line (and the column of a syntax
// error) and the key path, in plain words; URLs are checked when the file is loaded. Real files
// through the loader (core::Settings, core::configured_destinations) and through the CLI.
#include <catch2/catch.hpp>

#include "core/destinations.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "core/settings.hpp"
#include "test_support.hpp"

using namespace memeops;

namespace {

// What loading `text` as a --config file (settings, then destinations) throws; "no error" when
// it loads.
std::string load_error(const test::TempDir& dir, const std::string& text) {
    test::write_file(dir.file("memeops.json"), text);
    try {
        core::Settings settings(nullptr, dir.file("memeops.json"));
        core::configured_destinations(settings);
    } catch (const core::Fatal& e) {
        return e.what();
    }
    return "no error";
}

// `memeops status --config FILE` with `text` in FILE, with a fresh HOME and no webhooks.
test::CommandResult status_with(const test::TempDir& dir, const std::string& text) {
    test::write_file(dir.file("memeops.json"), text);
    return test::run_cli({"status", "--db", dir.file("archive.db"), "--config", dir.file("memeops.json")});
}

const char* const k_array_url = R"({
  "destinations": [
    {"name": "ml", "type": "slack", "url": "https://hooks.slack.com/services/T0/B0/X"},
    {"name": "ci", "type": "discord",
     "url": ["https://discord.com/api/webhooks/1/x"]}
  ]
})";

}  // namespace

TEST_CASE("core::Settings config errors: a wrongly typed url names the line and key in plain words") {
    test::TempDir dir;
    CHECK(load_error(dir, k_array_url) ==
          "config " + dir.file("memeops.json") + ", line 5 : destinations[1].url must be a string, not an array");
    CHECK(load_error(dir, R"({"destinations": [{"name": "ml", "type": "slack", "url": 42}]})") ==
          "config " + dir.file("memeops.json") + ", line 1 : destinations[0].url must be a string, not a number");
    CHECK(load_error(dir, "{\n\"db\": {\"path\": \"x\"}\n}") ==
          "config " + dir.file("memeops.json") + ", line 2 : db must be a string, not an object");
    CHECK(load_error(dir, "{\"destinations\": {\"ml\": 1}}") ==
          "config " + dir.file("memeops.json") + ", line 1 : destinations must be an array of destinations, not an object");
    CHECK(load_error(dir, "{\"destinations\": [\n  \"ml\"\n]}") ==
          "config " + dir.file("memeops.json") + ", line 2 : destinations[0] must be an object, not a string");
    CHECK(load_error(dir, "{\"destinations\": [{\"name\": \"ml\",\n \"type\": \"teams\"}]}") ==
          "config " + dir.file("memeops.json") + ", line 2 : destinations[0].type must be slack, discord or console");
    CHECK(load_error(dir, "{\"destinations\": [{\"name\": \"ml\", \"type\": \"slack\"}]}") ==
          "config " + dir.file("memeops.json") + ", line 1 : destinations[0] needs a \"url\" or \"url_file\"");
}

TEST_CASE("core::Settings config errors: a JSON syntax error names the line and column") {
    test::TempDir dir;
    CHECK(load_error(dir, "{\n  \"destinations\": [\n    {\"name\": \"ml\",, }\n  ]\n}\n") ==
          "config " + dir.file("memeops.json") + ", line 3, column 19 : not valid JSON (near destinations[0].name)");
    CHECK(load_error(dir, "{\"db\": \"a.db\"\n") ==
          "config " + dir.file("memeops.json") + ", line 2, column 1 : not valid JSON (near db)");
    CHECK(load_error(dir, "[1, 2]") == "config " + dir.file("memeops.json") + " : must be a JSON object ({…}), not an array");
    CHECK(load_error(dir, "") == "config " + dir.file("memeops.json") + ", line 1, column 1 : not valid JSON");
    CHECK(load_error(dir, test::nested_arrays(100)) ==
          "config " + dir.file("memeops.json") + " : [0][0][0][0]…: nested deeper than 64 levels of arrays and objects (the limit)");
    std::remove(dir.file("memeops.json").c_str());
    core::Settings* none = nullptr;
    CHECK_THROWS_WITH(none = new core::Settings(nullptr, dir.file("memeops.json")),
                      "config " + dir.file("memeops.json") + " : no such file or not readable");
    delete none;
}

TEST_CASE("core::Settings config errors: URLs are checked when the file is loaded") {
    test::TempDir dir;
    const std::string file = "config " + dir.file("memeops.json");
    const std::string rule = "must be an http or https URL with a host, like https://hooks.slack.com/services/…";
    for (const char* url : {"hooks.slack.com/services/T0/B0/X", "ftp://hooks.slack.com/x", "https://", "https:///path",
                            "https://user:pw@hooks.slack.com/x", "https://host:99999/x", ""})
        CHECK(load_error(dir, std::string(R"({"destinations":[{"name":"ml","type":"slack","url":")") + url + "\"}]}") ==
              file + ", line 1 : destinations[0].url " + rule);
    CHECK(load_error(dir, "{\n\"botUrl\": \"localhost:8088\"\n}") == file + ", line 2 : botUrl " + rule);
    CHECK(load_error(dir, R"({"destinations":[{"name":"ml","type":"slack","url":"http://127.0.0.1:9/x"}],
                              "botUrl":"https://bot.example.org"})") == "no error");

    test::write_file(dir.file("slack-url"), "hooks.slack.com/services/T0/B0/X\n");
    CHECK(load_error(dir, R"({"destinations":[{"name":"ml","type":"slack","url_file":")" + dir.file("slack-url") + "\"}]}") ==
          file + ", line 1 : destinations[0].url_file names a file whose first line is not an http or https URL with a host");
    test::write_file(dir.file("slack-url"), "https://hooks.slack.com/services/T0/B0/X\n");
    CHECK(load_error(dir, R"({"destinations":[{"name":"ml","type":"slack","url_file":")" + dir.file("slack-url") + "\"}]}") ==
          "no error");
}

TEST_CASE("core::json_value_position finds a value by its path, the last of repeated keys") {
    std::string text = "{\"a\": [1,\n {\"b\\\"c\": \"x\", \"b\\\"c\":\n  [true]}],\n \"a/b\": 2}";
    auto at = [&](const std::string& pointer) { return core::json_value_position(text, nlohmann::json::json_pointer(pointer)); };
    REQUIRE(at("/a/1/b\"c"));
    CHECK(at("/a/1/b\"c")->line == 3);
    CHECK(at("/a/1/b\"c")->column == 3);
    CHECK(at("/a/0")->line == 1);
    CHECK(at("/a~1b")->line == 4);
    CHECK_FALSE(at("/a/2"));
    CHECK_FALSE(at("/nope"));
    CHECK(at("")->column == 1);
}

TEST_CASE("cli: a bad config file is a clear error naming file, line and key (exit 1)") {
    test::TempDir dir;
    auto array_url = status_with(dir, k_array_url);
    CHECK(array_url.code == 1);
    CHECK(array_url.err == "memeops: config " + dir.file("memeops.json") +
                               ", line 5 : destinations[1].url must be a string, not an array\n");
    CHECK(array_url.err.find("json.exception") == std::string::npos);

    auto syntax = status_with(dir, "{\n  \"destinations\": [\n    {\"name\": \"ml\",, }\n  ]\n}\n");
    CHECK(syntax.code == 1);
    CHECK(syntax.err == "memeops: config " + dir.file("memeops.json") +
                            ", line 3, column 19 : not valid JSON (near destinations[0].name)\n");

    auto no_scheme = status_with(dir, R"({"destinations":[{"name":"ml","type":"slack","url":"hooks.slack.com/services/T0/B0/SECRET"}]})");
    CHECK(no_scheme.code == 1);
    CHECK(no_scheme.err == "memeops: config " + dir.file("memeops.json") +
                               ", line 1 : destinations[0].url must be an http or https URL with a host, like "
                               "https://hooks.slack.com/services/…\n");
    CHECK(no_scheme.err.find("SECRET") == std::string::npos);

    auto fine = status_with(dir, R"({"destinations":[{"name":"ml","type":"slack","url":"https://hooks.slack.com/services/T0/B0/SECRET"}]})");
    CHECK(fine.code == 0);
    CHECK(fine.out.find("SECRET") == std::string::npos);
}

TEST_CASE("cli: a webhook URL without a scheme in the environment is refused when loaded") {
    test::TempDir dir;
    auto result = test::run_memeops({"status", "--db", dir.file("archive.db")},
                                    {{"MEMEOPS_SLACK_WEBHOOK", "https://hooks.slack.com/services/A,hooks.slack.com/services/SECRET"},
                                     {"HOME", dir.path().string()}});
    CHECK(result.code == 1);
    CHECK(result.err == "memeops: MEMEOPS_SLACK_WEBHOOK : URL 2 must be an http or https URL with a host\n");
}
