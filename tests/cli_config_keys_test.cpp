// Config keys (issue 12): errors in "detectors" name the file, the line and the key like every
// other config error; an unknown top-level or destination key is an error, with "did you mean"
// when a known key is close.
#include <catch2/catch.hpp>

#include "test_support.hpp"

using namespace memeops;

namespace {

// What `memeops ARGS… --config FILE` says on stderr with `text` in FILE; its exit code in `code`.
std::string config_error(const test::TempDir& dir, const std::string& text, std::vector<std::string> args, int& code) {
    test::write_file(dir.file("memeops.json"), text);
    args.insert(args.end(), {"--db", dir.file("archive.db"), "--config", dir.file("memeops.json")});
    auto result = test::run_cli(args);
    code = result.code;
    return result.err;
}

std::string training_log(const test::TempDir& dir) {
    test::write_file(dir.file("log.csv"), "epoch,loss\n0,1.0\n1,0.9\n");
    return dir.file("log.csv");
}

}  // namespace

TEST_CASE("cli config keys: a bad detector threshold names the file, the line and the key") {
    test::TempDir dir;
    std::string prefix = "memeops: config " + dir.file("memeops.json");
    int code = 0;
    CHECK(config_error(dir, "{\n  \"detectors\": {\n    \"plateau_patience\": 0\n  }\n}\n", {"replay", training_log(dir)}, code) ==
          prefix + ", line 3 : detectors.plateau_patience must be an integer from 1 to 1000\n");
    CHECK(code == 1);
    CHECK(config_error(dir, "{\"detectors\": {\n\"min_improvement\": -1}}", {"replay", training_log(dir)}, code) ==
          prefix + ", line 2 : detectors.min_improvement must be a number >= 0\n");
    CHECK(config_error(dir, "{\"detectors\": {\"plateau_patience\": 4,\n \"plateau_patiance\": 3}}", {"replay", training_log(dir)}, code) ==
          prefix + ", line 2 : detectors.plateau_patiance is not a detector threshold\n");
    CHECK(config_error(dir, "{\"detectors\": [1]}", {"replay", training_log(dir)}, code) ==
          prefix + ", line 1 : detectors must be an object, not an array\n");
    CHECK(config_error(dir, "{\"detectors\": {\"plateau_patience\": 3}}", {"replay", training_log(dir)}, code).empty());
    CHECK(code == 0);
}

TEST_CASE("cli config keys: an unknown top-level key is an error, with the closest key") {
    test::TempDir dir;
    std::string prefix = "memeops: config " + dir.file("memeops.json");
    int code = 0;
    CHECK(config_error(dir, "{\n  \"destination\": []\n}\n", {"status"}, code) ==
          prefix + ", line 2 : destination is not a memeops setting (did you mean destinations?)\n");
    CHECK(code == 1);
    CHECK(config_error(dir, "{\"db\": \"x.db\",\n\"bot_url\": \"http://127.0.0.1:1\"}", {"status"}, code) ==
          prefix + ", line 2 : bot_url is not a memeops setting (did you mean botUrl?)\n");
    CHECK(config_error(dir, "{\"colour\": \"always\"}", {"status"}, code) ==
          prefix + ", line 1 : colour is not a memeops setting\n");
}

TEST_CASE("cli config keys: an unknown destination key is an error, with the closest key") {
    test::TempDir dir;
    std::string prefix = "memeops: config " + dir.file("memeops.json");
    int code = 0;
    CHECK(config_error(dir, "{\"destinations\": [\n  {\"name\": \"ml\", \"type\": \"console\",\n   \"min_prio\": \"P1\"}]}",
                       {"status"}, code) ==
          prefix + ", line 3 : destinations[0].min_prio is not a destination setting (did you mean min_priority?)\n");
    CHECK(code == 1);
    CHECK(config_error(dir, "{\"destinations\": [{\"name\": \"ml\", \"type\": \"slack\", \"urll\": \"https://x.test/h\"}]}",
                       {"status"}, code) ==
          prefix + ", line 1 : destinations[0].urll is not a destination setting (did you mean url?)\n");
    CHECK(config_error(dir, "{\"destinations\": [{\"name\": \"ml\", \"type\": \"console\", \"min_priority\": \"P1\"}]}",
                       {"status"}, code).empty());
    CHECK(code == 0);
}
