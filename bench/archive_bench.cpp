// The archive at scale: builds an archive of N entries (default 1,000,000) and measures
// `history --limit 20` with and without a branch filter, `show` by tag, `search` for a word
// (English and Chinese), inserts one per transaction and batched, the data of each dashboard
// page (bot/dashboard/queries.hpp: p50 and p99), and the file size.
//
// Each figure is printed with its ratio to a baseline measured in the same run on the same
// machine: the same operation on a bare SQLite table (no indexes beyond the rowid, no search
// index, same WAL and synchronous settings). Shared machines are noisy; the ratio is the figure
// that carries from one run to the next.
//
// Usage: archive_bench [--entries N] [--dir DIR]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

#include "bench/bench_util.hpp"
#include "bot/dashboard/queries.hpp"
#include "meme/confusion.hpp"
#include "storage/archive.hpp"
#include "storage/ingest_store.hpp"

using namespace memeops;
using bench::Clock;

namespace {

namespace fs = std::filesystem;

const std::vector<std::string> k_words{
    "loss", "accuracy", "tune", "refactor", "dataloader", "augment", "scheduler", "warmup",
    "checkpoint", "eval", "resnet", "transformer", "tokenizer", "dropout", "batch", "gradient",
    "fix", "nan", "overfit", "baseline", "头秃", "绝绝子", "摆烂", "躺平", "收敛", "炼丹", "调参",
    "破防", "泰裤辣", "模型", "数据", "训练"};

std::string sentence(std::mt19937_64& rng, int words) {
    std::string text;
    for (int i = 0; i < words; ++i) text += (i ? " " : "") + k_words[rng() % k_words.size()];
    return text;
}

std::string hex(std::mt19937_64& rng, int digits) {
    static const char* k_hex = "0123456789abcdef";
    std::string out;
    for (int i = 0; i < digits; ++i) out += k_hex[rng() % 16];
    return out;
}

// A realistic mix: mostly commits, some versions (tagged, with memes), training runs, CI and
// messages across 10 repositories and 20 branches.
storage::Entry make_entry(std::mt19937_64& rng, std::int64_t n) {
    storage::Entry e;
    int roll = static_cast<int>(rng() % 100);
    e.kind = roll < 60   ? storage::EntryKind::commit
             : roll < 70 ? storage::EntryKind::version
             : roll < 85 ? storage::EntryKind::training
             : roll < 95 ? storage::EntryKind::ci
                         : storage::EntryKind::message;
    e.time = 1'700'000'000'000 + n * 30'000;
    e.repo = "git@example.com:lab/model-" + std::to_string(rng() % 10) + ".git";
    e.branch = rng() % 2 ? "main" : "feature/exp-" + std::to_string(rng() % 19);
    e.summary = sentence(rng, 6);
    e.body = *e.summary + "\n\n" + sentence(rng, 12);
    if (e.kind == storage::EntryKind::commit || e.kind == storage::EntryKind::version ||
        e.kind == storage::EntryKind::ci)
        e.commit = hex(rng, 40);
    if (e.kind == storage::EntryKind::version) {
        e.tag = e.commit->substr(0, 8) + "-n" + std::to_string(n) + "-taikula";
        e.docker_tag = e.tag;
        e.display = "泰裤辣 😎 " + e.commit->substr(0, 8);
        e.metrics = {{"val_acc", 0.9}, {"loss", 0.1}};
    }
    if (e.kind == storage::EntryKind::training) {
        e.run = "run-" + std::to_string(n);
        e.metrics = {{"loss", 0.3}, {"val_loss", 0.4}, {"lr", 0.001}};
    }
    if (e.kind != storage::EntryKind::commit) {
        e.memes.push_back({0, "version.tagged", 2, "绝绝子 💯 " + sentence(rng, 3),
                           "Iconic: " + sentence(rng, 3), e.time,
                           {{"slack:ml", storage::DeliveryState::delivered, 1, std::nullopt}}});
    }
    return e;
}

// The baseline: a bare table with the same durability settings.
struct BareTable {
    storage::Database db;
    explicit BareTable(const std::string& path)
        : db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, 15000) {
        db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                "CREATE TABLE IF NOT EXISTS bare(id INTEGER PRIMARY KEY, kind TEXT, time INTEGER,"
                " summary TEXT, body TEXT)");
    }
    void insert(const storage::Entry& e) {
        db.cached("INSERT INTO bare(kind, time, summary, body) VALUES (?1, ?2, ?3, ?4)")
            .bind_all(storage::to_string(e.kind), e.time, e.summary, e.body)
            .run();
    }
};

struct Rates {
    double single_per_s;
    double batched_per_s;
};

