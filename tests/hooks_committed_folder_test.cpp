// Hooks in a folder committed with the project (core.hooksPath=.husky, issue 12): install says
// so in one line, naming what the scripts run, and writes scripts that find the launcher on PATH
// instead of links to this machine's absolute path; commits are still captured.
#include <catch2/catch.hpp>

#include <filesystem>

#include "test_repo.hpp"

using namespace memeops;
using test::TestRepo;

namespace fs = std::filesystem;

namespace {

// PATH with the built binaries' folder first, as an installed memeops is found.
std::map<std::string, std::string> with_memeops_on_path() {
    const char* path = std::getenv("PATH");
    return {{"PATH", fs::path(MEMEOPS_BINARY).parent_path().string() + ":" + (path ? path : "/usr/bin:/bin")}};
}

void use_husky(const TestRepo& repo) {
    fs::create_directories(repo.path() + "/.husky");
    REQUIRE(repo.git({"config", "core.hooksPath", ".husky"}).code == 0);
}

}  // namespace

TEST_CASE("hooks committed folder: .husky gets scripts that run memeops-hook from PATH, with a warning") {
    TestRepo repo;
    use_husky(repo);
    auto path = with_memeops_on_path();
    auto installed = repo.run_in_repo({"install"}, path);
    INFO(installed.out << installed.err);
    REQUIRE(installed.code == 0);
    std::string folder = repo.path() + "/.husky";
    CHECK(installed.err == "memeops: install : warning : " + folder +
                               " is tracked by git, so the hook scripts written there will be committed; they run "
                               "memeops-hook from PATH\n");
    std::string hook = folder + "/post-commit";
    CHECK_FALSE(fs::is_symlink(fs::symlink_status(hook)));
    std::string script = test::read_text(hook);
    CHECK(script.find("exec memeops-hook \"$0\" \"$@\"\n") != std::string::npos);
    CHECK(script.find(fs::path(MEMEOPS_BINARY).parent_path().string()) == std::string::npos);

    // The scripts work: a commit made with memeops on PATH is archived.
    REQUIRE(repo.commit_file("a.txt", "a", "through the husky hook", path).code == 0);
    CHECK(repo.entry_of(repo.head()).is_object());
    // Only the hook scripts land in the committed folder: the launcher's cache stays in .git.
    for (const auto& item : fs::directory_iterator(folder)) CHECK(item.path().filename().string().find("memeops") == std::string::npos);
    CHECK(fs::exists(repo.path() + "/.git/memeops-policy"));
    auto status = nlohmann::json::parse(repo.run_in_repo({"status", "--json"}, path).out);
    CHECK(status["repository"]["hooks"][0]["state"] == "installed");
    auto again = repo.run_in_repo({"install"}, path);
    CHECK(again.out.find("already installed") != std::string::npos);
    CHECK(repo.run_in_repo({"uninstall"}, path).code == 0);
    CHECK_FALSE(fs::exists(fs::symlink_status(hook)));
    CHECK_FALSE(fs::exists(repo.path() + "/.git/memeops-policy"));
}

TEST_CASE("hooks committed folder: without memeops-hook on PATH the scripts name its path, and say so") {
    TestRepo repo;
    use_husky(repo);
    auto installed = repo.run_in_repo({"install"});
    REQUIRE(installed.code == 0);
    std::string launcher = (fs::path(MEMEOPS_BINARY).parent_path() / "memeops-hook").string();
    CHECK(installed.err.find("they run " + launcher + " (memeops-hook is not on PATH)\n") != std::string::npos);
    CHECK(test::read_text(repo.path() + "/.husky/post-commit").find("exec " + launcher + " \"$0\"") != std::string::npos);
    REQUIRE(repo.commit_file("a.txt", "a", "through the hook by path").code == 0);
    CHECK(repo.entry_of(repo.head()).is_object());
}

TEST_CASE("hooks committed folder: the repository's own hooks folder gets links and no warning") {
    TestRepo repo;
    auto installed = repo.run_in_repo({"install"}, with_memeops_on_path());
    REQUIRE(installed.code == 0);
    CHECK(installed.err.empty());
    CHECK_THAT(installed.out, Catch::Contains("installed  new") && !Catch::Contains("installed  installed"));
    CHECK(fs::is_symlink(fs::symlink_status(repo.path() + "/.git/hooks/post-commit")));
}
