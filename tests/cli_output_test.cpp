// What people and scripts see of the CLI, run as the built binary in temporary repositories with
// their own SQLite archive: the hook's console line, `--json` output, captions of sparse events,
// idempotent tagging and the read-only `memeify` preview.
#include <catch2/catch.hpp>
#include <regex>

#include "test_repo.hpp"

using namespace memeops;
using test::HookMode;
using test::TestRepo;
using nlohmann::json;

namespace {

// `memeops ARGS… < INPUT` in the repository, the input written to a file first.
test::CommandResult with_stdin(const TestRepo& repo, const std::vector<std::string>& args, const std::string& input,
                               const std::map<std::string, std::string>& extra = {}) {
    std::string file = repo.file("stdin-" + std::to_string(std::hash<std::string>{}(input)) + ".json");
    test::write_file(file, input);
    std::string command = "exec \"$memeops_bin\"";
    for (const auto& a : args) command += " " + test::shell_quote(a);
    return repo.sh(command + " < " + test::shell_quote(file), extra);
}

// Parses the whole of `out` as one JSON document; fails the test (naming `what`) when it is not.
json one_document(const std::string& what, const test::CommandResult& r) {
    INFO(what << " exit " << r.code << "\nstdout: " << r.out << "\nstderr: " << r.err);
    CHECK(r.code == 0);
    json doc;
    CHECK_NOTHROW(doc = json::parse(r.out));
    return doc;
}

void check_caption_is_clean(const std::string& caption) {
    INFO("caption: \"" << caption << "\"");
    CHECK(!caption.empty());
    for (const char* bad : {"{", "}", "?", "()", "（）", "  "}) {
        INFO("contains \"" << bad << "\"");
        CHECK(caption.find(bad) == std::string::npos);
    }
}

std::string dump_archive(const std::string& db) {
    auto r = test::run_process("sqlite3", {db, ".dump"});
    REQUIRE(r.code == 0);
    return r.out;
}

}  // namespace

// --- 5. console memes --------------------------------------------------------------------

TEST_CASE("cli console: with no destination a version commit prints one tag line before git returns, recorded as delivered") {
    HookMode mode = GENERATE(HookMode::background, HookMode::foreground);
    INFO((mode == HookMode::background ? "background hooks" : "foreground hooks"));
    TestRepo repo(mode);
    REQUIRE(repo.run_in_repo({"install"}).code == 0);

    auto plain = repo.commit_file("train.py", "print(1)\n", "training script");
    REQUIRE(plain.code == 0);
    CHECK(plain.out.empty());
    CHECK(plain.err.empty());

    auto model = repo.commit_file("models/x.pt", "weights", "model x");
    REQUIRE(model.code == 0);
    CHECK(model.out.empty());
    INFO("git commit stderr: \"" << model.err << "\"");
    REQUIRE(test::count_of(model.err, "\n") == 1);
    std::smatch line;
    const std::regex shape("^memeops: tagged ([a-z0-9][a-z0-9._-]*)  (\\S.*)\n$");
    REQUIRE(std::regex_match(model.err, line, shape));
    std::string tag = line[1], caption = line[2];
    CHECK(repo.git({"tag", "--points-at", "HEAD"}).out == tag + "\n");

    REQUIRE(test::eventually([&] { return repo.history("version").size() == 1; }));
    auto version = repo.history("version")[0];
    CHECK(version["tag"] == tag);
    REQUIRE(version["memes"].size() == 1);
    const auto& meme = version["memes"][0];
    CHECK(meme["reaction"] == "version.tagged");
    CHECK(meme["caption"] == caption);
    REQUIRE(meme["deliveries"].size() == 1);
    CHECK(meme["deliveries"][0]["destination"] == "console");
    CHECK(meme["deliveries"][0]["state"] == "delivered");
    auto status = json::parse(repo.run_in_repo({"status", "--json"}).out);
    CHECK(status["outbox_pending"] == 0);
}

// --- 6. --json is one document -----------------------------------------------------------