Rates bare_insert_rates(const std::string& path, std::mt19937_64& rng, int singles, int batched) {
    BareTable bare(path);
    std::vector<storage::Entry> entries;
    for (int i = 0; i < std::max(singles, batched); ++i) entries.push_back(make_entry(rng, i));
    auto start = Clock::now();
    for (int i = 0; i < singles; ++i) {
        storage::Transaction t(bare.db);
        bare.insert(entries[static_cast<size_t>(i)]);
        t.commit();
    }
    double single = singles / bench::seconds_since(start);
    start = Clock::now();
    {
        storage::Transaction t(bare.db);
        for (int i = 0; i < batched; ++i) bare.insert(entries[static_cast<size_t>(i)]);
        t.commit();
    }
    return {single, batched / bench::seconds_since(start)};
}

// A run of `epochs` epochs and the CI board of every repository, branch and pipeline, which the
// generated entries alone do not fill: the dashboard's run page and CI board read them.
void add_dashboard_data(storage::Archive& archive, int epochs) {
    storage::Entry run;
    run.kind = storage::EntryKind::training;
    run.time = 1'800'000'000'000;
    run.run = "bench-run";
    archive.add(run);
    storage::IngestStore store(archive);
    storage::Transaction t(archive.database());
    for (int e = 0; e < epochs; ++e)
        store.add_epoch(run.id, e, run.time + e, {{"loss", 1.0 / (e + 1)}, {"val_loss", 1.2 / (e + 1)}}, "bench-run");
    for (int i = 0; i < 200; ++i) {  // confusion matrices as the pipeline archives them
        storage::Entry matrix;
        matrix.kind = storage::EntryKind::training;
        matrix.time = run.time - 1'000'000 * i;
        matrix.run = "bench-run-" + std::to_string(i);
        matrix.summary = "confusion matrix of " + *matrix.run + ": accuracy 0.800";
        matrix.details = {{"confusion", meme::to_json(meme::confusion_from_counts({"cat", "dog", "owl"},
                                                                                   {{40, 8, 2}, {3, 30, 0}, {10, 5, 20}}))}};
        archive.add(matrix);
    }
    for (int repo = 0; repo < 10; ++repo)
        for (int branch = 0; branch < 20; ++branch)
            for (const char* pipeline : {"build", "test", "deploy"})
                archive.record_ci_status("model-" + std::to_string(repo), "feature/exp-" + std::to_string(branch),
                                         pipeline, branch % 3 ? "success" : "failure", 0, run.time + branch);
    t.commit();
}

// `baseline_ms`: the bare table's newest-20 read, which every figure is also given as a ratio of.
void report_dashboard(storage::Archive& archive, double baseline_ms) {
    auto figure = [](const bench::Latency& l) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "p50 %.3f ms (p99 %.3f)", l.median_ms, l.p99_ms);
        return std::string(buf);
    };
    storage::Database& db = archive.database();
    auto overview = bench::measure(200, [&] {
        storage::ReadSnapshot snapshot(db);
        bot::dashboard::newest_memes(db, 12);
        bot::dashboard::recent_entries(db, 15);
        bot::dashboard::ci_board(db, 50);
        bot::dashboard::latest_versions(db, 10);
    });
    bench::report("dashboard overview data", figure(overview), overview.median_ms / baseline_ms, "<= 50 ms");
    auto runs = bench::measure(200, [&] { bot::dashboard::runs(db, 100); });
    bench::report("dashboard runs data (100 runs)", figure(runs), runs.median_ms / baseline_ms, "<= 50 ms");
    auto run = bench::measure(200, [&] { bot::dashboard::run(db, "bench-run"); });
    bench::report("dashboard run data (1,000 epochs)", figure(run), run.median_ms / baseline_ms, "<= 50 ms");
    auto matrices = bench::measure(200, [&] {
        storage::ReadSnapshot snapshot(db);
        auto list = bot::dashboard::confusion_matrices(db, 100);
        bot::dashboard::confusion_matrix(db, list[0]["entry"].get<std::int64_t>());
    });
    bench::report("dashboard confusion data (list of 100, one matrix)", figure(matrices), matrices.median_ms / baseline_ms, "<= 50 ms");
    auto versions = bench::measure(200, [&] {
        storage::ReadSnapshot snapshot(db);
        bot::dashboard::versions(db, 200);
    });
    bench::report("dashboard versions data (200 versions)", figure(versions), versions.median_ms / baseline_ms, "<= 50 ms");
}

int arg_int(int argc, char** argv, const std::string& name, int fallback) {
    for (int i = 1; i + 1 < argc; ++i)
        if (argv[i] == name) return std::atoi(argv[i + 1]);
    return fallback;
}

std::string arg_string(int argc, char** argv, const std::string& name, std::string fallback) {
    for (int i = 1; i + 1 < argc; ++i)
        if (argv[i] == name) return argv[i + 1];
    return fallback;
}

}  // namespace

