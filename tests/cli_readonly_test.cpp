// The read commands (history, show, search, status) only read: they work on an archive the user
// cannot write, and never wait for another process's write lock. The real binary, as a user
// without write access (as root, the test drops to "nobody", since root may write anything).
#include <catch2/catch.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "storage/archive.hpp"
#include "test_support.hpp"

using namespace memeops;
namespace fs = std::filesystem;

namespace {

// Runs the binary from "/" with `env`, as "nobody" when this process is root, for at most 30 s.
test::CommandResult run_as_reader(const std::vector<std::string>& args, const std::map<std::string, std::string>& env) {
    std::vector<std::string> command{MEMEOPS_BINARY};
    command.insert(command.end(), args.begin(), args.end());
    command = test::as_unprivileged(command);
    test::ChildOptions options;
    options.env = env;
    options.working_dir = "/";
    options.timeout_s = 30;
    return test::run_child(command[0], {command.begin() + 1, command.end()}, options);
}

// An archive with a model version whose meme waits, and an entry only in the search backlog.
void fill(const std::string& path) {
    auto archive = storage::Archive::open(path);
    storage::Entry version = test::sample_entry(storage::EntryKind::version, 7);
    version.memes.push_back({0, "version.tagged", 2, "新版本 绝绝子", "new version", version.time,
                             {{"console", storage::DeliveryState::pending, 0, std::nullopt}}});
    archive->add(version);
    storage::Entry message = test::sample_entry(storage::EntryKind::message, 8);
    message.body = "梯度爆炸 readonly-marker";
    archive->add(message);
}

}  // namespace

TEST_CASE("cli: history, show, search and status read an archive they cannot write") {
    test::TempDir dir;
    fs::permissions(dir.path(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                    fs::perms::others_read | fs::perms::others_exec);
    fs::create_directory(dir.path() / "ro");
    std::string path = (dir.path() / "ro" / "archive.db").string();
    fill(path);  // closed cleanly: no -wal or -shm left
    REQUIRE_FALSE(fs::exists(path + "-shm"));
    chmod(path.c_str(), 0444);
    chmod((dir.path() / "ro").c_str(), 0555);
    std::string tag = test::sample_entry(storage::EntryKind::version, 7).tag.value();
    std::map<std::string, std::string> env{{"MEMEOPS_DB", path}, {"HOME", dir.path().string()}};

    auto history = run_as_reader({"history", "--json"}, env);
    INFO(history.err);
    REQUIRE(history.code == 0);
    CHECK(nlohmann::json::parse(history.out).size() == 2);
    auto show = run_as_reader({"show", tag, "--json"}, env);
    REQUIRE(show.code == 0);
    CHECK(nlohmann::json::parse(show.out)["memes"][0]["deliveries"][0]["state"] == "pending");
    auto search = run_as_reader({"search", "readonly-marker", "--json"}, env);
    REQUIRE(search.code == 0);
    CHECK(nlohmann::json::parse(search.out).size() == 1);
    auto chinese = run_as_reader({"search", "绝绝子"}, env);
    CHECK(chinese.code == 0);
    CHECK(chinese.out.find(tag) != std::string::npos);
    auto status = run_as_reader({"status", "--json"}, env);
    REQUIRE(status.code == 0);
    CHECK(nlohmann::json::parse(status.out)["outbox_pending"] == 1);
    CHECK(fs::directory_iterator(dir.path() / "ro") != fs::directory_iterator());
    CHECK(std::distance(fs::directory_iterator(dir.path() / "ro"), fs::directory_iterator()) == 1);  // nothing created
    chmod((dir.path() / "ro").c_str(), 0755);
}

// [serial]: the three commands are timed against a wall-clock bound.
TEST_CASE("cli: history, show and search answer while another process holds the write lock", "[serial]") {
    test::TempDir dir;
    std::string path = dir.file("archive.db");
    fill(path);
    storage::Database holder(path, SQLITE_OPEN_READWRITE, 1000);
    holder.exec("BEGIN IMMEDIATE");
    std::map<std::string, std::string> env{{"MEMEOPS_DB", path}, {"HOME", dir.path().string()}};
    std::string tag = test::sample_entry(storage::EntryKind::version, 7).tag.value();
    auto start = std::chrono::steady_clock::now();
    auto search = test::run_memeops({"search", "readonly-marker", "--json"}, env);
    auto history = test::run_memeops({"history", "--json"}, env);
    auto show = test::run_memeops({"show", tag}, env);
    auto elapsed = std::chrono::steady_clock::now() - start;
    holder.exec("ROLLBACK");
    CHECK(search.code == 0);
    CHECK(nlohmann::json::parse(search.out).size() == 1);
    CHECK(history.code == 0);
    CHECK(show.code == 0);
    CHECK(elapsed < std::chrono::seconds(5));  // the busy timeout is 15 s: nobody waited for the lock
}
