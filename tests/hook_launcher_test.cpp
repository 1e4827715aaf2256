// The hook launcher (memeops-hook): its index reader and snapshot check against indexes and
// reflogs the real git CLI wrote, and its routing of real commits (MEMEOPS_TRACE shows it).
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <sstream>

#include "hooks/launcher/git_index.hpp"
#include "hooks/launcher/hook_cache.hpp"
#include "hooks/launcher/post_commit_check.hpp"
#include "test_repo.hpp"
#include "test_support.hpp"

using namespace memeops;
using namespace memeops::hooks::launcher;
namespace fs = std::filesystem;

namespace {

using test::HookMode;
using test::read_text;
using test::TestRepo;

// `git ls-files -s` as PathBlob rows (stage 0 only; mode and stage dropped).
std::vector<PathBlob> listed_by_git(const TestRepo& repo) {
    std::istringstream lines(repo.git({"ls-files", "-s"}).out);
    std::vector<PathBlob> files;
    for (std::string line; std::getline(lines, line);) {
        std::string mode = line.substr(0, line.find(' '));
        std::string blob = line.substr(mode.size() + 1, 40);
        std::string path = line.substr(line.find('\t') + 1);
        if (mode != "160000") files.push_back({path, blob});
    }
    return files;
}

std::optional<std::vector<PathBlob>> read_index_of(const TestRepo& repo) {
    return read_index_files(read_text(repo.path() + "/.git/index"));
}

// A repository with files in folders, a path over 4,095 bytes, model files and a gitlink.
void populate(TestRepo& repo) {
    for (std::string path : {"a.txt", "models/net.pt", "src/deep/er/x.cpp", "src/deep/er/y.cpp", "zz.h5"}) {
        fs::create_directories(fs::path(repo.path() + "/" + path).parent_path());
        test::write_file(repo.path() + "/" + path, "content of " + path);
    }
    REQUIRE(repo.git({"add", "."}).code == 0);
    // A path longer than the 12-bit name length field holds (and than PATH_MAX: index only).
    std::string long_path;
    for (int i = 0; i < 20; ++i) long_path += std::string(210, char('a' + i)) + "/";
    std::string blob = repo.git({"hash-object", "-w", "a.txt"}).out.substr(0, 40);
    REQUIRE(repo.git({"update-index", "--add", "--cacheinfo", "100644," + blob + "," + long_path + "weights.pt"}).code == 0);
    REQUIRE(repo.git({"update-index", "--add", "--cacheinfo",
                      "160000,1111111111111111111111111111111111111111,vendored"}).code == 0);
}

std::string trace_of(const test::CommandResult& commit) {
    std::istringstream lines(commit.err);
    for (std::string line; std::getline(lines, line);)
        if (line.starts_with("memeops-hook post-commit: ")) return line.substr(26);
    return "(no trace)";
}

}  // namespace

TEST_CASE("hooks::launcher::read_index_files reads index versions 2, 3 and 4 as git lists them") {
    TestRepo repo;
    populate(repo);
    auto v2 = read_index_of(repo);
    REQUIRE(v2);
    CHECK(*v2 == listed_by_git(repo));
    CHECK(v2->size() == 6);

    // Version 3: an intent-to-add entry has extended flags; it is not part of the next commit.
    test::write_file(repo.path() + "/later.pt", "not yet");
    REQUIRE(repo.git({"add", "-N", "later.pt"}).code == 0);
    auto v3 = read_index_of(repo);
    REQUIRE(v3);
    CHECK(read_text(repo.path() + "/.git/index").substr(4, 4) == std::string("\0\0\0\3", 4));
    CHECK(*v3 == *v2);

    // Version 4 compresses each path against the one before.
    REQUIRE(repo.git({"update-index", "--index-version", "4"}).code == 0);
    auto v4 = read_index_of(repo);
    REQUIRE(v4);
    CHECK(*v4 == *v2);
}

TEST_CASE("hooks::launcher::read_index_files refuses what it cannot fully read") {
    TestRepo repo;
    populate(repo);
    std::string index = read_text(repo.path() + "/.git/index");
    CHECK_FALSE(read_index_files(""));
    CHECK_FALSE(read_index_files("DIRC"));
    CHECK_FALSE(read_index_files("not an index at all, but long enough to have a header"));
    for (size_t cut : {size_t(12), size_t(70), index.size() / 2})  // truncated entries
        CHECK_FALSE(read_index_files(index.substr(0, cut) + std::string(20, '\0')));
    std::string version9 = index;
    version9[7] = 9;
    CHECK_FALSE(read_index_files(version9));
    std::string huge_count = index;
    huge_count[8] = '\x7f';
    CHECK_FALSE(read_index_files(huge_count));

    // A split index keeps entries in a second file: refused, not half read.
    REQUIRE(repo.git({"update-index", "--split-index"}).code == 0);
    CHECK_FALSE(read_index_of(repo));

    // A merge conflict leaves stages 1-3.
    TestRepo conflicted;
    conflicted.commit_file("f.txt", "base\n", "base");
    conflicted.git({"checkout", "-q", "-b", "other"});
    conflicted.commit_file("f.txt", "other\n", "other");
    conflicted.git({"checkout", "-q", "main"});
    conflicted.commit_file("f.txt", "main\n", "main");
    CHECK(conflicted.git({"merge", "-q", "other"}).code != 0);
    CHECK_FALSE(read_index_of(conflicted));
}

