// The git hooks against the real git CLI in temporary repositories, with the built memeops
// binary on the hooks' path.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <thread>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/error.hpp"
#include "hooks/installer.hpp"
#include "chat_standins.hpp"
#include "test_repo.hpp"
#include "test_support.hpp"

using namespace memeops;
namespace fs = std::filesystem;

namespace {

using test::TestRepo;  // hooks in git's foreground, so the archive is written before git returns
using test::read_text;

bool archived(const nlohmann::json& entries, const std::string& sha) {
    for (const auto& e : entries)
        if (e["commit"] == sha) return true;
    return false;
}

}  // namespace

TEST_CASE("hooks: install, commit, and the commit is archived with its details") {
    TestRepo repo;
    REQUIRE(repo.run_in_repo({"install"}).code == 0);
    auto result = repo.commit_file("a.txt", "hello\nworld\n", "first: 数据管道 🚀");
    REQUIRE(result.code == 0);
    CHECK(result.out.empty());  // no tag, so the hook prints nothing
    CHECK(result.err.empty());
    auto entries = repo.history();
    REQUIRE(entries.size() == 1);
    CHECK(entries[0]["commit"] == repo.head());
    CHECK(entries[0]["kind"] == "commit");
    CHECK(entries[0]["branch"] == "main");
    CHECK(entries[0]["summary"] == "first: 数据管道 🚀");
    CHECK(entries[0]["details"]["files"] == 1);
    CHECK(entries[0]["details"]["insertions"] == 2);
    CHECK(entries[0]["details"]["author"] == "Lin <lin@example.com>");
}

TEST_CASE("hooks: a commit touching model files becomes a tagged version") {
    TestRepo repo;
    REQUIRE(repo.run_in_repo({"install"}).code == 0);
    repo.commit_file("train.py", "print(1)\n", "training script");
    auto result = repo.commit_file("models/net.onnx", "weights", "model v1");
    REQUIRE(result.code == 0);
    // git shows a hook's output on its stderr: one line, naming the tag.
    CHECK_THAT(result.err, Catch::StartsWith("memeops: tagged "));
    CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
    auto versions = repo.history("version");
    REQUIRE(versions.size() == 1);
    std::string tag = versions[0]["tag"];
    CHECK(repo.git({"check-ref-format", "refs/tags/" + tag}).code == 0);
    CHECK(repo.git({"rev-parse", tag + "^{commit}"}).out.substr(0, 40) == repo.head());
    CHECK(repo.git({"cat-file", "-t", tag}).out == "tag\n");  // annotated
    CHECK(versions[0]["memes"][0]["reaction"] == "version.tagged");
    CHECK(versions[0]["memes"][0]["deliveries"][0]["destination"] == "console");
    auto name = nlohmann::json::parse(repo.run_in_repo({"name", "--json"}).out);
    CHECK(name["tag"] == tag);
    CHECK(repo.run_in_repo({"docker-tag"}).out == tag + "\n");
}

TEST_CASE("hooks: tag policy none and all, and memeops tag with metrics") {
    TestRepo repo;
    REQUIRE(repo.run_in_repo({"install"}).code == 0);
    repo.git({"config", "memeops.tag", "none"});
    repo.commit_file("models/a.pt", "w", "model, but no tagging");
    CHECK(repo.history("version").empty());
    repo.git({"config", "memeops.tag", "all"});
    repo.commit_file("notes.md", "n", "any commit is a version");
    CHECK(repo.history("version").size() == 1);

    repo.git({"config", "memeops.tag", "none"});
    repo.commit_file("b.txt", "b", "tag me by hand");
    auto dry = repo.run_in_repo({"tag", "--dry-run", "--json"});
    REQUIRE(dry.code == 0);
    CHECK(nlohmann::json::parse(dry.out)["created"] == false);
    CHECK(repo.history("version").size() == 1);
    auto tagged = repo.run_in_repo({"tag", "--run", "run-7", "--metric", "val_acc=0.93", "--json"});
    REQUIRE(tagged.code == 0);
    auto result = nlohmann::json::parse(tagged.out);
    CHECK(result["created"] == true);
    std::string message = repo.git({"tag", "-l", "-n99", result["tag"]}).out;
    CHECK_THAT(message, Catch::Contains("val_acc = 0.93"));
    CHECK_THAT(message, Catch::Contains("run: run-7"));
    auto shown = nlohmann::json::parse(repo.run_in_repo({"show", result["tag"], "--json"}).out);
    CHECK(shown["metrics"]["val_accuracy"] == 0.93);  // the events' canonical name for val_acc
    CHECK(shown["run"] == "run-7");
    CHECK(repo.run_in_repo({"tag", "--metric", "oops"}).code == 2);
}

