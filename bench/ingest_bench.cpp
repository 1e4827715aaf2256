// The writer's cost per event: feeds training.epoch events through the bot's group commit
// (bot/ingest_queue.hpp) into a real archive file, as bench/ingest_epoch.lua sends them to
// `memeops serve` (one event per request, 50 interleaved runs, `--in-flight` requests waiting at
// once, like wrk's connections), and prints the CPU each thread spent per event.
//
// CPU per event of the writer thread is the figure to compare: unlike requests/s it barely moves
// when another process shares the cores. Compare two builds by running both in the same session.
//
// `--direct G` runs the writer's own work on this thread instead, without the queue: groups of
// G requests, each group one transaction (as IngestQueue::commit_together), timed with this
// thread's CPU clock. Its groups do not depend on scheduling, so two builds compare exactly,
// also under `valgrind --tool=callgrind`.
//
// Usage: ingest_bench [--events N] [--warmup N] [--in-flight K] [--direct G] [--dir DIR]
#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>

#include "bench/bench_util.hpp"
#include "bot/ingest_queue.hpp"
#include "core/time.hpp"

using namespace memeops;

namespace {

namespace fs = std::filesystem;

struct Options {
    long events = 40'000;
    long warmup = 5'000;  // fills the runs' windows and the page cache first
    int in_flight = 32;
    int direct_group = 0;  // 0: through the queue
    std::string dir;
};

Options parse_options(int argc, char** argv) {
    Options options;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string flag = argv[i];
        if (flag == "--events") options.events = std::atol(argv[i + 1]);
        else if (flag == "--warmup") options.warmup = std::atol(argv[i + 1]);
        else if (flag == "--in-flight") options.in_flight = std::atoi(argv[i + 1]);
        else if (flag == "--direct") options.direct_group = std::atoi(argv[i + 1]);
        else if (flag == "--dir") options.dir = argv[i + 1];
        else {
            std::fprintf(stderr, "memeops: ingest_bench: unknown option %s\n", flag.c_str());
            std::exit(2);
        }
    }
    return options;
}

// Request `n` of bench/ingest_epoch.lua: a new id, one of 50 runs, its next epoch.
std::vector<meme::Event> epoch_request(long n) {
    long epoch = n / 50;
    double loss = 1.0 / (1.0 + static_cast<double>(epoch) / 10.0);
    nlohmann::json doc = {{"kind", "training.epoch"},
                          {"id", "wrk-" + std::to_string(n)},
                          {"run", "bench-run-" + std::to_string(n % 50)},
                          {"epoch", epoch},
                          {"metrics", {{"loss", loss}, {"val_loss", loss * 1.1}, {"val_accuracy", 1.0 - loss / 2.0}}}};
    return meme::parse_events(std::move(doc), core::now_ms());
}

// CPU time (user + system, in clock ticks) of each thread of this process.
std::map<long, long> thread_ticks() {
    std::map<long, long> ticks;
    DIR* tasks = opendir("/proc/self/task");
    if (!tasks) return ticks;
    while (dirent* task = readdir(tasks)) {
        if (task->d_name[0] == '.') continue;
        std::ifstream stat(std::string("/proc/self/task/") + task->d_name + "/stat");
        std::string line;
        std::getline(stat, line);
        auto close = line.rfind(')');  // the name may hold spaces: fields count from after it
        if (close == std::string::npos) continue;
        std::istringstream fields(line.substr(close + 2));
        std::string field;
        long utime = 0, stime = 0;
        for (int i = 3; fields >> field; ++i) {
            if (i == 14) utime = std::atol(field.c_str());
            if (i == 15) {
                stime = std::atol(field.c_str());
                break;
            }
        }
        ticks[std::atol(task->d_name)] = utime + stime;
    }
    closedir(tasks);
    return ticks;
}

// Keeps `in_flight` requests waiting, each answer sending the next, until `total` are answered.
class ClosedLoop {
public:
    ClosedLoop(bot::IngestQueue& queue, long first, long total) : m_queue(queue), m_next(first), m_end(first + total) {}

    void run(int in_flight) {
        for (int i = 0; i < in_flight; ++i) send();
        std::unique_lock lock(m_mutex);
        m_done.wait(lock, [this] { return m_answered == m_end - m_first; });
    }
    long failed() const { return m_failed; }

private:
    void send() {
        long n;
        {
            std::lock_guard lock(m_mutex);
            if (m_next >= m_end) return;
            n = m_next++;
        }
        m_queue.submit(epoch_request(n), "event", [this](bot::IngestResult result) { answered(result); });
    }
    void answered(const bot::IngestResult& result) {
        {
            std::lock_guard lock(m_mutex);
            if (!result.error.empty()) ++m_failed;
            ++m_answered;
        }
        m_done.notify_all();
        send();
    }

    bot::IngestQueue& m_queue;
    long m_next;
    const long m_first = m_next;
    const long m_end;
    long m_answered = 0;
    long m_failed = 0;
    std::mutex m_mutex;
    std::condition_variable m_done;
};

