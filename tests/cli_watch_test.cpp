// memeops watch as a user runs it beside a training script: the real binary following a real
// file, into a real archive or a real bot.
#include <catch2/catch.hpp>

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "test_repo.hpp"
#include "test_support.hpp"

namespace test = memeops::test;
using test::TempDir;

namespace {

void append(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::app | std::ios::binary) << text;
}

// The JSON lines of `text`.
std::vector<nlohmann::json> parse_lines(const std::string& text) {
    std::vector<nlohmann::json> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(nlohmann::json::parse(line));
    return out;
}

// The JSON lines `watch --json` wrote to `path` so far.
std::vector<nlohmann::json> json_lines(const std::string& path) { return parse_lines(test::read_text(path)); }

std::vector<std::string> runs_and_epochs(const std::vector<nlohmann::json>& lines) {
    std::vector<std::string> out;
    for (const auto& l : lines) out.push_back(l["run"].get<std::string>() + ":" + std::to_string(l["epoch"].get<int>()));
    return out;
}

std::map<std::string, std::string> local_env(const TempDir& dir) {
    return {{"MEMEOPS_DB", dir.file("archive.db")}, {"HOME", dir.path().string()}, {"MEMEOPS_BOT_URL", ""}};
}

}  // namespace

TEST_CASE("memeops watch follows a CSVLogger file through a line written in two parts, truncation and rotation") {
    TempDir dir;
    std::string log = dir.file("mnist.csv"), out = dir.file("watch.out");
    pid_t watch = test::spawn_process(MEMEOPS_BINARY, {"watch", log, "--interval", "0.05", "--idle-exit", "3", "--json"},
                                      local_env(dir), out, dir.file("watch.err"));
    auto lines_are = [&](size_t n) { return test::eventually([&] { return json_lines(out).size() >= n; }, 10); };
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // started before the file exists
    append(log, "epoch,loss,val_loss\n0,1.0,1.1\n1,0.8,0.9\n2,0.7,");
    INFO(test::read_text(dir.file("watch.err")));
    REQUIRE(lines_are(2));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    CHECK(json_lines(out).size() == 2);  // the third line is not finished
    append(log, "0.8\n");
    REQUIRE(lines_are(3));
    test::write_file(log, "epoch,loss,val_loss\n0,1.2,1.3\n");  // truncated: training started over
    REQUIRE(lines_are(4));
    std::filesystem::rename(log, log + ".1");  // rotated; the new file carries on
    test::write_file(log, "epoch,loss,val_loss\n1,1.1,1.2\n");
    REQUIRE(lines_are(5));
    CHECK(test::wait_for_children({watch}) == 0);  // --idle-exit
    auto lines = json_lines(out);
    CHECK(runs_and_epochs(lines) == std::vector<std::string>{"mnist:0", "mnist:1", "mnist:2", "mnist#2:0", "mnist#2:1"});
    for (const auto& l : lines) {
        CHECK(l["to"] == "archive");
        CHECK(l["duplicate"] == false);
    }
    std::string err = test::read_text(dir.file("watch.err"));
    CHECK(err.empty());  // --json: nothing but the JSON lines, no chatter
    auto history = test::run_memeops({"history", "--json", "-k", "training"}, local_env(dir));
    CHECK(test::count_of(history.out, "\"run\":\"mnist\"") + test::count_of(history.out, "\"run\":\"mnist#2\"") >= 2);
}

TEST_CASE("memeops watch sends nothing twice when it watches the same file again, and reacts to NaN") {
    TempDir dir;
    std::string log = dir.file("run.csv");
    test::write_file(log, "epoch,loss\n0,0.9\n1,0.8\n2,nan\n");
    auto first = test::run_memeops({"watch", log, "--idle-exit", "0.3", "--interval", "0.05", "--json"}, local_env(dir));
    REQUIRE(first.code == 0);
    auto lines = parse_lines(first.out);
    REQUIRE(lines.size() == 3);
    CHECK(lines[2]["memes"].dump().find("training.nan") != std::string::npos);
    CHECK(lines[2]["memes"][0]["priority"] == "P0");
    auto again = test::run_memeops({"watch", log, "--idle-exit", "0.3", "--interval", "0.05", "--json"}, local_env(dir));
    REQUIRE(again.code == 0);
    CHECK(test::count_of(again.out, "\"duplicate\":true") == 3);
    CHECK(test::count_of(again.out, "training.nan") == 0);
}

