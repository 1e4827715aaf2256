// The hooks' default background capture under load: bursts of commits, amend and rebase of model
// versions, and an archive whose write lock is held past the hook's timeout. Real git, hooks
// installed by `memeops install`, the built binary and its SQLite archive.
#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <set>
#include <sstream>

#include "test_repo.hpp"

using namespace memeops;
using test::HookMode;
using test::TestRepo;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// Archived commit entries by sha, and how many entries each sha has.
struct CommitIndex {
    std::map<std::string, json> by_sha;
    std::map<std::string, int> counts;
    std::map<std::int64_t, json> by_id;
};

CommitIndex index_commits(const TestRepo& repo) {
    CommitIndex index;
    for (const auto& e : repo.history()) {
        index.by_id[e["id"].get<std::int64_t>()] = e;
        if (!e["commit"].is_string()) continue;
        std::string sha = e["commit"];
        ++index.counts[sha];
        index.by_sha[sha] = e;
    }
    return index;
}

// "<sha> <subject>" of every commit reachable from HEAD, by subject.
std::map<std::string, std::string> shas_by_subject(const TestRepo& repo, const std::string& range = "HEAD") {
    std::map<std::string, std::string> out;
    std::istringstream lines(repo.git({"log", "--format=%H %s", range}).out);
    for (std::string line; std::getline(lines, line);) out[line.substr(41)] = line.substr(0, 40);
    return out;
}

// How many version.tagged memes the archive holds, over every entry.
int version_memes(const TestRepo& repo) {
    int n = 0;
    for (const auto& e : repo.history())
        for (const auto& m : e["memes"]) n += m["reaction"] == "version.tagged";
    return n;
}

// The failure lines of a hook log (every line it has is one).
size_t log_lines(const std::string& log) { return test::count_of(log, "\n"); }

// The archive's write lock, held from this process like another writer would: BEGIN IMMEDIATE on
// its own connection to the same file.
class WriteLock {
public:
    explicit WriteLock(const std::string& path) {
        REQUIRE(sqlite3_open(path.c_str(), &m_db) == SQLITE_OK);
        REQUIRE(sqlite3_exec(m_db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);
    }
    ~WriteLock() {
        release();
        sqlite3_close(m_db);
    }
    void release() {
        if (m_held) sqlite3_exec(m_db, "COMMIT", nullptr, nullptr, nullptr);
        m_held = false;
    }

private:
    sqlite3* m_db = nullptr;
    bool m_held = true;
};

// Every commit subject of the repository that is not archived exactly once, with its count.
std::vector<std::string> not_archived_once(const TestRepo& repo) {
    auto index = index_commits(repo);
    std::vector<std::string> wrong;
    for (const auto& [subject, sha] : shas_by_subject(repo))
        if (index.counts[sha] != 1) wrong.push_back("\"" + subject + "\" archived " + std::to_string(index.counts[sha]) + " times");
    return wrong;
}

std::string joined(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& line : lines) out += line + "\n";
    return out;
}

}  // namespace

TEST_CASE("hooks background: 200 commits in a burst are all archived once, and the hook log stays empty") {
    TestRepo repo(HookMode::background);
    REQUIRE(repo.run_in_repo({"install"}).code == 0);
    REQUIRE(repo.commit_file("base.txt", "base", "base").code == 0);
    REQUIRE(test::eventually([&] { return repo.history("commit").size() == 1; }));

    auto start = Clock::now();
    // Bounded generously: under the sanitizers each of the 200 workers starts slowly.
    auto burst = test::run_process(
        "sh", {"-c", "cd '" + repo.path() + "' && for n in $(seq 1 200); do git commit --allow-empty -q -m \"burst $n\" || exit 1; done"},
        repo.env(), 300);
    double took = seconds_since(start);
    INFO("200 commits took " << took << " s; stderr: " << burst.err);
    REQUIRE(burst.code == 0);
    CHECK(burst.err.empty());
    WARN("200 commits with background hooks took " << took << " s on this machine");

    test::eventually([&] { return repo.history("commit").size() >= 201; }, 240);
    test::eventually([&] { return false; }, 1.0);  // late workers: a duplicate would show now
    REQUIRE(shas_by_subject(repo).size() == 201);
    auto wrong = not_archived_once(repo);
    INFO("not archived once:\n" << joined(wrong));
    CHECK(wrong.empty());
    CHECK(repo.history("commit").size() == 201);
    INFO("hook.log:\n" << repo.hook_log());
    CHECK(repo.hook_log().empty());
}

