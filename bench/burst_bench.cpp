// Burst benchmark: 10,000 training events over 50 runs hit the bot at once; a local Slack
// stand-in takes 1 message per second and answers 429 with Retry-After beyond that. Measures the
// time until every run appears in the channel, the 429s received and the events lost; then the
// same burst as 10,000 alerts (grouped by run) through Prometheus Alertmanager, the peer.
//
//   burst_bench MEMEOPS_BINARY [ALERTMANAGER_SECONDS]
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <thread>

#include "../tests/chat_standins.hpp"

using namespace memeops;
using nlohmann::json;

namespace {

constexpr int k_runs = 50;
constexpr int k_epochs = 200;  // 50 × 200 = 10,000 events
constexpr int k_batch = 250;   // events per request

std::string run_name(int run) {
    char name[32];
    std::snprintf(name, sizeof name, "burst-run-%02d-x", run);
    return name;
}

pid_t spawn(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env, const std::string& log) {
    std::fflush(stdout);  // or the child's freopen writes what this process has buffered
    pid_t pid = fork();
    if (pid == 0) {
        FILE* out = std::freopen(log.c_str(), "w", stderr);
        (void)out;
        if (!std::freopen("/dev/null", "w", stdout)) _exit(126);
        for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        execvp(args[0], args.data());
        _exit(127);
    }
    return pid;
}

void stop(pid_t pid) {
    kill(pid, SIGTERM);
    waitpid(pid, nullptr, 0);
}

// Runs of `channel` that appeared, and when the last of them did (ms after `start`).
std::pair<int, core::TimeMs> appearances(const test::ChatStandIn& channel, core::TimeMs start) {
    std::set<int> seen;
    core::TimeMs last = 0;
    auto requests = channel.requests();
    auto texts = channel.message_texts();
    size_t message = 0;
    for (const auto& r : requests) {
        if (r.status != 200) continue;
        const std::string& text = texts[message++];
        for (int run = 0; run < k_runs; ++run)
            if (!seen.count(run) && text.find(run_name(run)) != std::string::npos) {
                seen.insert(run);
                last = r.time - start;
            }
    }
    return {static_cast<int>(seen.size()), last};
}

// A training curve per run: falling loss, accuracy crossing 0.9 once, then a flat stretch.
json epoch_event(int run, int epoch) {
    double loss = epoch < 120 ? 1.0 / (1.0 + epoch / 8.0) : 1.0 / (1.0 + 120 / 8.0);
    double acc = std::min(0.95, 0.5 + epoch * 0.005 + run * 0.0001);
    return {{"kind", "training.epoch"}, {"id", run_name(run) + "-" + std::to_string(epoch)}, {"run", run_name(run)},
            {"epoch", epoch}, {"metrics", {{"loss", loss}, {"val_loss", loss * 1.1}, {"val_accuracy", acc}}}};
}

struct Result {
    int runs_seen = 0;
    core::TimeMs all_seen_ms = -1;
    int rejected_429 = 0;
    int requests = 0;
    std::string lost;
};

// Waits up to `seconds` for every run to appear in `channel`; fills in what was seen and when.
void wait_for_runs(const test::ChatStandIn& channel, core::TimeMs start, int seconds, Result& result) {
    for (int i = 0; i < seconds * 10; ++i) {
        auto [seen, last] = appearances(channel, start);
        result.runs_seen = seen;
        if (seen == k_runs) {
            result.all_seen_ms = last;
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

Result memeops_burst(const std::string& binary, const std::string& dir) {
    test::ChatStandIn slack(test::ChatStandIn::Platform::slack);
    int port = 18000 + static_cast<int>(getpid() % 2000);
    pid_t bot = spawn({binary, "serve", "--listen", "127.0.0.1:" + std::to_string(port)},
                      {{"MEMEOPS_DB", dir + "/archive.db"}, {"MEMEOPS_SLACK_WEBHOOK", slack.url()}, {"MEMEOPS_LOG", "warn"}},
                      dir + "/memeops.log");
    httplib::Client client("127.0.0.1", port);
    client.set_read_timeout(60);
    for (int i = 0; i < 200 && !client.Get("/healthz"); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    core::TimeMs start = core::now_ms();
    int accepted = 0;
    json batch = json::array();
    for (int epoch = 0; epoch < k_epochs; ++epoch)
        for (int run = 0; run < k_runs; ++run) {
            batch.push_back(epoch_event(run, epoch));
            if (batch.size() == k_batch) {
                auto r = client.Post("/v1/events", batch.dump(), "application/json");
                if (r && r->status == 202) accepted += json::parse(r->body)["accepted"].get<int>();
                batch = json::array();
            }
        }
    Result result;
    wait_for_runs(slack, start, 60, result);
    json health;
    for (int i = 0; i < 300; ++i) {  // then every meme still queued must go out: up to 30 s more
        health = json::parse(client.Get("/healthz")->body);
        if (health["outbox_pending"] == 0) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    result.rejected_429 = slack.count_status(429);
    result.requests = static_cast<int>(slack.requests().size());
    result.lost = std::to_string(k_runs * k_epochs - accepted) + " events not accepted, " +
                  std::to_string(health["outbox_pending"].get<int>()) + " memes undelivered";
    stop(bot);
    return result;
}

Result alertmanager_burst(const std::string& dir, int seconds) {
    test::ChatStandIn slack(test::ChatStandIn::Platform::slack);
    int port = 19000 + static_cast<int>(getpid() % 2000), cluster = port + 1;
    std::ofstream(dir + "/alertmanager.yml")
        << "route:\n  receiver: slack\n  group_by: [run]\n  group_wait: 1s\n  group_interval: 1s\n"
        << "receivers:\n  - name: slack\n    slack_configs:\n      - api_url: '" << slack.url() << "'\n"
        << "        channel: '#ml'\n        title: '{{ .GroupLabels.run }}'\n";
    pid_t am = spawn({"prometheus-alertmanager", "--config.file=" + dir + "/alertmanager.yml", "--storage.path=" + dir + "/am",
                      "--web.listen-address=127.0.0.1:" + std::to_string(port),
                      "--cluster.listen-address=127.0.0.1:" + std::to_string(cluster)},
                     {}, dir + "/alertmanager.log");
    httplib::Client client("127.0.0.1", port);
    for (int i = 0; i < 300 && !client.Get("/-/ready"); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    core::TimeMs start = core::now_ms();
    json batch = json::array();
    int accepted = 0;
    for (int epoch = 0; epoch < k_epochs; ++epoch)
        for (int run = 0; run < k_runs; ++run) {
            batch.push_back({{"labels", {{"alertname", "TrainingEpoch"}, {"run", run_name(run)}, {"epoch", std::to_string(epoch)}}}});
            if (batch.size() == k_batch) {
                auto r = client.Post("/api/v2/alerts", batch.dump(), "application/json");
                if (r && r->status == 200) accepted += k_batch;
                batch = json::array();
            }
        }
    Result result;
    wait_for_runs(slack, start, seconds, result);
    result.rejected_429 = slack.count_status(429);
    result.requests = static_cast<int>(slack.requests().size());
    result.lost = std::to_string(k_runs * k_epochs - accepted) + " alerts not accepted; " +
                  std::to_string(k_runs - result.runs_seen) + " runs never shown in " + std::to_string(seconds) + " s";
    stop(am);
    return result;
}

void print(const char* name, const Result& r) {
    char when[32] = "never";
    if (r.all_seen_ms >= 0) std::snprintf(when, sizeof when, "%.2f s", static_cast<double>(r.all_seen_ms) / 1000.0);
    std::printf("%-14s runs shown %2d/%d  all shown after %s  slack requests %4d  429s %4d  lost: %s\n", name,
                r.runs_seen, k_runs, when, r.requests, r.rejected_429, r.lost.c_str());
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: burst_bench MEMEOPS_BINARY [ALERTMANAGER_SECONDS]\n");
        return 2;
    }
    int am_seconds = argc > 2 ? std::atoi(argv[2]) : 30;
    char pattern[] = "/tmp/memeops-burst-XXXXXX";
    std::string dir = mkdtemp(pattern);
    std::printf("burst: %d events over %d runs, Slack stand-in at 1 message/s with 429 + Retry-After\n", k_runs * k_epochs, k_runs);
    Result memeops = memeops_burst(argv[1], dir);
    print("memeops", memeops);
    if (system("command -v prometheus-alertmanager >/dev/null") != 0) {
        std::printf("alertmanager   not installed (./install.sh --bench-tools)\n");
        std::filesystem::remove_all(dir);
        return 0;
    }
    Result am = alertmanager_burst(dir, am_seconds);
    print("alertmanager", am);
    std::filesystem::remove_all(dir);
    return 0;
}