TEST_CASE("hooks: a pun tag taken by another commit gets a numeric suffix") {
    TestRepo repo;
    repo.commit_file("a.txt", "a", "one");
    std::string first = repo.head();
    auto names = nlohmann::json::parse(repo.run_in_repo({"name", "--json"}).out);
    repo.commit_file("b.txt", "b", "two");
    // Someone already used HEAD's pun name for the first commit.
    auto head_names = nlohmann::json::parse(repo.run_in_repo({"name", "--json"}).out);
    repo.git({"tag", head_names["tag"], first});
    auto result = nlohmann::json::parse(repo.run_in_repo({"tag", "--json"}).out);
    CHECK(result["tag"] == head_names["tag"].get<std::string>() + "-2");
    CHECK(repo.run_in_repo({"docker-tag"}).out == result["tag"].get<std::string>() + "\n");
    (void)names;
}

TEST_CASE("hooks: amend and interactive rebase are followed in the archive") {
    TestRepo repo;
    REQUIRE(repo.run_in_repo({"install"}).code == 0);
    repo.commit_file("a.txt", "a", "one");
    repo.commit_file("b.txt", "b", "two");
    std::string before_amend = repo.head();
    REQUIRE(repo.git({"commit", "-q", "--amend", "-m", "two, amended"}).code == 0);
    std::string amended = repo.head();
    repo.commit_file("c.txt", "c", "three");
    // Reword "one" with a scripted editor: every commit after it is rewritten.
    std::string script = repo.file("seq-editor.sh");
    test::write_file(script, "#!/bin/sh\nsed -i '1s/^pick/reword/' \"$1\"\n");
    chmod(script.c_str(), 0755);
    std::string msg_editor = repo.file("msg-editor.sh");
    test::write_file(msg_editor, "#!/bin/sh\necho 'one, reworded' > \"$1\"\n");
    chmod(msg_editor.c_str(), 0755);
    auto rebase = repo.git({"rebase", "-q", "-i", "--root"},
                           {{"GIT_SEQUENCE_EDITOR", script}, {"GIT_EDITOR", msg_editor}});
    REQUIRE(rebase.code == 0);

    auto entries = repo.history("commit");
    auto find = [&](const std::string& sha) -> nlohmann::json {
        for (const auto& e : entries)
            if (e["commit"] == sha) return e;
        return nullptr;
    };
    auto old_entry = find(before_amend);
    REQUIRE(!old_entry.is_null());
    CHECK(old_entry["rewritten_into"] == find(amended)["id"]);
    CHECK(!find(amended)["rewritten_into"].is_null());  // rewritten again by the rebase
    CHECK(archived(entries, repo.head()));
    CHECK(find(repo.head())["rewritten_into"].is_null());
    auto log = repo.git({"log", "--format=%H"}).out;
    std::istringstream shas(log);
    for (std::string sha; std::getline(shas, sha);) CHECK(archived(entries, sha));
}