// [serial]: the lock is held while commits are made, and the workers wait for it a bounded time.
TEST_CASE("hooks background: the first commits after install are all archived, even while the archive is busy",
          "[serial]") {
    TestRepo repo(HookMode::background);
    REQUIRE(repo.run_in_repo({"install"}).code == 0);
    REQUIRE(repo.git({"remote", "add", "origin", "git@example.com:team/vision.git"}).code == 0);
    // The archive exists (another repository's hook or the bot wrote it) and is busy for a moment
    // while the first three commits of this repository are made.
    REQUIRE(repo.run_in_repo({"emit", "message", "--text", "another repository's event"}).code == 0);
    {
        WriteLock lock(repo.db());
        for (int n = 1; n <= 3; ++n)
            REQUIRE(repo.git({"commit", "--allow-empty", "-q", "-m", "first " + std::to_string(n)}).code == 0);
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    }
    test::eventually([&] { return repo.history("commit").size() >= 3; }, 10);
    test::eventually([&] { return false; }, 1.0);
    auto wrong = not_archived_once(repo);
    INFO("not archived once:\n" << joined(wrong));
    CHECK(wrong.empty());
    INFO("hook.log:\n" << repo.hook_log());
    CHECK(repo.hook_log().empty());
}

TEST_CASE("hooks background: amend of a model version keeps its tag on the new commit, and the old entry points at it") {
    TestRepo repo(HookMode::background);
    REQUIRE(repo.run_in_repo({"install"}).code == 0);
    REQUIRE(repo.commit_file("train.py", "print(1)\n", "training script").code == 0);
    auto model = repo.commit_file("models/x.pt", "weights v1", "model x");
    REQUIRE(model.code == 0);
    std::string old_sha = repo.head();
    REQUIRE(test::eventually([&] { return repo.history("version").size() == 1; }));
    std::string tag = repo.history("version")[0]["tag"];

    auto amend = repo.git({"commit", "-q", "--amend", "-m", "model x, amended"});
    INFO("amend stderr: " << amend.err);
    REQUIRE(amend.code == 0);
    std::string new_sha = repo.head();
    REQUIRE(new_sha != old_sha);
    CHECK(repo.git({"tag", "--points-at", "HEAD"}).out == tag + "\n");
    REQUIRE(test::eventually([&] {
        auto index = index_commits(repo);
        return index.by_sha.count(new_sha) && index.by_sha[old_sha]["rewritten_into"].is_number();
    }));
    test::eventually([&] { return false; }, 0.5);
    auto index = index_commits(repo);
    CHECK(index.counts[old_sha] == 1);
    CHECK(index.counts[new_sha] == 1);
    CHECK(index.by_sha[old_sha]["rewritten_into"] == index.by_sha[new_sha]["id"]);
    CHECK(index.by_sha[new_sha]["kind"] == "version");
    CHECK(index.by_sha[new_sha]["tag"] == tag);
    CHECK(index.by_sha[new_sha]["rewritten_into"].is_null());
    auto versions = repo.history("version");
    REQUIRE(versions.size() == 1);
    CHECK(versions[0]["commit"] == new_sha);
    auto shown = json::parse(repo.run_in_repo({"show", tag, "--json"}).out);
    CHECK(shown["commit"] == new_sha);
    CHECK(version_memes(repo) == 1);  // the same version, not a second announcement
    INFO("hook.log:\n" << repo.hook_log());
    CHECK(repo.hook_log().empty());
}

