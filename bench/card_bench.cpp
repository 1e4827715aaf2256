// Meme cards: how long one takes to render (median and p99, and cards per second on one core),
// per kind of picture, and the same card drawn by matplotlib in the same run (card_bench.py).
//
//   build/bench/card_bench [RUNS]   (default 300; matplotlib gets RUNS / 10)
//
// Pinned to one CPU (the matplotlib child inherits it). The card is a real one: the first
// overfitting alert of tests/fixtures/keras_logs/08-mars-terrain-overfitting.csv.
#include <sched.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "bench/bench_util.hpp"
#include "meme/caption.hpp"
#include "meme/card/card.hpp"
#include "meme/card/sources.hpp"
#include "meme/metrics_log.hpp"

using namespace memeops;

namespace {

const char* const k_log = MEMEOPS_SOURCE_DIR "/tests/fixtures/keras_logs/08-mars-terrain-overfitting.csv";

meme::card::Card overfitting_card() {
    std::ifstream in(k_log);
    auto log = meme::parse_metrics_log(in);
    auto fits = meme::split_fits(log.epochs);
    for (const auto& f : meme::detect_in_log(log.epochs, {})) {
        if (f.detection.reaction != "training.overfitting") continue;
        const auto& d = f.detection;
        return {d.reaction, d.priority, meme::detection_caption(d, "mars-terrain", f.spark),
                {.run = "mars-terrain", .branch = "main", .repo = "github.com/acme/mars"},
                meme::card::training_picture(d.reaction, fits[size_t(f.fit - 1)], d.epoch, {})};
    }
    throw std::runtime_error("no overfitting alert in the log");
}

std::vector<meme::card::Card> other_kinds(const meme::card::Card& base) {
    auto with = [&](std::string reaction, meme::card::Picture picture) {
        meme::card::Card card = base;
        card.reaction = std::move(reaction);
        card.picture = std::move(picture);
        return card;
    };
    auto matrix = meme::confusion_from_counts({"cat", "dog", "fox"}, {{50, 3, 1}, {6, 40, 9}, {0, 2, 30}});
    return {with("confusion.matrix", meme::card::GridPicture{matrix}),
            with("ci.failed", meme::card::StripPicture{"build", {"success", "failed", "success", "success", "failed"}}),
            with("version.tagged", meme::card::BadgePicture{"v3-brave-badger", "Brave Badger", {{"accuracy", 0.93}}}),
            with("sarcasm", meme::card::MeterPicture{0.87, "Oh great, NaN again. Love that for us."})};
}

// The matplotlib card of `card`'s data, timed by card_bench.py; its JSON line.
nlohmann::json matplotlib_figures(const meme::card::Card& card, int runs) {
    const auto& curves = std::get<meme::card::CurvePicture>(card.picture);
    nlohmann::json series = nlohmann::json::object();
    for (const auto& s : curves.series) {
        nlohmann::json values = nlohmann::json::array();
        for (const auto& v : s.values) values.push_back(v && std::isfinite(*v) ? nlohmann::json(*v) : nlohmann::json());
        series[s.name] = values;
    }
    auto dir = std::filesystem::temp_directory_path();
    std::string data = (dir / "memeops-card-bench.json").string(), png = (dir / "memeops-card-bench.png").string();
    std::ofstream(data) << nlohmann::json{{"caption_zh", card.caption.zh}, {"caption_en", card.caption.en},
                                          {"subject", meme::card::subject_line(card.subject)}, {"epochs", curves.epochs},
                                          {"series", series}, {"marked", curves.marked_epoch.value_or(0)}}
                               .dump();
    std::string command = "/usr/bin/python3 " MEMEOPS_SOURCE_DIR "/bench/card_bench.py " + data + " " + std::to_string(runs) + " " + png;
    FILE* pipe = popen(command.c_str(), "r");
    std::string out;
    char buffer[512];
    while (pipe && fgets(buffer, sizeof buffer, pipe)) out += buffer;
    if (!pipe || pclose(pipe) != 0) return nullptr;
    return nlohmann::json::parse(out, nullptr, false);
}

void pin_to_one_cpu() {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(0, &set);
    sched_setaffinity(0, sizeof set, &set);
}

}  // namespace

int main(int argc, char** argv) {
    int runs = argc > 1 ? std::max(20, std::atoi(argv[1])) : 300;
    pin_to_one_cpu();
    auto card = overfitting_card();
    std::string png;
    auto latency = bench::measure(runs, [&] { png = meme::card::render_card(card).png; });
    std::printf("card_bench: %d renders of a %s card (%zu epochs), one CPU\n\n", runs, card.reaction.c_str(),
                std::get<meme::card::CurvePicture>(card.picture).epochs.size());
    std::printf("%-18s %10s %10s %12s %10s\n", "card", "median ms", "p99 ms", "cards/s", "PNG bytes");
    std::printf("%-18s %10.2f %10.2f %12.0f %10zu\n", card.reaction.c_str(), latency.median_ms, latency.p99_ms,
                1000.0 / latency.mean_ms, png.size());
    for (const auto& other : other_kinds(card)) {
        auto l = bench::measure(std::max(20, runs / 3), [&] { png = meme::card::render_card(other).png; });
        std::printf("%-18s %10.2f %10.2f %12.0f %10zu\n", other.reaction.c_str(), l.median_ms, l.p99_ms, 1000.0 / l.mean_ms,
                    png.size());
    }
    auto baseline = matplotlib_figures(card, std::max(10, runs / 10));
    if (baseline.is_null()) {
        std::printf("\nmatplotlib: not available (install python3-matplotlib: ./install.sh --bench-tools)\n");
        return 0;
    }
    double mpl = baseline["median_ms"].get<double>();
    std::printf("%-18s %10.2f %10.2f %12.0f %10lld\n\n", "matplotlib", mpl, baseline["p99_ms"].get<double>(),
                1000.0 / baseline["mean_ms"].get<double>(), baseline["bytes"].get<long long>());
    bench::report("card render, median", std::to_string(latency.median_ms) + " ms", mpl / latency.median_ms,
                  "faster than matplotlib (target x10, and <= 10 ms)");
    return 0;
}