TEST_CASE("hooks: merge and cherry-pick are archived") {
    TestRepo repo;
    REQUIRE(repo.run_in_repo({"install"}).code == 0);
    repo.commit_file("a.txt", "a", "base");
    repo.git({"checkout", "-q", "-b", "feature"});
    repo.commit_file("f.txt", "f", "feature work");
    std::string feature = repo.head();
    repo.git({"checkout", "-q", "main"});
    repo.commit_file("m.txt", "m", "main work");
    REQUIRE(repo.git({"merge", "-q", "--no-edit", "feature"}).code == 0);
    std::string merge = repo.head();
    repo.git({"checkout", "-q", "-b", "other", "HEAD~1"});
    REQUIRE(repo.git({"cherry-pick", feature}).code == 0);
    auto entries = repo.history("commit");
    CHECK(archived(entries, feature));
    CHECK(archived(entries, merge));
    CHECK(archived(entries, repo.head()));
    for (const auto& e : entries)
        if (e["commit"] == merge) CHECK(e["details"]["parents"].size() == 2);
}

TEST_CASE("hooks: an existing hook keeps running, and uninstall restores it byte for byte") {
    TestRepo repo;
    std::string hook = repo.path() + "/.git/hooks/post-commit";
    std::string marker = repo.file("old-hook-ran");
    std::string original = "#!/bin/sh\n# a team's own hook\necho \"$@\" >> '" + marker + "'\nexit 0\n";
    test::write_file(hook, original);
    chmod(hook.c_str(), 0751);
    auto first = repo.run_in_repo({"install"});
    REQUIRE(first.code == 0);
    CHECK_THAT(first.out, Catch::Contains("installed (chained)  the existing hook runs first (kept as post-commit.pre-memeops)"));
    auto second = repo.run_in_repo({"install"});
    CHECK_THAT(second.out, Catch::Contains("already installed"));
    repo.commit_file("a.txt", "a", "one");
    CHECK(fs::exists(marker));
    CHECK(repo.history().size() == 1);
    REQUIRE(repo.run_in_repo({"uninstall"}).code == 0);
    CHECK(read_text(hook) == original);
    CHECK((fs::status(hook).permissions() & fs::perms::all) == static_cast<fs::perms>(0751));
    CHECK_FALSE(fs::exists(hook + ".pre-memeops"));
    CHECK_FALSE(fs::exists(repo.path() + "/.git/hooks/post-merge"));
    repo.commit_file("b.txt", "b", "two");
    CHECK(repo.history().size() == 1);  // no longer captured
}

namespace {

// Every file under `folder` (names and contents), to show that nothing was written.
std::map<std::string, std::string> snapshot(const std::string& folder) {
    std::map<std::string, std::string> files;
    for (const auto& item : fs::recursive_directory_iterator(folder))
        if (item.is_regular_file()) files[item.path().string()] = read_text(item.path().string());
    return files;
}

}  // namespace

TEST_CASE("hooks: install --hooks refuses a name memeops does not serve, before writing anything") {
    TestRepo repo;
    std::string config = repo.path() + "/.git/config";
    auto before = snapshot(repo.file(""));
    for (std::string name : {"../config", "pre-commit;x", "$(touch pwned)", "post-commit/../../config"}) {
        auto refused = repo.run_in_repo({"install", "--hooks", "post-commit," + name});
        CHECK(refused.code == 2);
        CHECK(refused.err == "memeops: install : " + name +
                                 " is not a hook memeops installs (post-commit, post-merge, post-rewrite)\n");
        CHECK(refused.out.empty());
    }
    auto empty = repo.run_in_repo({"install", "--hooks", ","});
    CHECK(empty.code == 2);
    CHECK(snapshot(repo.file("")) == before);  // .git/config byte for byte, no hook, no "pwned"
    CHECK_FALSE(fs::exists(repo.path() + "/pwned"));
    CHECK_FALSE(fs::exists(repo.path() + "/.git/hooks/post-commit"));
    CHECK(repo.run_in_repo({"install", "--hooks", " post-merge ,post-rewrite"}).code == 0);
    CHECK(hooks::is_memeops_hook(repo.path() + "/.git/hooks/post-merge"));
    CHECK_FALSE(fs::exists(repo.path() + "/.git/hooks/post-commit"));
}

