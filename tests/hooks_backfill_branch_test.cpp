// Backfilled commits get their branch, as the hooks record it for new commits (issue 12): the
// branch they were made on, read from history.
#include <catch2/catch.hpp>

#include "test_repo.hpp"

using namespace memeops;
using test::TestRepo;

TEST_CASE("hooks backfill: each commit gets the branch it was made on, merged or not") {
    TestRepo repo;
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

    auto backfilled = repo.run_in_repo({"backfill"});
    INFO(backfilled.out << backfilled.err);
    REQUIRE(backfilled.code == 0);
    auto branch_of = [&](const std::string& sha) {
        auto entry = repo.entry_of(sha);
        REQUIRE(entry.is_object());
        return entry["branch"].is_string() ? entry["branch"].get<std::string>() : std::string("(none)");
    };
    CHECK(branch_of(main_1) == "main");
    CHECK(branch_of(main_2) == "main");
    CHECK(branch_of(merge) == "main");
    CHECK(branch_of(feature_1) == "feature/aug");
    CHECK(branch_of(feature_2) == "feature/aug");
    CHECK(branch_of(wip) == "wip");
    auto on_feature = repo.history("commit", {"--branch", "feature/aug"});
    CHECK(on_feature.size() == 2);
}
