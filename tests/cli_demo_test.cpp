// memeops demo: the whole product once, as a newcomer runs it first, posting nowhere but the
// console and leaving only its archive and its cards behind.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <signal.h>

#include "chat_standins.hpp"
#include "test_repo.hpp"
#include "storage/archive.hpp"
#include "test_support.hpp"

using namespace memeops;
namespace fs = std::filesystem;

namespace {

std::vector<fs::path> demo_folders(const fs::path& temp) {
    std::vector<fs::path> found;
    for (const auto& item : fs::directory_iterator(temp))
        if (item.path().filename().string().starts_with("memeops-demo-")) found.push_back(item.path());
    return found;
}

std::int64_t entries_of_kind(storage::Archive& archive, const std::string& kind) {
    return test::count_where(archive.database(), "SELECT count(*) FROM entries WHERE kind = ?1", kind);
}

}  // namespace

TEST_CASE("memeops demo runs hooks, a version, training, CI, chat and a confusion matrix, posting only to the console") {
    test::TempDir dir;
    fs::create_directories(dir.path() / "tmp");
    // A user's chat and bot settings must never receive the demo: both point at live stand-ins.
    test::ChatStandIn slack(test::ChatStandIn::Platform::slack);
    auto result = test::run_process(MEMEOPS_BINARY, {"demo"},
                                    {{"TMPDIR", (dir.path() / "tmp").string()},
                                     {"HOME", dir.path().string()},
                                     {"MEMEOPS_SLACK_WEBHOOK", slack.url()},
                                     {"MEMEOPS_DB", dir.file("users-own.db")}},
                                    120);
    INFO(result.out << result.err);
    REQUIRE(result.code == 0);
    for (const char* seen : {"1/6", "2/6", "3/6", "4/6", "5/6", "6/6", "P2 training.breakthrough",
                             "P1 training.overfitting", "P1 ci.failed", "P2 ci.fixed", "P3 sarcasm",
                             "P3 confusion.matrix", "tagged ", "Pipeline exploded, please send help 🚨",
                             "Archived 24 events into 1 entry, 3 memes delivered or queued"})
        CHECK(result.out.find(seen) != std::string::npos);
    CHECK(slack.requests().empty());
    CHECK_FALSE(fs::exists(dir.file("users-own.db")));

    auto folders = demo_folders(dir.path() / "tmp");
    REQUIRE(folders.size() == 1);
    std::vector<std::string> left;
    for (const auto& item : fs::directory_iterator(folders[0])) left.push_back(item.path().filename().string());
    std::sort(left.begin(), left.end());
    CHECK(left == std::vector<std::string>{"archive.db", "cards"});
    CHECK(result.out.find((folders[0] / "archive.db").string()) != std::string::npos);

    auto archive = storage::Archive::open((folders[0] / "archive.db").string());
    CHECK(entries_of_kind(*archive, "commit") == 2);
    CHECK(entries_of_kind(*archive, "version") == 1);
    CHECK(entries_of_kind(*archive, "training") == 2);  // the run, and the confusion matrix of its model
    CHECK(entries_of_kind(*archive, "ci") == 2);
    CHECK(archive->database().query_int("SELECT count(*) FROM memes") >= 8);
    CHECK(archive->database().query_int("SELECT count(*) FROM deliveries WHERE state != 'delivered'") == 0);
    // A card per meme, each a PNG, in the folder the demo named.
    std::int64_t memes = archive->database().query_int("SELECT count(*) FROM memes");
    std::vector<fs::path> cards;
    for (const auto& item : fs::directory_iterator(folders[0] / "cards")) cards.push_back(item.path());
    CHECK(static_cast<std::int64_t>(cards.size()) == memes);
    for (const auto& card : cards) {
        CHECK(card.extension() == ".png");
        CHECK(fs::file_size(card) > 1000);
    }
    CHECK(result.out.find("Cards: " + std::to_string(memes) + " PNG files, one per meme, in " + (folders[0] / "cards").string()) != std::string::npos);
}

TEST_CASE("memeops demo --keep leaves the repository with its hooks and commits beside the archive") {
    test::TempDir dir;
    fs::create_directories(dir.path() / "tmp");
    auto result = test::run_process(MEMEOPS_BINARY, {"demo", "--keep"},
                                    {{"TMPDIR", (dir.path() / "tmp").string()}, {"HOME", dir.path().string()}}, 120);
    INFO(result.out << result.err);
    REQUIRE(result.code == 0);
    auto folders = demo_folders(dir.path() / "tmp");
    REQUIRE(folders.size() == 1);
    CHECK(fs::exists(folders[0] / "repo" / ".git" / "hooks" / "post-commit"));
    auto log = test::run_process("git", {"-C", (folders[0] / "repo").string(), "log", "--format=%s"});
    CHECK(log.out == "Stop early when val_loss climbs\nTune the learning rate\nAdd the training script\n");
}

TEST_CASE("memeops demo --discord --slack posts its memes and cards to those webhooks only, then --serve shows its dashboard") {
    test::TempDir dir;
    fs::create_directories(dir.path() / "tmp");
    test::ChatStandIn slack(test::ChatStandIn::Platform::slack), discord(test::ChatStandIn::Platform::discord);
    test::ChatStandIn users_own(test::ChatStandIn::Platform::slack);  // the user's settings: never posted to
    std::string out = dir.file("demo.out"), err = dir.file("demo.err");
    pid_t demo = test::spawn_process(MEMEOPS_BINARY,
                                     {"demo", "--slack", slack.url(), "--discord", discord.url(), "--serve", "--listen", "127.0.0.1:0"},
                                     {{"TMPDIR", (dir.path() / "tmp").string()}, {"HOME", dir.path().string()},
                                      {"MEMEOPS_SLACK_WEBHOOK", users_own.url()}},
                                     out, err);
    std::smatch found;
    const std::regex serving("serving on http://127\\.0\\.0\\.1:(\\d+)");
    std::string log;  // outlives the match, which points into it
    bool started = test::eventually([&] {
        log = test::read_text(err);
        return std::regex_search(log, found, serving);
    }, 120);
    INFO(test::read_text(out) << test::read_text(err));
    REQUIRE(started);
    int port = std::stoi(found[1]);
    CHECK(test::read_text(out).find("7/7  The same memes in your chat") != std::string::npos);

    auto folders = demo_folders(dir.path() / "tmp");
    REQUIRE(folders.size() == 1);
    auto archive = storage::Archive::open((folders[0] / "archive.db").string());
    std::int64_t memes = archive->database().query_int("SELECT count(*) FROM memes");
    for (const auto* chat : {&slack, &discord}) {
        std::string key = chat == &slack ? "slack:" : "discord:";
        CHECK(test::count_where(archive->database(),
                                "SELECT count(*) FROM deliveries WHERE state = 'delivered' AND destination LIKE ?1", key + "%") == memes);
        CHECK_FALSE(chat->messages().empty());
    }
    bool card_attached = false;
    for (const auto& request : discord.requests())
        if (request.status / 100 == 2 && request.file_name.ends_with(".png") && request.file.starts_with("\x89PNG")) card_attached = true;
    CHECK(card_attached);
    CHECK(users_own.requests().empty());

    httplib::Client dashboard("127.0.0.1", port);
    auto runs = dashboard.Get("/v1/dash/runs");
    REQUIRE(runs);
    CHECK(runs->status == 200);
    CHECK(runs->body.find("\"run\"") != std::string::npos);
    CHECK(dashboard.Get("/")->status == 200);
    kill(demo, SIGTERM);
    CHECK(test::wait_for_children({demo}) == 0);
}
