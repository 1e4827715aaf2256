// A real `memeops serve` and three `memeops flush` loops delivering from one archive to one Slack
// webhook at once: together they keep Slack's pace (the stand-in answers 429 when two requests
// come less than a second apart) and send every meme exactly once.
#include <catch2/catch.hpp>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>

#include <fstream>
#include <regex>
#include <thread>

#include "chat_standins.hpp"
#include "outbox_support.hpp"
#include "storage/archive.hpp"
#include "test_support.hpp"

using namespace memeops;
using test::ChatStandIn;

namespace {

constexpr int k_memes = 30;

std::string read_all(const std::string& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

int serve_port(const std::string& err_path) {
    std::smatch match;
    for (int i = 0; i < 500; ++i) {
        std::string err = read_all(err_path);
        if (std::regex_search(err, match, std::regex("serving on http://127\\.0\\.0\\.1:(\\d+)"))) return std::stoi(match[1]);
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return 0;
}

// Waits for `pid` up to `seconds`, then kills it: the test never outlives its children's bounds.
void reap(pid_t pid, int seconds) {
    int status = 0;
    for (int i = 0; i < seconds * 50; ++i) {
        if (waitpid(pid, &status, WNOHANG) == pid) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
}

std::int64_t pending(const std::string& db) {
    storage::ArchiveOptions options;
    options.access = storage::Access::read_only;
    return storage::Archive::open(db, options)->pending_deliveries();
}

}  // namespace

TEST_CASE("serve and three flush loops together keep Slack's pace and send every meme exactly once") {
    test::TempDir dir;
    ChatStandIn slack(ChatStandIn::Platform::slack);
    std::string db = dir.file("archive.db");
    std::map<std::string, std::string> env{{"MEMEOPS_DB", db}, {"MEMEOPS_SLACK_WEBHOOK", slack.url()},
                                           {"HOME", dir.path().string()}, {"STOP", dir.file("stop")},
                                           {"MEMEOPS_BIN", MEMEOPS_BINARY}};
    pid_t serve = test::spawn_process(MEMEOPS_BINARY, {"serve", "--listen", "127.0.0.1:0"}, env, dir.file("serve.out"),
                                      dir.file("serve.err"));
    int port = serve_port(dir.file("serve.err"));
    std::vector<pid_t> loops;
    for (int i = 0; i < 3; ++i)
        loops.push_back(test::spawn_process(
            "/bin/sh", {"-c", R"(while [ ! -e "$STOP" ]; do "$MEMEOPS_BIN" flush --timeout 3; done)"}, env,
            dir.file("flush" + std::to_string(i) + ".out"), dir.file("flush" + std::to_string(i) + ".err")));
    int accepted = 0;
    if (port) {
        httplib::Client client("127.0.0.1", port);
        for (int i = 0; i < k_memes; ++i) {
            nlohmann::json event{{"kind", "training.crash"}, {"run", "conc-" + std::to_string(i) + "-end"},
                                 {"id", "conc-" + std::to_string(i)}, {"text", "OOM"}};
            auto r = client.Post("/v1/events", event.dump(), "application/json");
            accepted += r && r->status == 202;
            std::this_thread::sleep_for(std::chrono::milliseconds(250));
        }
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(45);
    while (port && pending(db) > 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    test::write_file(dir.file("stop"), "");
    for (pid_t loop : loops) reap(loop, 10);
    kill(serve, SIGTERM);
    reap(serve, 10);

    REQUIRE(port != 0);
    REQUIRE(accepted == k_memes);
    CHECK(pending(db) == 0);
    auto requests = slack.requests();
    CHECK(slack.count_status(429) == 0);
    for (size_t i = 1; i < requests.size(); ++i) CHECK(requests[i].time - requests[i - 1].time >= 1000);
    auto texts = slack.message_texts();
    for (int i = 0; i < k_memes; ++i) {
        std::string run = "conc-" + std::to_string(i) + "-end";
        int shown = 0;
        for (const auto& text : texts) shown += text.find(run) != std::string::npos;
        INFO(run);
        CHECK(shown == 1);
    }
    std::string serve_log = read_all(dir.file("serve.err"));
    size_t by_serve = 0;
    for (size_t at = 0; (at = serve_log.find("outcome=delivered", at)) != std::string::npos; ++at) ++by_serve;
    WARN("messages: " << texts.size() << ", sent by serve: " << by_serve << ", by the flush loops: " << texts.size() - by_serve);
}
