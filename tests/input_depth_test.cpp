// JSON from outside nested deeper than core::k_max_json_depth, at every entry point of the real
// binary: a clear error naming the limit, nothing archived, and `serve` still serving. 64 levels
// still pass.
#include <catch2/catch.hpp>
#include <httplib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "core/crypto.hpp"
#include "storage/archive.hpp"
#include "test_support.hpp"

using namespace memeops;
using nlohmann::json;

namespace {

const std::string k_limit = "nested deeper than 64 levels of arrays and objects (the limit)";
const std::string k_github_secret = "depth-secret";
const std::string k_gitlab_token = "depth-token";

// A JSON object `depth` levels deep: `prefix` (its first members, then a comma) and a member
// "extra" of nested arrays.
std::string deep_object(const std::string& prefix, size_t depth) {
    return "{" + prefix + R"("extra":)" + test::nested_arrays(depth - 1) + "}";
}

std::string deep_message(size_t depth, const std::string& id) {
    return deep_object(R"("kind":"message","text":"deep","id":")" + id + "\",", depth);
}

// `payload` (a JSON object's text) with a member "extra" that makes it at least `depth` deep.
std::string with_deep_member(std::string payload, size_t depth) {
    return payload.insert(payload.rfind('}'), R"(,"extra":)" + test::nested_arrays(depth - 1));
}

std::string fixture(const std::string& name) {
    std::ifstream in(std::string(MEMEOPS_TEST_FIXTURES) + "/webhooks/" + name, std::ios::binary);
    REQUIRE(in);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

httplib::Result post(const test::ServeProcess& serve, const std::string& path, const std::string& body,
                     const httplib::Headers& headers = {}) {
    httplib::Client client("127.0.0.1", serve.port());
    client.set_read_timeout(10);
    return client.Post(path.c_str(), headers, body, "application/json");
}

json body_of(const httplib::Result& r) { return json::parse(r->body, nullptr, false); }

httplib::Headers github_headers(const std::string& delivery, const std::string& body) {
    return {{"X-GitHub-Event", "workflow_run"},
            {"X-GitHub-Delivery", delivery},
            {"X-Hub-Signature-256", "sha256=" + core::hmac_sha256_hex(k_github_secret, body)}};
}

httplib::Headers gitlab_headers(const std::string& uuid) {
    return {{"X-Gitlab-Event", "Pipeline Hook"}, {"X-Gitlab-Token", k_gitlab_token}, {"X-Gitlab-Event-UUID", uuid}};
}

size_t archived(const std::string& db) { return storage::Archive::open(db)->history({}).size(); }

// Runs the memeops binary with `input` as its stdin.
test::CommandResult run_with_stdin(const test::TempDir& dir, const std::vector<std::string>& args,
                                   const std::string& input) {
    test::ChildOptions options;
    options.stdin_path = dir.file("stdin");
    options.env = {{"HOME", dir.path().string()}};
    test::write_file(options.stdin_path, input);
    return test::run_child(MEMEOPS_BINARY, args, options);
}

}  // namespace

TEST_CASE("serve: an event nested 60,000 levels deep gets 400 naming the limit, and serve keeps serving") {
    test::TempDir dir;
    std::string db = dir.file("archive.db");
    test::ServeProcess serve(dir, {{"MEMEOPS_DB", db}, {"HOME", dir.path().string()}}, "depth");

    auto deep = post(serve, "/v1/events", deep_message(60000, "too-deep"));
    REQUIRE(deep);
    CHECK(deep->status == 400);
    CHECK(body_of(deep)["error"] == "extra[0][0][0]…: " + k_limit);
    CHECK(body_of(deep)["field"] == "extra[0][0][0]…");
    CHECK(post(serve, "/v1/events", deep_message(65, "just-over"))->status == 400);
    CHECK(post(serve, "/memeify", "[" + deep_message(64, "in-a-batch") + "]")->status == 400);  // the array counts

    auto number = post(serve, "/v1/events", R"({"kind":"training.epoch","run":"r","epoch":1,"metrics":{"loss":1e400}})");
    CHECK(number->status == 400);
    CHECK(body_of(number)["field"] == "metrics.loss");
    CHECK(body_of(number)["error"] == "metrics.loss: number 1e400 is out of range (line 1, column 64)");

    auto at_limit = post(serve, "/v1/events", deep_message(64, "at-limit"));
    REQUIRE(at_limit);
    CHECK(at_limit->status == 202);
    CHECK(serve.post(json{{"kind", "message"}, {"text", "still here"}}) == 202);
    auto entries = storage::Archive::open(db)->history({});
    REQUIRE(entries.size() == 2);
    auto deep_entry = std::find_if(entries.begin(), entries.end(), [](const auto& e) { return e.body == "deep"; });
    REQUIRE(deep_entry != entries.end());  // kept whole, and read back from the archive whole
    CHECK(deep_entry->details["event"]["extra"].dump() == test::nested_arrays(63));
}