// Prints the busiest threads' CPU per event between two snapshots.
void print_threads(const std::map<long, long>& before, const std::map<long, long>& after, long event_count) {
    const double us_per_tick = 1e6 / static_cast<double>(sysconf(_SC_CLK_TCK));
    const auto events = static_cast<double>(event_count);
    std::vector<std::pair<long, long>> spent;  // ticks, tid
    long total = 0;
    for (const auto& [tid, ticks] : after) {
        long delta = ticks - (before.contains(tid) ? before.at(tid) : 0);
        spent.push_back({delta, tid});
        total += delta;
    }
    std::sort(spent.rbegin(), spent.rend());
    auto per_event = [&](long ticks) { return static_cast<double>(ticks) * us_per_tick / events; };
    std::printf("writer thread (the busiest)  %8.2f us/event\n", per_event(spent.at(0).first));
    for (size_t i = 1; i < std::min<size_t>(spent.size(), 4); ++i)
        std::printf("next thread %zu                %8.2f us/event\n", i, per_event(spent[i].first));
    std::printf("whole process                %8.2f us/event\n", per_event(total));
}

double thread_cpu_seconds() {
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

// One group in one transaction, as IngestQueue::commit_together (callgrind: --toggle-collect on it).
__attribute__((noinline)) void commit_requests(storage::Archive& archive, pipeline::Pipeline& handler,
                                               const std::vector<std::vector<meme::Event>>& group) {
    storage::Transaction transaction(archive.database());
    for (const auto& request : group) handler.handle_within(request, "event");
    transaction.commit();
}

// Requests [first, first + count) through `handler`, `group` per transaction. Returns the CPU
// seconds spent committing them (not making them).
double handle_directly(storage::Archive& archive, pipeline::Pipeline& handler, long first, long count, int group) {
    constexpr long k_groups_per_checkpoint = 100;
    double spent = 0;
    long groups = 0;
    for (long n = first; n < first + count;) {
        std::vector<std::vector<meme::Event>> requests;
        for (long end = std::min(first + count, n + group); n < end; ++n) requests.push_back(epoch_request(n));
        double start = thread_cpu_seconds();
        commit_requests(archive, handler, requests);
        spent += thread_cpu_seconds() - start;
        // The queue's checkpointer does this on its own thread, about every 200 ms.
        if (++groups % k_groups_per_checkpoint == 0) archive.database().exec("PRAGMA wal_checkpoint(PASSIVE)");
    }
    return spent;
}

// The writer's work alone, on this thread; prints its CPU time per event.
void run_direct(const std::string& path, const Options& options) {
    auto archive = storage::Archive::open(path);
    bot::configure_writer_connection(archive->database());  // as the queue's writer
    pipeline::Pipeline handler(*archive, {});
    handle_directly(*archive, handler, 0, options.warmup, options.direct_group);
    double spent = handle_directly(*archive, handler, options.warmup, options.events, options.direct_group);
    std::printf("ingest_bench --direct: %ld epoch events, %d per group, 50 runs, after %ld to warm up\n", options.events,
                options.direct_group, options.warmup);
    std::printf("writer's work                %8.2f us/event\n", spent * 1e6 / static_cast<double>(options.events));
}

}  // namespace

int main(int argc, char** argv) {
    Options options = parse_options(argc, argv);
    fs::path dir = options.dir.empty() ? fs::temp_directory_path() / ("ingest_bench." + std::to_string(getpid())) : fs::path(options.dir);
    fs::create_directories(dir);
    std::string path = (dir / "archive.db").string();
    if (options.direct_group > 0) run_direct(path, options);
    else {
        std::atomic<long> groups{0};  // the committed callback runs once per group
        bot::IngestQueue queue(path, {}, {}, [&](const auto&, const auto&) { ++groups; });
        ClosedLoop(queue, 0, options.warmup).run(options.in_flight);
        auto before = thread_ticks();
        long groups_before = groups;
        auto start = bench::Clock::now();
        ClosedLoop measured(queue, options.warmup, options.events);
        measured.run(options.in_flight);
        double seconds = bench::seconds_since(start);
        auto after = thread_ticks();
        std::printf("ingest_bench: %ld epoch events, %d in flight, 50 runs, after %ld to warm up\n", options.events,
                    options.in_flight, options.warmup);
        print_threads(before, after, options.events);
        auto events = static_cast<double>(options.events);
        std::printf("wall                         %8.2f us/event (%.0f events/s), %ld failed\n", seconds * 1e6 / events,
                    events / seconds, measured.failed());
        std::printf("group commits                %8.1f events each\n", events / static_cast<double>(groups - groups_before));
        std::printf("archive                      %8.1f MB\n", static_cast<double>(fs::file_size(path)) / 1e6);
    }
    if (options.dir.empty()) fs::remove_all(dir);
    return 0;
}