TEST_CASE("cli json: emit, memeify --post, tag, confusion --post and slang print exactly one JSON document") {
    TestRepo repo(HookMode::foreground);
    REQUIRE(repo.commit_file("a.txt", "a", "one").code == 0);

    // A P0 crash meme for the console destination, delivered while emit runs.
    auto emitted = one_document("emit --json",
                                repo.run_in_repo({"emit", "training.crash", "--run", "r1", "--text", "CUDA out of memory", "--json"}));
    CHECK(emitted["memes"].size() == 1);

    auto posted = one_document(
        "memeify --post --json",
        with_stdin(repo, {"memeify", "--post", "--json"},
                   R"({"kind":"ci.pipeline","provider":"github","name":"build","status":"failure","branch":"main"})"));
    CHECK(posted["memes"].size() == 1);

    auto tagged = one_document("tag --json", repo.run_in_repo({"tag", "--json"}));
    CHECK(tagged["created"] == true);

    test::write_file(repo.file("preds.json"),
                     R"([{"label":"cat","pred":"cat"},{"label":"dog","pred":"cat"},{"label":"dog","pred":"dog"}])");
    auto matrix = one_document("confusion --post --json", repo.run_in_repo({"confusion", repo.file("preds.json"), "--post", "--json"}));
    CHECK(matrix.contains("accuracy"));

    auto slang = one_document("slang --json", repo.run_in_repo({"slang", "--count", "3", "--seed", "7", "--json"}));
    CHECK(slang.size() == 3);
}

// --- 7. captions of sparse events ----------------------------------------------------------

TEST_CASE("cli captions: events with every optional field missing give captions without placeholders or gaps") {
    const std::vector<std::string> events{
        R"({"kind":"ci.pipeline","name":"build","status":"failure"})",
        R"({"kind":"training.end","run":"r1","status":"success"})",
        R"({"kind":"message","text":"Oh great, NaN again 🙃"})",
        R"({"kind":"commit","commit":"0123456789abcdef0123456789abcdef01234567","version":true})"};
    TestRepo repo(HookMode::foreground);
    for (const auto& event : events) {
        INFO("event " << event);
        auto preview = one_document("memeify --json", with_stdin(repo, {"memeify", "--json"}, event));
        REQUIRE(preview["memes"].size() >= 1);
        for (const auto& m : preview["memes"]) {
            check_caption_is_clean(m["caption"]);
            check_caption_is_clean(m["caption_en"]);
        }

        auto posted = one_document("memeify --post --json", with_stdin(repo, {"memeify", "--post", "--json"}, event));
        REQUIRE(posted["entry_id"].is_number());
        auto shown = one_document("show --json", repo.run_in_repo({"show", "#" + std::to_string(posted["entry_id"].get<int>()), "--json"}));
        REQUIRE(shown["memes"].size() >= 1);
        for (const auto& m : shown["memes"]) {
            check_caption_is_clean(m["caption"]);
            check_caption_is_clean(m["caption_en"]);
        }
    }

    // The same through emit's flags, on an archive of its own.
    TestRepo other(HookMode::foreground);
    for (std::vector<std::string> args : {std::vector<std::string>{"emit", "ci.pipeline", "--name", "build", "--status", "failure"},
                                          {"emit", "training.end", "--run", "r1", "--status", "success"},
                                          {"emit", "message", "--text", "Oh great, NaN again 🙃"}}) {
        INFO(args[1]);
        REQUIRE(other.run_in_repo(args).code == 0);
    }
    auto entries = other.history();
    size_t memes = 0;
    for (const auto& e : entries)
        for (const auto& m : e["memes"]) {
            ++memes;
            check_caption_is_clean(m["caption"]);
            check_caption_is_clean(m["caption_en"]);
        }
    CHECK(memes >= 3);
}

TEST_CASE("cli captions: a model commit on a detached HEAD (no branch) gets a clean tag line and caption") {
    TestRepo repo(HookMode::foreground);
    REQUIRE(repo.run_in_repo({"install"}).code == 0);
    REQUIRE(repo.commit_file("a.txt", "a", "one").code == 0);
    REQUIRE(repo.git({"checkout", "-q", "--detach"}).code == 0);
    auto model = repo.commit_file("models/x.pt", "weights", "model on a detached head");
    REQUIRE(model.code == 0);
    REQUIRE_THAT(model.err, Catch::StartsWith("memeops: tagged "));
    std::string line = model.err.substr(0, model.err.find('\n'));
    std::string caption = line.substr(line.find("  ") + 2);
    check_caption_is_clean(caption);
    auto versions = repo.history("version");
    REQUIRE(versions.size() == 1);
    CHECK(versions[0]["branch"].is_null());
    for (const auto& m : versions[0]["memes"]) {
        check_caption_is_clean(m["caption"]);
        check_caption_is_clean(m["caption_en"]);
    }
}

// --- 8. idempotent tagging ------------------------------------------------------------------