TEST_CASE("hooks background: a 10-commit rebase carries a version and its tag over, and every old entry points at its new one") {
    TestRepo repo(HookMode::background);
    REQUIRE(repo.run_in_repo({"install"}).code == 0);
    REQUIRE(repo.commit_file("base.txt", "base", "base").code == 0);
    REQUIRE(repo.commit_file("models/x.pt", "weights", "model x").code == 0);
    for (int n = 1; n <= 9; ++n)
        REQUIRE(repo.commit_file("f" + std::to_string(n) + ".txt", "x", "after model " + std::to_string(n)).code == 0);
    REQUIRE(test::eventually([&] { return repo.history("commit").size() + repo.history("version").size() == 11; }));
    REQUIRE(repo.history("version").size() == 1);
    std::string tag = repo.history("version")[0]["tag"];
    auto before = shas_by_subject(repo, "HEAD~10..HEAD");
    REQUIRE(before.size() == 10);

    // A new base under the ten commits, then rebase them onto it.
    REQUIRE(repo.git({"checkout", "-q", "-b", "newbase", "HEAD~10"}).code == 0);
    REQUIRE(repo.commit_file("base2.txt", "new base", "new base").code == 0);
    REQUIRE(repo.git({"checkout", "-q", "main"}).code == 0);
    auto rebase = repo.git({"rebase", "-q", "newbase"});
    INFO("rebase: " << rebase.out << rebase.err);
    REQUIRE(rebase.code == 0);
    auto after = shas_by_subject(repo, "HEAD~10..HEAD");
    REQUIRE(after.size() == 10);
    std::string new_model = after["model x"];
    CHECK(repo.git({"tag", "--points-at", new_model}).out == tag + "\n");

    auto carried = [&] {
        auto index = index_commits(repo);
        for (const auto& [subject, old_sha] : before) {
            if (!index.by_sha.count(old_sha) || !index.by_sha.count(after[subject])) return false;
            if (index.by_sha[old_sha]["rewritten_into"] != index.by_sha[after[subject]]["id"]) return false;
        }
        return true;
    };
    test::eventually(carried, 30);
    test::eventually([&] { return false; }, 0.5);
    auto index = index_commits(repo);
    for (const auto& [subject, old_sha] : before) {
        INFO("commit \"" << subject << "\" " << old_sha << " → " << after[subject]);
        REQUIRE(index.by_sha.count(old_sha) == 1);
        REQUIRE(index.by_sha.count(after[subject]) == 1);
        CHECK(index.counts[after[subject]] == 1);
        CHECK(index.by_sha[old_sha]["rewritten_into"] == index.by_sha[after[subject]]["id"]);
        CHECK(index.by_sha[after[subject]]["rewritten_into"].is_null());
    }
    CHECK(index.by_sha[new_model]["kind"] == "version");
    CHECK(index.by_sha[new_model]["tag"] == tag);
    auto versions = repo.history("version");
    REQUIRE(versions.size() == 1);
    CHECK(versions[0]["commit"] == new_model);
    CHECK(version_memes(repo) == 1);
    INFO("hook.log:\n" << repo.hook_log());
    CHECK(repo.hook_log().empty());
}

// [serial]: its wall-clock bounds are measured with no other test loading the machine.
TEST_CASE("hooks background: a write lock held past the timeout never slows git, and the next commit archives what was missed",
          "[serial]") {
    TestRepo repo(HookMode::background);
    REQUIRE(repo.run_in_repo({"install"}).code == 0);
    REQUIRE(repo.commit_file("base.txt", "base", "base").code == 0);
    REQUIRE(test::eventually([&] { return repo.history("commit").size() == 1; }));

    std::string ordinary, model;
    std::string model_output;
    {
        WriteLock lock(repo.db());
        auto locked_at = Clock::now();
        auto start = Clock::now();
        auto plain = repo.sh("git commit --allow-empty -q -m 'while locked' 2>&1 | cat");
        double plain_s = seconds_since(start);
        ordinary = repo.head();
        std::filesystem::create_directories(repo.path() + "/models");
        test::write_file(repo.path() + "/models/x.pt", "weights");
        REQUIRE(repo.git({"add", "models/x.pt"}).code == 0);
        start = Clock::now();
        auto version = repo.sh("git commit -q -m 'model while locked' 2>&1 | cat");
        double version_s = seconds_since(start);
        model = repo.head();
        model_output = version.out;
        INFO("ordinary commit: " << plain_s << " s, output: " << plain.out);
        INFO("model commit: " << version_s << " s, output: " << version.out);
        CHECK(plain.code == 0);
        CHECK(version.code == 0);
        CHECK(plain_s < 1.0);
        CHECK(version_s < 1.0);
        CHECK(plain.out.empty());
        CHECK_THAT(version.out, Catch::StartsWith("memeops: tagged "));
        CHECK(test::count_of(version.out, "\n") == 1);
        // The workers give up on the lock and say so in the hook log.
        CHECK(test::eventually([&] { return log_lines(repo.hook_log()) >= 2; }, 10));
        while (seconds_since(locked_at) < 8.0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        CHECK(repo.history("commit").size() == 1);  // nothing got past the lock
    }
    std::string log = repo.hook_log();
    INFO("hook.log:\n" << log);
    CHECK_THAT(log, Catch::Contains("post-commit"));
    CHECK_THAT(log, Catch::Contains("locked"));

    REQUIRE(repo.git({"commit", "--allow-empty", "-q", "-m", "after the lock"}).code == 0);
    std::string after = repo.head();
    REQUIRE(test::eventually([&] {
        auto index = index_commits(repo);
        return index.by_sha.count(ordinary) && index.by_sha.count(model) && index.by_sha.count(after);
    }));
    test::eventually([&] { return false; }, 0.5);
    auto index = index_commits(repo);
    CHECK(index.counts[ordinary] == 1);
    CHECK(index.counts[model] == 1);
    CHECK(index.counts[after] == 1);
    CHECK(index.by_sha[model]["kind"] == "version");
    std::string tag = repo.git({"tag", "--points-at", model}).out;
    REQUIRE(!tag.empty());
    CHECK(index.by_sha[model]["tag"] == tag.substr(0, tag.size() - 1));
    CHECK_THAT(model_output, Catch::Contains(tag.substr(0, tag.size() - 1)));
}