int main(int argc, char** argv) {
    int total = arg_int(argc, argv, "--entries", 1'000'000);
    fs::path dir = arg_string(argc, argv, "--dir", (fs::temp_directory_path() / "memeops-bench").string());
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::string path = (dir / "archive.db").string();
    std::mt19937_64 rng(42);

    std::printf("memeops archive benchmark: %s entries in %s\n", bench::with_commas(total).c_str(),
                path.c_str());
    std::printf("%-44s %22s   %-8s %s\n", "measure", "figure", "vs bare", "target");

    // Batched inserts build the archive, 10,000 entries per transaction.
    auto archive = storage::Archive::open(path);
    constexpr int k_batch = 10'000;
    double insert_seconds = 0;
    std::string last_tag;
    for (int done = 0; done < total;) {
        std::vector<storage::Entry> batch;
        for (int i = 0; i < k_batch && done < total; ++i, ++done) batch.push_back(make_entry(rng, done));
        auto start = Clock::now();
        archive->add_batch(batch);
        insert_seconds += bench::seconds_since(start);
        for (const auto& e : batch)
            if (e.tag) last_tag = *e.tag;
    }
    double batched_rate = total / insert_seconds;

    constexpr int k_singles = 2'000;
    std::vector<storage::Entry> singles;
    for (int i = 0; i < k_singles; ++i) singles.push_back(make_entry(rng, total + i));
    auto start = Clock::now();
    for (auto& e : singles) archive->add(e);
    double single_rate = k_singles / bench::seconds_since(start);

    Rates bare = bare_insert_rates((dir / "bare.db").string(), rng, k_singles, 50'000);
    bench::report("insert, one per transaction", bench::with_commas(single_rate) + " /s",
                  single_rate / bare.single_per_s, ">= 2,000 /s");
    bench::report("insert, batched (10,000 per transaction)", bench::with_commas(batched_rate) + " /s",
                  batched_rate / bare.batched_per_s, ">= 50,000 /s");

    // Queries: the bare baseline reads the newest 20 rows by rowid.
    BareTable bare_table((dir / "bare.db").string());
    auto baseline = bench::measure(200, [&] {
        auto select = bare_table.db.cached("SELECT * FROM bare ORDER BY id DESC LIMIT 20");
        while (select.step()) {
        }
        select.reset();
    });
    auto ratio = [&](const bench::Latency& l) { return l.median_ms / baseline.median_ms; };
    auto figure = [](const bench::Latency& l) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.3f ms (p95 %.3f)", l.median_ms, l.p95_ms);
        return std::string(buf);
    };

    auto history = bench::measure(200, [&] { archive->history({.limit = 20}); });
    bench::report("history --limit 20", figure(history), ratio(history), "<= 5 ms");
    auto by_branch = bench::measure(200, [&] { archive->history({.branch = "feature/exp-7", .limit = 20}); });
    bench::report("history --branch feature/exp-7 --limit 20", figure(by_branch), ratio(by_branch), "<= 5 ms");
    auto by_kind = bench::measure(200, [&] {
        archive->history({.repo = "model-3", .kind = storage::EntryKind::version, .limit = 20});
    });
    bench::report("history --repo model-3 --kind version", figure(by_kind), ratio(by_kind), "<= 5 ms");
    auto show = bench::measure(200, [&] { archive->find(last_tag); });
    bench::report("show <tag>", figure(show), ratio(show), "<= 5 ms");
    auto search_en = bench::measure(50, [&] { archive->search("dataloader warmup", 20); });
    bench::report("search \"dataloader warmup\"", figure(search_en), ratio(search_en), "<= 50 ms");
    auto search_zh = bench::measure(50, [&] { archive->search("头秃", 20); });
    bench::report("search 头秃", figure(search_zh), ratio(search_zh), "<= 50 ms");
    auto search_rare = bench::measure(50, [&] { archive->search(last_tag, 20); });
    bench::report("search <tag>", figure(search_rare), ratio(search_rare), "<= 50 ms");

    add_dashboard_data(*archive, 1000);
    report_dashboard(*archive, baseline.median_ms);

    archive->database().exec("PRAGMA wal_checkpoint(TRUNCATE)");
    bare_table.db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    double size_mb = static_cast<double>(fs::file_size(path)) / 1e6;
    double bare_mb = static_cast<double>(fs::file_size(dir / "bare.db")) / 1e6;
    double bare_rows = k_singles + 50'000.0;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.0f MB (%.0f B/entry)", size_mb, size_mb * 1e6 / (total + k_singles));
    bench::report("file size", buf, (size_mb / (total + k_singles)) / (bare_mb / bare_rows), "");
    fs::remove_all(dir);
    return 0;
}