TEST_CASE("memeops watch stops on SIGINT with a summary, skipping a bad line with its number") {
    TempDir dir;
    std::string log = dir.file("run.csv"), out = dir.file("watch.out"), err = dir.file("watch.err");
    test::write_file(log, "epoch,loss\n0,0.9\nten,0.85\n1,0.8\n");
    pid_t watch = test::spawn_process(MEMEOPS_BINARY, {"watch", log, "--interval", "0.05"}, local_env(dir), out, err);
    bool seen = test::eventually([&] { return test::read_text(out).find("epoch 1") != std::string::npos; }, 10);
    INFO(test::read_text(err));
    REQUIRE(seen);
    kill(watch, SIGINT);
    CHECK(test::wait_for_children({watch}) == 0);
    CHECK(test::read_text(out).find("run run · epoch 0 · loss 0.9") != std::string::npos);
    std::string said = test::read_text(err);
    CHECK(said.find("Watching " + log + ": epochs go to this machine's archive and chat (Ctrl-C to stop)") != std::string::npos);
    CHECK(said.find("line 3: epoch \"ten\" is not a whole number") != std::string::npos);
    CHECK(said.find("(skipped)") != std::string::npos);
    CHECK(said.find("Sent 2 epochs of " + log + ".") != std::string::npos);
}

TEST_CASE("memeops watch sends each epoch to the team's bot, which archives it") {
    TempDir dir;
    std::map<std::string, std::string> bot_env{{"MEMEOPS_DB", dir.file("bot.db")}, {"HOME", dir.path().string()}};
    test::ServeProcess bot(dir, bot_env, "watch");
    std::string log = dir.file("resnet.csv");
    test::write_file(log, "epoch,loss,acc\n0,1.0,0.5\n1,0.5,0.95\n");
    auto env = local_env(dir);
    env["MEMEOPS_BOT_URL"] = bot.url();
    auto result = test::run_memeops({"watch", log, "--run", "resnet-7", "--idle-exit", "0.3", "--interval", "0.05", "--json"}, env);
    REQUIRE(result.code == 0);
    CHECK(test::count_of(result.out, "\"to\":\"bot\"") == 2);
    CHECK(test::count_of(result.out, "\"run\":\"resnet-7\"") == 2);
    CHECK_FALSE(std::filesystem::exists(dir.file("archive.db")));  // nothing kept here: the bot has it
    auto history = test::run_memeops({"history", "--json", "-k", "training"}, bot_env);
    CHECK(history.out.find("resnet-7") != std::string::npos);
}

TEST_CASE("memeops watch refuses standard input and an interval out of range") {
    CHECK(test::run_memeops({"watch", "-"}).code == 2);
    CHECK(test::run_memeops({"watch", "x.csv", "--interval", "0"}).code == 2);
}

TEST_CASE("memeops watch shows epochs read while the archive is unusable, backs off, and sends them once it is back") {
    TempDir dir;
    std::string log = dir.file("run.csv"), out = dir.file("watch.out"), err = dir.file("watch.err");
    test::write_file(dir.file("archive.db"), "this is not an archive, and it is in the way\n");
    pid_t watch = test::spawn_process(MEMEOPS_BINARY, {"watch", log, "--interval", "0.05", "--idle-exit", "3"},
                                      local_env(dir), out, err);
    append(log, "epoch,loss\n0,0.9\n1,0.8\n");
    auto shows = [&](const std::string& text) {
        return test::eventually([&] { return test::read_text(out).find(text) != std::string::npos; }, 10);
    };
    REQUIRE(shows("epoch 1 · loss 0.8"));
    REQUIRE(test::eventually([&] { return test::read_text(err).find("(trying again)") != std::string::npos; }, 10));
    append(log, "2,0.7\n");  // read while the archive still cannot take it: shown all the same
    INFO(test::read_text(err));
    CHECK(shows("epoch 2 · loss 0.7"));
    std::filesystem::remove(dir.file("archive.db"));  // out of the way: the next try creates the archive
    CHECK(test::wait_for_children({watch}) == 0);
    std::string said = test::read_text(err);
    // Each error is said once, not at every retry (the file's removal can race with a try and
    // give one other error, said once too).
    std::vector<std::string> retries;
    std::istringstream lines(said);
    for (std::string line; std::getline(lines, line);)
        if (line.find("(trying again)") != std::string::npos) retries.push_back(line);
    CHECK(retries.size() >= 1);
    CHECK(retries.size() <= 2);
    CHECK(std::set<std::string>(retries.begin(), retries.end()).size() == retries.size());
    CHECK(said.find("Sent 3 epochs of " + log + ".") != std::string::npos);
    CHECK(test::count_of(test::read_text(out), "epoch 0 · loss 0.9") == 1);  // each shown once
    auto history = test::run_memeops({"history", "--json", "-k", "training"}, local_env(dir));
    CHECK(history.out.find("\"run\":\"run\"") != std::string::npos);
}
