#include <catch2/catch.hpp>

#include "meme/ci_reactions.hpp"
#include "storage/archive.hpp"
#include "test_support.hpp"

using namespace memeops;

TEST_CASE("meme::ci_reaction: failed, fixed right after a failure, passed otherwise") {
    CHECK(meme::ci_reaction("failure", std::nullopt)->reaction == "ci.failed");
    CHECK(meme::ci_reaction("timed_out", std::string("success"))->reaction == "ci.failed");
    CHECK(meme::ci_reaction("startup_failure", std::nullopt)->priority == 1);
    CHECK(meme::ci_reaction("failed", std::nullopt)->reaction == "ci.failed");  // GitLab's word
    auto fixed = meme::ci_reaction("success", std::string("failure"));
    CHECK(fixed->reaction == "ci.fixed");
    CHECK(fixed->priority == 2);
    CHECK(meme::ci_reaction("success", std::string("success"))->reaction == "ci.passed");
    CHECK(meme::ci_reaction("passed", std::nullopt)->priority == 3);
    CHECK(meme::ci_reaction("success", std::string("cancelled"))->reaction == "ci.passed");
    CHECK_FALSE(meme::ci_reaction("cancelled", std::nullopt));
    CHECK_FALSE(meme::ci_reaction("in_progress", std::nullopt));
}

TEST_CASE("storage::Archive remembers the last CI status per repo, branch and pipeline") {
    test::TempDir dir;
    auto archive = storage::Archive::open(dir.file("archive.db"));
    CHECK_FALSE(archive->last_ci_status("repo", "main", "train"));
    archive->record_ci_status("repo", "main", "train", "failure", 0, 1);
    archive->record_ci_status("repo", "dev", "train", "success", 0, 2);
    CHECK(archive->last_ci_status("repo", "main", "train") == "failure");
    auto reaction = meme::ci_reaction("success", archive->last_ci_status("repo", "main", "train"));
    CHECK(reaction->reaction == "ci.fixed");
    archive->record_ci_status("repo", "main", "train", "success", 0, 3);
    CHECK(meme::ci_reaction("success", archive->last_ci_status("repo", "main", "train"))->reaction == "ci.passed");
    CHECK(archive->last_ci_status("repo", "dev", "train") == "success");
}