TEST_CASE("hooks::launcher hook cache: written and read back, and what it refuses") {
    HookCache cache{"versions", "models/**,*.pt", ModelSnapshot{std::string(40, 'a'), {}}};
    cache.snapshot->files = {{"a b/c.pt", std::string(40, 'b')}, {"models/x", std::string(40, 'c')}};
    auto back = parse_hook_cache(format_hook_cache(cache));
    REQUIRE(back);
    CHECK(back->policy == "versions");
    CHECK(back->patterns == "models/**,*.pt");
    REQUIRE(back->snapshot);
    CHECK(back->snapshot->commit == cache.snapshot->commit);
    CHECK(back->snapshot->files == cache.snapshot->files);

    // The first two lines alone (what earlier versions wrote) still give the policy.
    auto old = parse_hook_cache("none\nmodels/**\n");
    REQUIRE(old);
    CHECK(old->policy == "none");
    CHECK_FALSE(old->snapshot);
    CHECK_FALSE(parse_hook_cache("versions"));

    // A path with a newline cannot be written: the snapshot is left out.
    cache.snapshot->files.push_back({"models/two\nlines", std::string(40, 'd')});
    CHECK(format_hook_cache(cache) == "versions\nmodels/**,*.pt\n");

    // Malformed snapshots are dropped: a short sha, upper case, unsorted paths.
    std::string header = "versions\n*.pt\nsnapshot " + std::string(40, 'a') + "\n";
    CHECK_FALSE(parse_hook_cache(header + "abc x.pt\n")->snapshot);
    CHECK_FALSE(parse_hook_cache(header + std::string(40, 'A') + " x.pt\n")->snapshot);
    CHECK_FALSE(parse_hook_cache(header + std::string(40, 'b') + " z.pt\n" + std::string(40, 'b') + " a.pt\n")->snapshot);
    CHECK_FALSE(parse_hook_cache("versions\n*.pt\nsnapshot xyz\n")->snapshot);
}

TEST_CASE("hooks::launcher::newest_reflog_entry takes the last line") {
    std::string a(40, 'a'), b(40, 'b'), c(40, 'c');
    std::string log = a + " " + b + " Lin <lin@example.com> 1700000000 +0800\tcommit (initial): first\n" + b + " " + c +
                      " Lin <lin@example.com> 1700000060 +0800\tcommit (amend): first, again\n";
    auto newest = newest_reflog_entry(log);
    REQUIRE(newest);
    CHECK(newest->old_sha == b);
    CHECK(newest->new_sha == c);
    CHECK(newest->message == "commit (amend): first, again");
    CHECK_FALSE(newest_reflog_entry(""));
    CHECK_FALSE(newest_reflog_entry("garbage\n"));
    CHECK_FALSE(newest_reflog_entry("short shas here\tcommit: x\n"));
}

TEST_CASE("hooks::launcher::route_post_commit: only a proven ordinary commit skips memeops") {
    std::string parent(40, 'a'), head(40, 'b');
    PathBlob model{"models/net.pt", std::string(40, 'c')};
    PathBlob code{"train.py", std::string(40, 'd')};
    HookCache cache{"versions", "models/**,*.pt", ModelSnapshot{parent, {model}}};
    CommitScene scene{ReflogEntry{parent, head, "commit: tune"}, std::vector<PathBlob>{model, code}, false};
    auto route = [&](const std::optional<HookCache>& c, const CommitScene& s) { return route_post_commit(c, s).route; };
    using enum PostCommitRoute;

    CHECK(route(cache, scene) == background);
    CHECK(route(std::nullopt, scene) == foreground);

    auto changed = scene;
    changed.index_files = std::vector<PathBlob>{{"models/net.pt", std::string(40, 'e')}, code};
    CHECK(route(cache, changed) == foreground);
    auto added = scene;
    added.index_files = std::vector<PathBlob>{model, {"new.pt", std::string(40, 'f')}, code};
    CHECK(route(cache, added) == foreground);
    auto removed = scene;
    removed.index_files = std::vector<PathBlob>{code};
    CHECK(route(cache, removed) == foreground);

    auto stale = cache;
    stale.snapshot->commit = std::string(40, '9');
    CHECK(route(stale, scene) == foreground);
    auto amend = scene;
    amend.newest_head_entry->message = "commit (amend): tune";
    CHECK(route(cache, amend) == foreground);
    auto unreadable = scene;
    unreadable.index_files = std::nullopt;
    CHECK(route(cache, unreadable) == foreground);
    auto no_reflog = scene;
    no_reflog.newest_head_entry = std::nullopt;
    CHECK(route(cache, no_reflog) == foreground);

    auto all = cache;
    all.policy = "all";
    CHECK(route(all, scene) == foreground);
    auto none = cache;
    none.policy = "none";
    CHECK(route(none, changed) == background);
    auto replaying = changed;
    replaying.replaying = true;
    CHECK(route(cache, replaying) == background);
}

