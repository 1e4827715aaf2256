// Refs through git (contract §1 `show REF`, issue 12): inside a repository, HEAD, HEAD~2, a
// branch and a short sha git accepts name archive entries; --repo . and owner/name pick the
// repository; a revision past the root says so in words.
#include <catch2/catch.hpp>

#include <regex>

#include "test_repo.hpp"

using namespace memeops;
using test::HookMode;
using test::TestRepo;

namespace {

// A repository on github.com/team/vision with three commits, archived by backfill; their shas,
// oldest first.
std::vector<std::string> three_archived_commits(TestRepo& repo) {
    REQUIRE(repo.git({"remote", "add", "origin", "git@github.com:team/vision.git"}).code == 0);
    std::vector<std::string> shas;
    for (int i = 1; i <= 3; ++i) {
        REQUIRE(repo.commit_file("f" + std::to_string(i) + ".txt", "x", "commit number " + std::to_string(i)).code == 0);
        shas.push_back(repo.head());
    }
    auto backfilled = repo.run_in_repo({"backfill"});
    INFO(backfilled.err);
    REQUIRE(backfilled.code == 0);
    return shas;
}

std::string shown_commit(const TestRepo& repo, const std::string& ref) {
    auto shown = repo.run_in_repo({"show", ref, "--json"});
    INFO("show " << ref << ": " << shown.err);
    REQUIRE(shown.code == 0);
    return nlohmann::json::parse(shown.out)["commit"].get<std::string>();
}

// A prefix of `sha` of `length` characters that is not all digits (all-digit refs shorter than
// 7 characters are entry ids).
std::optional<std::string> hex_prefix(const std::string& sha, size_t length) {
    std::string prefix = sha.substr(0, length);
    if (prefix.find_first_not_of("0123456789") == std::string::npos) return std::nullopt;
    return prefix;
}

}  // namespace

TEST_CASE("cli refs: show resolves HEAD, HEAD~2, a branch and a 4-character sha through git") {
    TestRepo repo(HookMode::foreground);
    auto shas = three_archived_commits(repo);
    REQUIRE(repo.git({"branch", "feature", shas[1]}).code == 0);
    CHECK(shown_commit(repo, "HEAD") == shas[2]);
    CHECK(shown_commit(repo, "HEAD~2") == shas[0]);
    CHECK(shown_commit(repo, "HEAD^") == shas[1]);
    CHECK(shown_commit(repo, "feature") == shas[1]);
    for (const auto& sha : shas)
        if (auto prefix = hex_prefix(sha, 4)) CHECK(shown_commit(repo, *prefix) == sha);
    auto human = repo.run_in_repo({"show", "HEAD~1"});
    CHECK(human.code == 0);
    CHECK(human.out.find("commit number 2") != std::string::npos);
    auto missing = repo.run_in_repo({"show", "no-such-branch"});
    CHECK(missing.code == 1);
    CHECK(missing.err.starts_with("memeops: no entry no-such-branch : "));
}

TEST_CASE("cli refs: name HEAD~99 in a history of 3 commits says there is no such revision") {
    TestRepo repo(HookMode::foreground);
    three_archived_commits(repo);
    auto named = repo.run_in_repo({"name", "HEAD~99"});
    CHECK(named.code == 1);
    CHECK(named.err == "memeops: name : HEAD~99 : no such revision (the history has 3 commits)\n");
    CHECK(named.out.empty());
    auto docker = repo.run_in_repo({"docker-tag", "nope"});
    CHECK(docker.err == "memeops: docker-tag : nope : no such revision (the history has 3 commits)\n");
    CHECK(repo.run_in_repo({"name", "HEAD~2"}).code == 0);
}

TEST_CASE("cli refs: history --repo . and -r . mean the current repository, and owner/name works") {
    TestRepo repo(HookMode::foreground);
    auto shas = three_archived_commits(repo);
    auto dot = repo.history("", {"--repo", "."});
    CHECK(dot.size() == 3);
    CHECK(repo.history("", {"-r", "."}) == dot);
    CHECK(repo.history("", {"--repo", "team/vision"}) == dot);
    CHECK(repo.history("", {"--repo", "https://github.com/team/vision"}) == dot);
    CHECK(repo.history("", {"--repo", "team/other"}).empty());
    for (const auto& entry : dot) CHECK(entry["repo"] == "github.com/team/vision");
}

TEST_CASE("cli refs: card takes a git revision as show does, and draws the version it names") {
    TestRepo repo(HookMode::foreground);
    auto shas = three_archived_commits(repo);
    auto tagged = repo.run_in_repo({"tag", "HEAD~1", "--metric", "val_acc=0.91"});
    INFO(tagged.out << tagged.err);
    REQUIRE(tagged.code == 0);
    auto card = repo.run_in_repo({"card", "HEAD~1", "-o", "version.png"});
    INFO(card.err);
    REQUIRE(card.code == 0);
    std::string png = test::read_text((std::filesystem::path(repo.path()) / "version.png").string());
    REQUIRE(png.size() > 1000);
    CHECK(png.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0);
    CHECK(repo.run_in_repo({"card", "HEAD~7"}).code == 1);
    // show points to the card, and what it names draws the same bytes.
    auto shown = repo.run_in_repo({"show", "HEAD~1"});
    std::smatch named;
    REQUIRE(std::regex_search(shown.out, named, std::regex("card +memeops card '(#\\d+)'")));
    REQUIRE(repo.run_in_repo({"card", named[1], "-o", "again.png"}).code == 0);
    CHECK(test::read_text((std::filesystem::path(repo.path()) / "again.png").string()) == png);
}