TEST_CASE("hooks: memeops installed in a folder full of shell syntax runs its own launcher, and nothing else") {
    test::TempDir dir;
    CHECK_THROWS_AS(hooks::install_hooks(dir.file("hooks"), {"post-commit", "../x"}, "memeops-hook"), core::Fatal);
    CHECK_FALSE(fs::exists(dir.file("hooks")));

    TestRepo repo;
    std::string odd = repo.file("it's $(touch pwned) `touch pwned2` \"x\"");
    fs::create_directories(odd);
    fs::copy_file(MEMEOPS_BINARY, odd + "/memeops");
    fs::copy_file(fs::path(MEMEOPS_BINARY).parent_path() / "memeops-hook", odd + "/memeops-hook");
    auto installed = test::run_process("sh", {"-c", "cd \"$1\" && \"$2\" install", "sh", repo.path(), odd + "/memeops"},
                                       repo.env());
    INFO(installed.out << installed.err);
    REQUIRE(installed.code == 0);
    for (const auto& name : hooks::default_hook_names()) {
        std::string hook = repo.path() + "/.git/hooks/" + name;
        CHECK(hooks::is_memeops_hook(hook));
        CHECK(fs::read_symlink(hook) == fs::path(odd) / "memeops-hook");
    }
    REQUIRE(repo.commit_file("a.txt", "a", "one").code == 0);
    CHECK(test::eventually([&] { return repo.history().size() == 1; }));
    for (const char* pwned : {"pwned", "pwned2"}) {
        CHECK_FALSE(fs::exists(repo.path() + "/" + pwned));
        CHECK_FALSE(fs::exists(repo.file(pwned)));
    }
}

TEST_CASE("hooks: a chained hook receives post-rewrite's standard input") {
    TestRepo repo;
    std::string hook = repo.path() + "/.git/hooks/post-rewrite";
    std::string seen = repo.file("rewrite-input");
    test::write_file(hook, "#!/bin/sh\ncat > '" + seen + "'\n");
    chmod(hook.c_str(), 0755);
    REQUIRE(repo.run_in_repo({"install"}).code == 0);
    repo.commit_file("a.txt", "a", "one");
    std::string before = repo.head();
    repo.git({"commit", "-q", "--amend", "-m", "one, amended"});
    CHECK(read_text(seen) == before + " " + repo.head() + "\n");
    bool linked = false;
    for (const auto& e : repo.history())
        if (e["commit"] == before) linked = !e["rewritten_into"].is_null();
    CHECK(linked);
}

TEST_CASE("hooks: core.hooksPath, relative and absolute, is where the hooks go") {
    TestRepo repo;
    repo.git({"config", "core.hooksPath", ".githooks"});
    REQUIRE(repo.run_in_repo({"install"}).code == 0);
    CHECK(hooks::is_memeops_hook(repo.path() + "/.githooks/post-commit"));
    repo.commit_file("a.txt", "a", "one");
    CHECK(repo.history().size() == 1);

    std::string absolute = repo.file("shared-hooks");
    repo.git({"config", "core.hooksPath", absolute});
    REQUIRE(repo.run_in_repo({"install"}).code == 0);
    CHECK(hooks::is_memeops_hook(absolute + "/post-commit"));
    repo.commit_file("b.txt", "b", "two");
    CHECK(repo.history().size() == 2);
}

