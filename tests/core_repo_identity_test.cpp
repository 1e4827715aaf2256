// Repository identities: every remote spelling to one host/owner/name, and an archive's
// repositories joined and found by what people type.
#include <catch2/catch.hpp>

#include "core/repo_identity.hpp"
#include "storage/archive.hpp"
#include "storage/repo_store.hpp"
#include "test_support.hpp"

using namespace memeops;

TEST_CASE("core::normalize_remote_url gives every remote form of one repository the same identity") {
    for (const char* url : {"git@github.com:team/vision.git", "https://github.com/team/vision",
                            "https://user:s3cret@GitHub.com/team/vision.git/", "ssh://git@github.com/team/vision.git",
                            "ssh://git@github.com:22/team/vision", "git://github.com/team/vision.git",
                            "https://github.com/team/vision?x=1#frag"})
        CHECK(core::normalize_remote_url(url) == "github.com/team/vision");
    CHECK(core::normalize_remote_url("https://gitlab.example.com/group/sub/model.git") == "gitlab.example.com/group/sub/model");
    for (const char* local : {"/home/lin/vision", "./vision", "../vision", "~/vision", "file:///srv/git/vision.git", "",
                              "C:\\repos\\vision", "https://github.com"})
        CHECK_FALSE(core::normalize_remote_url(local));
    CHECK(core::repo_identity("/home/lin/vision") == "/home/lin/vision");
    CHECK(core::repo_short_name("github.com/team/my-model") == "my-model");
    CHECK(core::repo_short_name("/home/lin/vision/") == "vision");
}

// Found by fuzz/ref: "://" in the path of an identity, or an unclosed IPv6 "[", was read as a
// remote again, so `--repo` with an archived identity named another repository.
TEST_CASE("core::repo_identity is a fixed point: an identity names itself") {
    const std::string crashing = "https://ustetps://uer:tps://r:am/visio";
    std::string identity = core::repo_identity(crashing);
    CHECK(identity == "ustetps/uer:tps://r:am/visio");
    CHECK(core::repo_identity(identity) == identity);
    // An IPv6 host without its "]" is no host: its colons read as an scp-like remote again.
    CHECK_FALSE(core::normalize_remote_url("rub.t9999y-tps://[useru99b.cops://[usm/"));
    CHECK_FALSE(core::normalize_remote_url("[fe80::1/team/vision"));
    CHECK(core::normalize_remote_url("ssh://git@[fe80::1]:22/team/vision") == "[fe80::1]/team/vision");
    CHECK(core::repo_identity("[fe80::1]/team/vision") == "[fe80::1]/team/vision");
    for (const char* not_a_scheme : {"a/b://c/d", "://host/a/b"})
        CHECK_FALSE(core::normalize_remote_url(not_a_scheme));
    CHECK(core::normalize_remote_url("git+ssh://git@github.com/team/vision") == "github.com/team/vision");
}

TEST_CASE("storage::RepoStore joins a folder's entries to the remote identity, one entry per commit") {
    test::TempDir dir;
    auto archive = storage::Archive::open(dir.file("archive.db"));
    std::string sha = test::fake_sha(1), other = test::fake_sha(2);
    auto commit = [&](const std::string& repo, const std::string& commit_sha) {
        storage::Entry entry = test::sample_entry(storage::EntryKind::commit, 1);
        entry.repo = repo;
        entry.commit = commit_sha;
        archive->add(entry);
        return entry.id;
    };
    commit("/home/lin/vision", sha);
    commit("/home/lin/vision", other);
    std::int64_t kept = commit("github.com/team/vision", sha);  // a teammate's copy came first
    {
        storage::Transaction transaction(archive->database());
        CHECK(storage::RepoStore(*archive).join("/home/lin/vision", "github.com/team/vision") == 1);
        transaction.commit();
    }
    archive->forget_cached_repos();
    auto entries = archive->history({.repo = "team/vision", .limit = 10});
    CHECK(entries.size() == 2);
    CHECK(archive->git_entry_id("github.com/team/vision", sha) == kept);
    CHECK(archive->history({.repo = "/home/lin/vision", .limit = 10}).empty());
    CHECK(storage::RepoStore(*archive).resolve("vision") == "github.com/team/vision");
    CHECK(storage::RepoStore(*archive).resolve("git@github.com:team/vision.git") == "github.com/team/vision");
}

TEST_CASE("storage::Archive migration 6 merges the old spellings of one remote into its identity") {
    test::TempDir dir;
    std::string path = dir.file("v5.db");
    test::old_archive(path, 5, R"sql(
INSERT INTO repos(identity, name) VALUES ('git@github.com:team/vision.git', 'vision'), ('https://github.com/team/vision', 'vision');
INSERT INTO entries(id, kind, time, repo, commit_sha, summary) VALUES
  (1, 'commit', 1, 'git@github.com:team/vision.git', 'aaaa1111', 'from the hook'),
  (2, 'ci', 2, 'https://github.com/team/vision', NULL, 'CI failure');
)sql");
    auto archive = storage::Archive::open(path);
    CHECK(archive->opened_schema_version() == 5);
    auto entries = archive->history({.repo = "github.com/team/vision", .limit = 10});
    REQUIRE(entries.size() == 2);
    for (const auto& entry : entries) CHECK(entry.repo == "github.com/team/vision");
}
