// A repository's identity when a remote appears after commits were archived under its path
// (contract §2): the real git CLI, hooks installed by `memeops install`, the built binary and its
// SQLite archive.
#include <catch2/catch.hpp>
#include <set>

#include "test_repo.hpp"

using namespace memeops;
using test::HookMode;
using test::TestRepo;
using nlohmann::json;

namespace {

const std::string k_identity = "example.com/team/vision";
const std::string k_secret = "SECRETtok3n";

// How many archived entries each commit sha has.
std::map<std::string, int> commit_counts(const json& entries) {
    std::map<std::string, int> counts;
    for (const auto& e : entries)
        if (e["commit"].is_string()) ++counts[e["commit"].get<std::string>()];
    return counts;
}

std::set<std::string> commits_listed(const TestRepo& repo, const std::vector<std::string>& repo_query) {
    std::set<std::string> shas;
    for (const auto& e : repo.history("", repo_query))
        if (e["commit"].is_string()) shas.insert(e["commit"].get<std::string>());
    return shas;
}

// Two commits archived under the repository's path, then the remote, then a model commit.
// Returns the shas, oldest first (the model commit last).
std::vector<std::string> commit_across_a_new_remote(TestRepo& repo, const std::string& remote) {
    REQUIRE(repo.run_in_repo({"install"}).code == 0);
    std::vector<std::string> shas;
    REQUIRE(repo.commit_file("train.py", "print(1)\n", "training script").code == 0);
    shas.push_back(repo.head());
    REQUIRE(repo.commit_file("data.yaml", "size: 1\n", "data config").code == 0);
    shas.push_back(repo.head());
    REQUIRE(test::eventually([&] { return repo.history("commit").size() == 2; }));
    CHECK(repo.history("commit")[0]["repo"] == std::filesystem::canonical(repo.path()).string());

    REQUIRE(repo.git({"remote", "add", "origin", remote}).code == 0);
    auto model = repo.commit_file("models/x.pt", "weights", "model x");
    INFO("git commit stderr: " << model.err);
    REQUIRE(model.code == 0);
    CHECK_THAT(model.err, Catch::StartsWith("memeops: tagged "));
    CHECK(test::count_of(model.err, "\n") == 1);
    shas.push_back(repo.head());
    return shas;
}

void check_listed_under_every_spelling(const TestRepo& repo, const std::vector<std::string>& shas,
                                       const std::string& remote) {
    for (std::vector<std::string> query : {std::vector<std::string>{"--repo", "vision"},
                                           {"--repo", "team/vision"},
                                           {"--repo", "."},
                                           {"--repo", k_identity},
                                           {"--repo", remote}}) {
        INFO("history " << query[0] << " " << query[1]);
        auto listed = commits_listed(repo, query);
        for (const auto& sha : shas) CHECK(listed.count(sha) == 1);
    }
}

void check_archived_once_under_identity(const TestRepo& repo, const std::vector<std::string>& shas) {
    auto entries = repo.history();
    auto counts = commit_counts(entries);
    for (const auto& sha : shas) {
        INFO("commit " << sha);
        CHECK(counts[sha] == 1);
    }
    CHECK(counts.size() == shas.size());
    for (const auto& e : entries) CHECK(e["repo"] == k_identity);
    auto versions = repo.history("version");
    REQUIRE(versions.size() == 1);
    CHECK(versions[0]["commit"] == shas.back());
    std::string tag = versions[0]["tag"];
    CHECK(repo.git({"rev-parse", tag + "^{commit}"}).out.substr(0, 40) == shas.back());
    CHECK(repo.git({"tag", "--points-at", shas.back()}).out == tag + "\n");
}

// A CI event that names the repository by its https URL lands under the same identity.
void check_ci_joins_identity(const TestRepo& repo) {
    auto ci = repo.run_in_repo({"emit", "ci.pipeline", "--repo", "https://example.com/team/vision", "--name", "build",
                                "--provider", "github", "--status", "failure", "--branch", "main", "--json"});
    INFO(ci.err);
    REQUIRE(ci.code == 0);
    auto runs = repo.history("ci", {"--repo", "vision"});
    REQUIRE(runs.size() == 1);
    CHECK(runs[0]["repo"] == k_identity);
}

void check_secret_absent(const TestRepo& repo) {
    auto dump = repo.history();
    CHECK(dump.dump().find(k_secret) == std::string::npos);
    auto sql = test::run_process("sqlite3", {repo.db(), ".dump"});
    REQUIRE(sql.code == 0);
    CHECK(sql.out.find(k_secret) == std::string::npos);
    CHECK(repo.hook_log().find(k_secret) == std::string::npos);
}

}  // namespace

TEST_CASE("hooks identity: a remote added after archived commits joins them, in every remote form (foreground)") {
    std::string remote = GENERATE(std::string("git@example.com:team/vision.git"),
                                  std::string("ssh://git@example.com/team/vision"),
                                  std::string("https://lin:SECRETtok3n@example.com/team/vision.git"));
    INFO("remote " << remote);
    TestRepo repo(HookMode::foreground);
    auto shas = commit_across_a_new_remote(repo, remote);
    check_archived_once_under_identity(repo, shas);
    check_listed_under_every_spelling(repo, shas, remote);
    check_ci_joins_identity(repo);
    check_secret_absent(repo);
    CHECK(repo.hook_log().empty());
}

TEST_CASE("hooks identity: a remote added after archived commits joins them with background hooks") {
    std::string remote = "git@example.com:team/vision.git";
    TestRepo repo(HookMode::background);
    auto shas = commit_across_a_new_remote(repo, remote);
    REQUIRE(test::eventually([&] { return repo.history("version").size() == 1; }));
    // Let any late worker finish before counting duplicates.
    test::eventually([&] { return repo.history().size() > 3; }, 1.0);
    check_archived_once_under_identity(repo, shas);
    check_listed_under_every_spelling(repo, shas, remote);
    check_ci_joins_identity(repo);
    CHECK(repo.hook_log().empty());
}

TEST_CASE("hooks identity: history --repo . in a repository without a remote lists its commits") {
    TestRepo repo(HookMode::foreground);
    REQUIRE(repo.run_in_repo({"install"}).code == 0);
    REQUIRE(repo.commit_file("a.txt", "a", "one").code == 0);
    auto listed = commits_listed(repo, {"--repo", "."});
    CHECK(listed.count(repo.head()) == 1);
    auto by_path = commits_listed(repo, {"--repo", repo.path()});
    CHECK(by_path.count(repo.head()) == 1);
}