TEST_CASE("hooks: commits in a linked worktree and in a submodule are captured") {
    TestRepo repo;
    REQUIRE(repo.run_in_repo({"install"}).code == 0);
    repo.commit_file("a.txt", "a", "one");
    std::string worktree = repo.file("wt");
    REQUIRE(repo.git({"worktree", "add", "-q", "-b", "wt-branch", worktree}).code == 0);
    test::write_file(worktree + "/w.txt", "w");
    auto env = repo.env();
    REQUIRE(test::run_process("git", {"-C", worktree, "add", "w.txt"}, env).code == 0);
    REQUIRE(test::run_process("git", {"-C", worktree, "commit", "-q", "-m", "from the worktree"}, env).code == 0);
    auto entries = repo.history();
    bool found = false;
    for (const auto& e : entries)
        if (e["summary"] == "from the worktree") found = e["branch"] == "wt-branch";
    CHECK(found);
    CHECK(entries[0]["repo"] == entries[1]["repo"]);  // one identity for both worktrees

    TestRepo lib;
    lib.commit_file("lib.txt", "l", "library");
    REQUIRE(repo.git({"-c", "protocol.file.allow=always", "submodule", "add", "-q", lib.path(), "sub"}).code == 0);
    std::string sub = repo.path() + "/sub";
    REQUIRE(test::run_process("sh", {"-c", "cd '" + sub + "' && exec '" + MEMEOPS_BINARY + "' install"}, env).code == 0);
    CHECK(hooks::is_memeops_hook(repo.path() + "/.git/modules/sub/hooks/post-commit"));
    test::write_file(sub + "/s.txt", "s");
    test::run_process("git", {"-C", sub, "add", "s.txt"}, env);
    REQUIRE(test::run_process("git", {"-C", sub, "-c", "user.name=Lin", "-c", "user.email=l@x", "commit", "-q", "-m", "inside the submodule"}, env).code == 0);
    bool in_sub = false;
    for (const auto& e : repo.history())
        if (e["summary"] == "inside the submodule") in_sub = true;
    CHECK(in_sub);
}

TEST_CASE("hooks: MEMEOPS=0 skips capture but still runs a chained hook") {
    TestRepo repo;
    std::string marker = repo.file("ran");
    std::string hook = repo.path() + "/.git/hooks/post-commit";
    test::write_file(hook, "#!/bin/sh\ntouch '" + marker + "'\n");
    chmod(hook.c_str(), 0755);
    REQUIRE(repo.run_in_repo({"install"}).code == 0);
    test::write_file(repo.path() + "/a.txt", "a");
    repo.git({"add", "a.txt"});
    REQUIRE(repo.git({"commit", "-q", "-m", "quiet"}, {{"MEMEOPS", "0"}}).code == 0);
    CHECK(fs::exists(marker));
    CHECK_FALSE(fs::exists(repo.db()));
}

TEST_CASE("hooks: an unwritable or corrupt archive never fails the commit") {
    TestRepo repo;
    REQUIRE(repo.run_in_repo({"install"}).code == 0);
    test::write_file(repo.db(), std::string(4096, 'x'));  // not an archive
    auto result = repo.commit_file("a.txt", "a", "one");
    CHECK(result.code == 0);
    CHECK_THAT(result.err, Catch::Contains("memeops: hook post-commit : "));
    CHECK_THAT(result.err, Catch::Contains("the git command is unaffected"));
    CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
    CHECK(fs::exists(repo.file("state/memeops/hook.log")));
    CHECK(repo.git({"rev-parse", "HEAD"}).code == 0);

    if (geteuid() != 0) {  // root ignores permissions; the corrupt case above covers root
        fs::remove(repo.db());
        fs::create_directories(repo.file("ro"));
        fs::permissions(repo.file("ro"), fs::perms::owner_read | fs::perms::owner_exec);
        auto ro = repo.git({"commit", "-q", "--allow-empty", "-m", "two"}, {{"MEMEOPS_DB", repo.file("ro/archive.db")}});
        CHECK(ro.code == 0);
    }
}

TEST_CASE("hooks: a bare repository is refused with a reason") {
    test::TempDir dir;
    REQUIRE(test::run_process("git", {"init", "-q", "--bare", dir.file("bare.git")}).code == 0);
    auto result = test::run_process(MEMEOPS_BINARY, {"install", "--repo", dir.file("bare.git")});
    CHECK(result.code == 1);
    CHECK_THAT(result.err, Catch::Contains("bare repository"));
}

