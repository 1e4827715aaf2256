// A truthful `status` (issue 12): memes that wait and those that retry are counted, the last
// delivery error is shown whole, recent hook failures come from hook.log, and nothing repeats.
#include <catch2/catch.hpp>

#include "terminal_support.hpp"
#include "test_repo.hpp"

using namespace memeops;
using test::TestRepo;

namespace {

// A webhook nothing listens at: every delivery fails with "Connection refused".
const std::map<std::string, std::string> k_dead_webhook{
    {"MEMEOPS_SLACK_WEBHOOK", "http://127.0.0.1:9/services/T000/B000/SECRETTOKEN"}};

// The repository with its hooks and one model version whose meme failed to reach the webhook.
void version_waiting_for_dead_webhook(TestRepo& repo) {
    REQUIRE(repo.run_in_repo({"install"}).code == 0);
    for (const auto& [name, value] : k_dead_webhook) repo.set_env(name, value);
    REQUIRE(repo.commit_file("model.pt", "weights", "the first model").code == 0);
}

}  // namespace

TEST_CASE("cli status: a meme that failed and waits is counted as retrying, as flush reports it") {
    TestRepo repo;
    version_waiting_for_dead_webhook(repo);
    auto flushed = repo.run_in_repo({"flush", "--timeout", "2"});
    INFO(flushed.out << flushed.err);
    CHECK(flushed.out.find("1 waiting") != std::string::npos);
    auto json = nlohmann::json::parse(repo.run_in_repo({"status", "--json"}).out);
    CHECK(json["outbox_pending"] == 1);
    CHECK(json["outbox_retrying"] == 1);
    CHECK(json["destinations"][0]["retrying"] == 1);
    // Why the meme waits: the error of its last attempt, kept on its row.
    std::string error = json["destinations"][0]["last_error"].get<std::string>();
    CHECK(error.starts_with("network error: "));
    auto people = repo.run_in_repo({"status"});
    INFO(people.out);
    CHECK(people.code == 0);
    CHECK(people.out.find("outbox        1 meme waiting, retrying after an error\n") != std::string::npos);
    CHECK(people.out.find("\n                last error: " + error + "\n") != std::string::npos);
    CHECK(people.out.find("SECRETTOKEN") == std::string::npos);
}

TEST_CASE("cli status: the last delivery error is whole on a 60-column terminal") {
    TestRepo repo;
    version_waiting_for_dead_webhook(repo);
    auto env = repo.env();
    auto json = nlohmann::json::parse(repo.run_in_repo({"status", "--json"}).out);
    std::string error = json["destinations"][0]["last_error"].get<std::string>();
    std::string screen = test::run_memeops_in_terminal({"status", "--repo", repo.path()}, 60, env);
    INFO(screen);
    CHECK(screen.find("last error: " + error + "\n") != std::string::npos);
}

TEST_CASE("cli status: nothing waiting, the console said once, no debug wording") {
    TestRepo repo;
    REQUIRE(repo.run_in_repo({"install"}).code == 0);
    auto people = repo.run_in_repo({"status"});
    INFO(people.out);
    CHECK(people.code == 0);
    CHECK(people.out.find("destinations  console: nothing waiting\n") != std::string::npos);
    CHECK(people.out.find("outbox        nothing waiting\n") != std::string::npos);
    CHECK(people.out.find("console  console") == std::string::npos);
    CHECK(people.out.find(" = ") == std::string::npos);
    CHECK(people.out.find("hooks         installed in ") != std::string::npos);
    CHECK(people.out.find("hook failures") == std::string::npos);
    auto uninstalled = repo.run_in_repo({"uninstall"});
    CHECK(repo.run_in_repo({"status"}).out.find("hooks         not installed in ") != std::string::npos);
}

TEST_CASE("cli status: recent hook failures from hook.log are shown") {
    TestRepo repo;
    REQUIRE(repo.run_in_repo({"install"}).code == 0);
    // The archive path is a folder: the hook cannot open it, logs why, and git still commits.
    REQUIRE(repo.commit_file("a.txt", "a", "one", {{"MEMEOPS_DB", repo.path()}}).code == 0);
    REQUIRE_FALSE(repo.hook_log().empty());
    auto people = repo.run_in_repo({"status"});
    INFO(people.out);
    CHECK(people.out.find("hook failures the latest, from " + repo.hook_log_path() + ":\n") != std::string::npos);
    std::string last_line = repo.hook_log().substr(0, repo.hook_log().find('\n'));
    CHECK(people.out.find("                " + last_line) != std::string::npos);
    auto json = nlohmann::json::parse(repo.run_in_repo({"status", "--json"}).out);
    CHECK(json["hook_log"]["recent"].size() >= 1);
    CHECK(json["hook_log"]["path"] == repo.hook_log_path());
}

TEST_CASE("cli status: uninstall says what it did in a sentence") {
    TestRepo repo;
    test::write_file(repo.path() + "/.git/hooks/post-commit", "#!/bin/sh\necho mine\n");
    REQUIRE(repo.run_in_repo({"install"}).code == 0);
    auto removed = repo.run_in_repo({"uninstall"});
    INFO(removed.out);
    CHECK(removed.code == 0);
    std::string folder = repo.path() + "/.git/hooks";
    CHECK(removed.out.find("Removed memeops' post-commit hook from " + folder +
                           "; the hook that was there before is back in its place.\n") != std::string::npos);
    CHECK(removed.out.find("Removed memeops' post-merge hook from " + folder + ".\n") != std::string::npos);
    CHECK(removed.out.find("missing") == std::string::npos);
    auto again = repo.run_in_repo({"uninstall"});
    CHECK(again.out == "No memeops hooks in " + folder + "; nothing to remove.\n");
}