TEST_CASE("cli tag: tagging twice says already tagged, a new metric updates it, and another run's training.end leaves its run") {
    TestRepo repo(HookMode::foreground);
    REQUIRE(repo.commit_file("a.txt", "a", "one").code == 0);
    std::string sha = repo.head();

    auto first = repo.run_in_repo({"tag", "--run", "r1", "--metric", "val_acc=0.9"});
    INFO(first.out << first.err);
    REQUIRE(first.code == 0);
    CHECK_THAT(first.out, Catch::StartsWith("tagged "));
    std::string tag = repo.git({"tag", "--points-at", "HEAD"}).out;
    REQUIRE(!tag.empty());
    tag.pop_back();

    auto second = repo.run_in_repo({"tag"});
    INFO(second.out << second.err);
    CHECK(second.code == 0);
    CHECK_THAT(second.out, Catch::StartsWith("already tagged " + tag));
    CHECK(repo.git({"tag", "--points-at", "HEAD"}).out == tag + "\n");
    auto shown = json::parse(repo.run_in_repo({"show", tag, "--json"}).out);
    CHECK(shown["memes"].size() == 1);

    auto update = repo.run_in_repo({"tag", "--metric", "val_acc=0.95"});
    INFO(update.out << update.err);
    CHECK(update.code == 0);
    CHECK_THAT(update.out, Catch::StartsWith("already tagged " + tag));
    CHECK_THAT(update.out, Catch::Contains("updated val_acc"));
    shown = json::parse(repo.run_in_repo({"show", tag, "--json"}).out);
    CHECK(shown["metrics"]["val_accuracy"] == 0.95);
    CHECK(shown["memes"].size() == 1);
    CHECK(shown["run"] == "r1");

    auto other_run = repo.run_in_repo({"emit", "training.end", "--run", "r2", "--status", "success", "--commit", sha});
    INFO(other_run.out << other_run.err);
    CHECK(other_run.code == 0);
    shown = json::parse(repo.run_in_repo({"show", tag, "--json"}).out);
    CHECK(shown["run"] == "r1");
    CHECK(shown["tag"] == tag);
    CHECK(shown["memes"].size() == 1);
    CHECK(repo.history("version").size() == 1);
}

// --- 9. memeify is a preview -----------------------------------------------------------------

TEST_CASE("cli memeify: a preview creates no archive, leaves an existing one unchanged, and queues nothing for later") {
    const std::string crash = R"({"kind":"training.crash","run":"preview-run","text":"CUDA out of memory in the preview"})";
    TestRepo repo(HookMode::foreground);

    SECTION("no archive is created") {
        std::string db = repo.file("data/archive.db");
        for (std::vector<std::string> args : {std::vector<std::string>{"memeify"}, {"memeify", "--json"}}) {
            auto r = with_stdin(repo, args, crash, {{"MEMEOPS_DB", db}});
            INFO(r.out << r.err);
            CHECK(r.code == 0);
            CHECK_THAT(r.out, Catch::Contains("preview-run"));
        }
        CHECK_FALSE(std::filesystem::exists(db));
        CHECK_FALSE(std::filesystem::exists(db + "-wal"));
        CHECK_FALSE(std::filesystem::exists(db + "-shm"));
        CHECK_FALSE(std::filesystem::exists(repo.file("data")));
        CHECK_FALSE(std::filesystem::exists(repo.db()));
    }

    SECTION("an existing archive is unchanged, and a later emit prints nothing of the preview") {
        REQUIRE(repo.run_in_repo({"emit", "message", "--text", "hello"}).code == 0);
        auto history_before = repo.history();
        std::string dump_before = dump_archive(repo.db());
        for (std::vector<std::string> args : {std::vector<std::string>{"memeify"}, {"memeify", "--json"}, {"memeify", "--dry-run"}}) {
            auto r = with_stdin(repo, args, crash);
            INFO(r.out << r.err);
            CHECK(r.code == 0);
        }
        CHECK(repo.history() == history_before);
        CHECK(dump_archive(repo.db()) == dump_before);
        auto status = json::parse(repo.run_in_repo({"status", "--json"}).out);
        CHECK(status["outbox_pending"] == 0);

        auto later = repo.run_in_repo({"emit", "training.crash", "--run", "real-run", "--text", "disk full"});
        INFO(later.out << later.err);
        CHECK(later.code == 0);
        CHECK_THAT(later.out, Catch::Contains("real-run"));
        CHECK(later.out.find("preview-run") == std::string::npos);
        CHECK(later.err.find("preview-run") == std::string::npos);
        auto flushed = repo.run_in_repo({"flush"});
        CHECK(flushed.out.find("preview-run") == std::string::npos);
    }
}