TEST_CASE("hooks: eight committers in parallel worktrees, every commit archived") {
    TestRepo repo;
    REQUIRE(repo.run_in_repo({"install"}).code == 0);
    repo.commit_file("a.txt", "a", "base");
    constexpr int k_committers = 8;
    constexpr int k_commits_each = 12;
    for (int w = 0; w < k_committers; ++w)
        REQUIRE(repo.git({"worktree", "add", "-q", "-b", "w" + std::to_string(w), repo.file("w" + std::to_string(w))}).code == 0);
    std::vector<int> children;
    for (int w = 0; w < k_committers; ++w) {
        pid_t pid = fork();
        if (pid == 0) {
            std::string dir = repo.file("w" + std::to_string(w));
            int failures = 0;
            for (int n = 0; n < k_commits_each; ++n) {
                auto env = repo.env();
                env["MEMEOPS_HOOK_FOREGROUND"] = "0";  // the default: capture in the background
                auto r = test::run_process("git", {"-C", dir, "commit", "-q", "--allow-empty", "-m",
                                                   "w" + std::to_string(w) + " commit " + std::to_string(n)}, env);
                if (r.code != 0 || !r.err.empty()) ++failures;
            }
            _exit(failures == 0 ? 0 : 1);
        }
        children.push_back(pid);
    }
    int failed = test::wait_for_children(children);
    CHECK(failed == 0);
    // Background captures finish shortly after their commits; wait for them, bounded.
    size_t expected = 1 + k_committers * k_commits_each;
    size_t archived_count = 0;
    for (int attempt = 0; attempt < 300 && archived_count < expected; ++attempt) {
        archived_count = repo.history("commit").size();
        if (archived_count < expected) usleep(100'000);
    }
    CHECK(archived_count == expected);
}

TEST_CASE("hooks: by default the capture runs in the background and git returns at once") {
    TestRepo repo;
    REQUIRE(repo.run_in_repo({"install"}).code == 0);
    fs::create_directories(repo.path() + "/models");
    test::write_file(repo.path() + "/models/m.pt", "w");
    repo.git({"add", "models/m.pt"});
    auto result = repo.git({"commit", "-q", "-m", "model"}, {{"MEMEOPS_HOOK_FOREGROUND", "0"}});
    CHECK(result.code == 0);
    size_t versions = 0;
    for (int attempt = 0; attempt < 100 && versions == 0; ++attempt) {
        versions = repo.history("version").size();
        if (versions == 0) usleep(100'000);
    }
    CHECK(versions == 1);
}

TEST_CASE("hooks: backfill archives history once, and again only what is new") {
    TestRepo repo;
    for (int n = 0; n < 30; ++n) repo.commit_file("f" + std::to_string(n) + ".txt", "x", "commit " + std::to_string(n));
    auto first = repo.run_in_repo({"backfill"});
    REQUIRE(first.code == 0);
    CHECK_THAT(first.out, Catch::StartsWith("backfill: 30 commits archived, 0 already there"));
    CHECK(first.err.empty());  // no progress bar in a pipe
    repo.commit_file("new.txt", "n", "one more");
    auto second = repo.run_in_repo({"backfill"});
    CHECK_THAT(second.out, Catch::StartsWith("backfill: 1 commit archived, 30 already there"));
    CHECK(repo.history("commit").size() == 31);
    CHECK(repo.history("version").empty());
    auto limited = repo.run_in_repo({"backfill", "--limit", "5"});
    CHECK_THAT(limited.out, Catch::StartsWith("backfill: 0 commits archived, 5 already there"));
}

TEST_CASE("hooks: status shows hooks, policy, destinations with URLs redacted, and the outbox") {
    TestRepo repo;
    REQUIRE(repo.run_in_repo({"install"}).code == 0);
    // A webhook nothing listens at: the hook's delivery fails and the meme waits in the outbox.
    std::map<std::string, std::string> webhook{{"MEMEOPS_SLACK_WEBHOOK", "http://127.0.0.1:9/services/T000/B000/SECRETTOKEN"}};
    test::write_file(repo.path() + "/m.pt", "w");
    repo.git({"add", "m.pt"});
    REQUIRE(repo.git({"commit", "-q", "-m", "model"}, webhook).code == 0);
    auto env = repo.env();
    env.insert(webhook.begin(), webhook.end());
    auto result = test::run_process("sh", {"-c", "cd '" + repo.path() + "' && exec '" + MEMEOPS_BINARY + "' status --json"}, env);
    REQUIRE(result.code == 0);
    auto status = nlohmann::json::parse(result.out);
    CHECK(status["repository"]["hooks"][0]["state"] == "installed");
    CHECK(status["repository"]["tag_policy"] == "versions");
    CHECK(status["outbox_pending"] == 1);
    CHECK(status["destinations"][0]["url"] == "http://127.0.0.1:9/…");
    CHECK(result.out.find("SECRETTOKEN") == std::string::npos);
    auto people = test::run_process("sh", {"-c", "cd '" + repo.path() + "' && exec '" + MEMEOPS_BINARY + "' status"}, env);
    CHECK(people.out.find("SECRETTOKEN") == std::string::npos);
    CHECK_THAT(people.out, Catch::Contains("outbox        1 meme waiting, retrying after an error"));
}

TEST_CASE("hooks: huge, non-UTF-8 and GIT_WORK_TREE commits are captured") {
    TestRepo repo;
    REQUIRE(repo.run_in_repo({"install"}).code == 0);
    fs::create_directories(repo.path() + "/data");
    for (int n = 0; n < 10'000; ++n) test::write_file(repo.path() + "/data/f" + std::to_string(n), "x\n");
    REQUIRE(repo.git({"add", "data"}).code == 0);
    REQUIRE(repo.git({"commit", "-q", "-m", "10,000 files"}).code == 0);
    auto entries = repo.history();
    REQUIRE(entries.size() == 1);
    CHECK(entries[0]["details"]["files"] == 10'000);

    std::string message_file = repo.file("latin1.txt");
    test::write_file(message_file, "caf\xe9 cr\xe8me: r\xe9sultats\n");
    REQUIRE(repo.git({"-c", "i18n.commitEncoding=ISO-8859-1", "commit", "-q", "--allow-empty", "-F", message_file}).code == 0);
    auto after = repo.history();  // valid JSON although the message is not UTF-8
    REQUIRE(after.size() == 2);
    CHECK(after[0]["commit"] == repo.head());

    // git exports GIT_DIR and GIT_WORK_TREE to the hook when given --git-dir/--work-tree.
    test::write_file(repo.path() + "/wt.txt", "w");
    auto env = repo.env();
    std::string git_dir = "--git-dir=" + repo.path() + "/.git";
    std::string work_tree = "--work-tree=" + repo.path();
    REQUIRE(test::run_process("git", {git_dir, work_tree, "add", "wt.txt"}, env).code == 0);
    auto commit = test::run_process("git", {git_dir, work_tree, "commit", "-q", "-m", "with an explicit work tree"}, env);
    REQUIRE(commit.code == 0);
    CHECK(commit.err == "");
    CHECK(repo.history().size() == 3);
}

TEST_CASE("hooks: a version meme is delivered by a flush the hook starts detached") {
    test::ChatStandIn slack(test::ChatStandIn::Platform::slack);
    TestRepo repo;
    REQUIRE(repo.run_in_repo({"install"}).code == 0);
    test::write_file(repo.path() + "/model.onnx", "weights");
    repo.git({"add", "model.onnx"});
    auto commit = repo.git({"commit", "-q", "-m", "model v1"}, {{"MEMEOPS_SLACK_WEBHOOK", slack.url()}});
    REQUIRE(commit.code == 0);
    bool delivered = false;
    for (int i = 0; i < 500 && !delivered; ++i) {
        delivered = !slack.messages().empty();
        if (!delivered) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    REQUIRE(delivered);
    std::string tag = repo.history("version").at(0)["tag"];
    CHECK(slack.all_text().find(tag) != std::string::npos);
    CHECK(commit.err.find(slack.url()) == std::string::npos);
}