TEST_CASE("serve: GitHub and GitLab webhooks nested too deep get 400 naming the limit; 64 levels pass") {
    test::TempDir dir;
    std::string db = dir.file("archive.db");
    test::ServeProcess serve(dir,
                             {{"MEMEOPS_DB", db},
                              {"HOME", dir.path().string()},
                              {"MEMEOPS_GITHUB_SECRET", k_github_secret},
                              {"MEMEOPS_GITLAB_TOKEN", k_gitlab_token}},
                             "webhooks");
    std::string run = fixture("github/workflow_run.completed.json");
    std::string deep_run = with_deep_member(run, 60000);
    auto github = post(serve, "/webhooks/github", deep_run, github_headers("deep-1", deep_run));
    REQUIRE(github);
    CHECK(github->status == 400);
    CHECK(body_of(github)["error"] == "extra[0][0][0]…: " + k_limit);

    std::string pipeline = fixture("gitlab/pipeline-event.json");
    auto gitlab = post(serve, "/webhooks/gitlab", with_deep_member(pipeline, 60000), gitlab_headers("deep-2"));
    REQUIRE(gitlab);
    CHECK(gitlab->status == 400);
    CHECK(body_of(gitlab)["error"] == "extra[0][0][0]…: " + k_limit);
    CHECK(archived(db) == 0);

    std::string run_64 = with_deep_member(run, 64);
    CHECK(post(serve, "/webhooks/github", run_64, github_headers("ok-1", run_64))->status == 202);
    CHECK(post(serve, "/webhooks/gitlab", with_deep_member(pipeline, 64), gitlab_headers("ok-2"))->status == 202);
    CHECK(archived(db) == 2);
}

TEST_CASE("memeops memeify: input nested too deep exits 1 naming the limit and archives nothing") {
    test::TempDir dir;
    std::string db = dir.file("archive.db");
    for (bool post : {false, true}) {
        std::vector<std::string> args{"memeify", "--db", db};
        if (post) args.push_back("--post");
        auto deep = run_with_stdin(dir, args, deep_message(60000, "deep"));
        CHECK(deep.code == 1);
        CHECK(deep.err == "memeops: cannot read the event on stdin : extra[0][0][0]…: " + k_limit + "\n");
    }
    CHECK_FALSE(std::filesystem::exists(db));

    auto number = run_with_stdin(dir, {"memeify", "--db", db},
                                 R"({"kind":"training.epoch","run":"r","epoch":1,"metrics":{"loss":-1e400}})");
    CHECK(number.code == 1);
    CHECK(number.err == "memeops: cannot read the event on stdin : metrics.loss: number -1e400 is out of range (line 1, column 64)\n");

    auto at_limit = run_with_stdin(dir, {"memeify", "--json", "--db", db}, deep_message(64, "ok"));
    CHECK(at_limit.code == 0);
    CHECK(json::parse(at_limit.out)["dry_run"] == true);
}

TEST_CASE("memeops replay and confusion: JSON nested too deep exits 1 naming the line and the limit") {
    test::TempDir dir;
    std::string log = dir.file("run.jsonl");
    std::string epoch = R"("kind":"training.epoch","epoch":0,"metrics":{"loss":1.0},)";
    test::write_file(log, deep_object(epoch, 3) + "\n" + deep_object(epoch, 60000) + "\n");
    auto replay = test::run_memeops({"replay", log});
    CHECK(replay.code == 1);
    CHECK(replay.err == "memeops: cannot replay " + log + " : line 2: extra[0][0][0]…: " + k_limit + "\n");
    test::write_file(log, deep_object(epoch, 64) + "\n");
    CHECK(test::run_memeops({"replay", log}).code == 0);

    std::string db = dir.file("archive.db");
    std::string predictions = dir.file("predictions.json");
    std::string item = R"("label":"cat","pred":"cat",)";
    test::write_file(predictions, "[" + deep_object(item, 60000) + "]");
    auto confusion = test::run_memeops({"confusion", predictions, "--post", "--db", db});
    CHECK(confusion.code == 1);
    CHECK(confusion.err == "memeops: cannot read predictions from " + predictions + " : [0].extra[0][0]…: " + k_limit + "\n");
    CHECK_FALSE(std::filesystem::exists(db));
    test::write_file(predictions, "[" + deep_object(item, 63) + "]");
    CHECK(test::run_memeops({"confusion", predictions, "--db", db}).code == 0);
}

TEST_CASE("memeops serve --config: a config nested too deep stops it with exit 1 naming the limit") {
    test::TempDir dir;
    std::string config = dir.file("config.json");
    test::write_file(config, deep_object(R"("destinations":[],)", 60000));
    auto refused = test::run_memeops({"serve", "--listen", "127.0.0.1:0", "--config", config},
                                     {{"MEMEOPS_DB", dir.file("archive.db")}, {"HOME", dir.path().string()}});
    CHECK(refused.code == 1);
    CHECK(refused.err.find("memeops: config " + config + " : extra[0][0][0]…: " + k_limit) != std::string::npos);

    // 64 deep parses: what stops it then is only its unknown key "extra", named with its line.
    test::write_file(config, deep_object(R"("destinations":[],)", 64));
    auto status = test::run_memeops({"status", "--config", config, "--json"},
                                    {{"MEMEOPS_DB", dir.file("archive.db")}, {"HOME", dir.path().string()}});
    CHECK(status.err == "memeops: config " + config + ", line 1 : extra is not a memeops setting\n");
}