TEST_CASE("hooks: the launcher leaves ordinary commits to the background and runs memeops for versions") {
    TestRepo repo(HookMode::background);
    repo.set_env("MEMEOPS_TRACE", "1");
    REQUIRE(repo.run_in_repo({"install"}).code == 0);  // no HEAD yet: no snapshot
    auto first = repo.commit_file("a.txt", "a", "first");
    CHECK_THAT(trace_of(first), Catch::StartsWith("foreground"));
    REQUIRE(test::eventually([&] { return repo.history("commit").size() == 1; }));
    REQUIRE(test::eventually([&] { return read_text(repo.path() + "/.git/memeops-policy").find(repo.head()) != std::string::npos; }));

    auto ordinary = repo.commit_file("b.txt", "b", "ordinary");
    CHECK_THAT(trace_of(ordinary), Catch::StartsWith("background (files matching the version paths are as in the parent"));
    CHECK(ordinary.out.empty());
    REQUIRE(test::eventually([&] { return read_text(repo.path() + "/.git/memeops-policy").find(repo.head()) != std::string::npos; }));

    // A model file staged but left out of a partial commit: memeops looks, and tags nothing.
    fs::create_directories(repo.path() + "/models");
    test::write_file(repo.path() + "/models/net.pt", "weights 1");
    test::write_file(repo.path() + "/notes.txt", "notes");
    REQUIRE(repo.git({"add", "models/net.pt", "notes.txt"}).code == 0);
    auto partial = repo.git({"commit", "-q", "-m", "notes only", "notes.txt"});
    CHECK_THAT(trace_of(partial), Catch::StartsWith("foreground (files matching the version paths changed"));
    CHECK_THAT(partial.err, !Catch::Contains("memeops: tagged"));
    REQUIRE(test::eventually([&] { return read_text(repo.path() + "/.git/memeops-policy").find(repo.head()) != std::string::npos; }));

    auto model = repo.git({"commit", "-q", "-m", "the model"});
    CHECK_THAT(trace_of(model), Catch::StartsWith("foreground"));
    CHECK_THAT(model.err, Catch::Contains("memeops: tagged "));
    REQUIRE(test::eventually([&] { return repo.history("version").size() == 1; }));

    // Committing again at once, before the worker renewed the snapshot, is never wrong: memeops decides.
    auto quick1 = repo.commit_file("c.txt", "c", "quick one");
    auto quick2 = repo.commit_file("models/net.pt", "weights 2", "quick model");
    CHECK_THAT(quick2.err, Catch::Contains("memeops: tagged "));
    REQUIRE(test::eventually([&] { return repo.history("version").size() == 2; }));
    CHECK(repo.history("commit").size() >= 4);
    (void)quick1;

    auto amend = repo.git({"commit", "-q", "--amend", "-m", "quick model, renamed"});
    CHECK_THAT(trace_of(amend), Catch::StartsWith("foreground (an amend"));
    INFO("hook.log:\n" << repo.hook_log());
    CHECK(repo.hook_log().empty());
}

TEST_CASE("hooks: the launcher runs the previous hook first and keeps its exit status, scripts without #! too") {
    TestRepo repo;
    std::string hooks = repo.path() + "/.git/hooks";
    std::string marker = repo.file("previous-ran");
    test::write_file(hooks + "/post-merge", "echo \"$@\" > '" + marker + "'\nexit 3\n");  // no "#!": sh runs it
    chmod((hooks + "/post-merge").c_str(), 0755);
    REQUIRE(repo.run_in_repo({"install"}).code == 0);
    REQUIRE(fs::is_symlink(hooks + "/post-merge"));
    auto direct = test::run_process(hooks + "/post-merge", {"0"}, repo.env());
    CHECK(direct.code == 3);
    CHECK(read_text(marker) == "0\n");

    auto quiet = test::run_process(hooks + "/post-merge", {"1"}, [&] {
        auto env = repo.env();
        env["MEMEOPS"] = "0";
        return env;
    }());
    CHECK(quiet.code == 3);
    CHECK(read_text(marker) == "1\n");
}
