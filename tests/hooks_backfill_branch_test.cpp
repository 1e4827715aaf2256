// Backfilled commits get their branch, as the hooks record it for new commits (issue 12): the
// branch they were made on, read from history.
#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "test_repo.hpp"

using namespace memeops;
using test::TestRepo;

namespace {

// main with a merged feature branch and an unmerged one; checked out on the feature branch.
// Returns each commit's sha with the branch it was made on.
std::map<std::string, std::string> branchy_history(TestRepo& repo) {
    REQUIRE(repo.commit_file("a.txt", "a", "on main 1").code == 0);
    std::string main_1 = repo.head();
    REQUIRE(repo.git({"checkout", "-q", "-b", "feature/aug"}).code == 0);
    REQUIRE(repo.commit_file("b.txt", "b", "on the feature 1").code == 0);
    std::string feature_1 = repo.head();
    REQUIRE(repo.commit_file("c.txt", "c", "on the feature 2").code == 0);
    std::string feature_2 = repo.head();
    REQUIRE(repo.git({"checkout", "-q", "main"}).code == 0);
    REQUIRE(repo.commit_file("d.txt", "d", "on main 2").code == 0);
    std::string main_2 = repo.head();
    REQUIRE(repo.git({"merge", "-q", "--no-ff", "-m", "merge the feature", "feature/aug"}).code == 0);
    std::string merge = repo.head();
    REQUIRE(repo.git({"checkout", "-q", "-b", "wip", main_1}).code == 0);
    REQUIRE(repo.commit_file("e.txt", "e", "unmerged work").code == 0);
    std::string wip = repo.head();
    REQUIRE(repo.git({"checkout", "-q", "feature/aug"}).code == 0);
    return {{main_1, "main"}, {main_2, "main"}, {merge, "main"}, {feature_1, "feature/aug"}, {feature_2, "feature/aug"}, {wip, "wip"}};
}

// The branch the archive holds for `sha`, "(none)" without one, "(absent)" when not archived.
std::string archived_branch(TestRepo& repo, const std::string& sha) {
    auto entry = repo.entry_of(sha);
    if (!entry.is_object()) return "(absent)";
    return entry["branch"].is_string() ? entry["branch"].get<std::string>() : std::string("(none)");
}

}  // namespace

TEST_CASE("hooks backfill: each commit gets the branch it was made on, merged or not") {
    TestRepo repo;
    auto expected = branchy_history(repo);
    auto backfilled = repo.run_in_repo({"backfill"});
    INFO(backfilled.out << backfilled.err);
    REQUIRE(backfilled.code == 0);
    for (const auto& [sha, branch] : expected) CHECK(archived_branch(repo, sha) == branch);
    auto on_feature = repo.history("commit", {"--branch", "feature/aug"});
    CHECK(on_feature.size() == 2);
}

TEST_CASE("hooks backfill: with --limit the newest commits get the same branches as a whole backfill gives them") {
    TestRepo repo;
    auto expected = branchy_history(repo);
    auto backfilled = repo.run_in_repo({"backfill", "--limit", "3"});
    INFO(backfilled.out << backfilled.err);
    REQUIRE(backfilled.code == 0);
    int archived = 0;
    for (const auto& [sha, branch] : expected) {
        std::string found = archived_branch(repo, sha);
        if (found == "(absent)") continue;
        ++archived;
        CHECK(found == branch);
    }
    CHECK(archived == 3);
}
