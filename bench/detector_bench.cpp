// How many messages the training detectors post on real training logs: rules v2 (contract §3)
// next to rules v1 on the same files, per file and per rule, as messages per 100 epochs.
//
//   build/bench/detector_bench [FOLDER]   (default: tests/fixtures/keras_logs, see its SOURCES.md)
//
// v2 reads a file as `memeops replay` does (an epoch column that goes back starts a new fit);
// v1 read the whole file as one run, as replay did then.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "bench/detector_rules_v1.hpp"
#include "meme/metrics_log.hpp"

using namespace memeops;

namespace {

struct FileCounts {
    std::string name;
    size_t epochs = 0;
    std::map<std::string, int> v1, v2;  // by reaction
};

int total(const std::map<std::string, int>& counts) {
    int n = 0;
    for (const auto& [reaction, count] : counts) n += count;
    return n;
}

double per_100(int messages, size_t epochs) { return epochs ? 100.0 * messages / static_cast<double>(epochs) : 0; }

FileCounts count_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    auto log = meme::parse_metrics_log(in);
    FileCounts counts{path.stem().string(), log.epochs.size(), {}, {}};
    bench::DetectorRulesV1 v1;
    for (const auto& epoch : log.epochs)
        for (const auto& reaction : v1.feed(epoch)) ++counts.v1[reaction];
    for (const auto& found : meme::detect_in_log(log.epochs, {})) ++counts.v2[found.detection.reaction];
    return counts;
}

void print_files(const std::vector<FileCounts>& files) {
    std::printf("%-52s %7s %5s %7s %5s %7s\n", "file", "epochs", "v1", "v1/100", "v2", "v2/100");
    for (const auto& f : files)
        std::printf("%-52.52s %7zu %5d %7.1f %5d %7.1f\n", f.name.c_str(), f.epochs, total(f.v1),
                    per_100(total(f.v1), f.epochs), total(f.v2), per_100(total(f.v2), f.epochs));
}

void print_rules(const std::vector<FileCounts>& files, size_t epochs) {
    std::map<std::string, std::pair<int, int>> rules;
    for (const auto& f : files) {
        for (const auto& [reaction, n] : f.v1) rules[reaction].first += n;
        for (const auto& [reaction, n] : f.v2) rules[reaction].second += n;
    }
    std::printf("\n%-26s %5s %7s %5s %7s\n", "rule", "v1", "v1/100", "v2", "v2/100");
    for (const auto& [reaction, n] : rules)
        std::printf("%-26s %5d %7.2f %5d %7.2f\n", reaction.c_str(), n.first, per_100(n.first, epochs), n.second,
                    per_100(n.second, epochs));
}

}  // namespace

int main(int argc, char** argv) {
    std::filesystem::path folder = argc > 1 ? argv[1] : MEMEOPS_SOURCE_DIR "/tests/fixtures/keras_logs";
    std::vector<std::filesystem::path> paths;
    for (const auto& entry : std::filesystem::directory_iterator(folder))
        if (entry.path().extension() == ".csv" || entry.path().extension() == ".jsonl") paths.push_back(entry.path());
    std::sort(paths.begin(), paths.end());
    if (paths.empty()) {
        std::cerr << "detector_bench: no .csv or .jsonl logs in " << folder << "\n";
        return 2;
    }
    std::vector<FileCounts> files;
    size_t epochs = 0;
    int v1 = 0, v2 = 0;
    for (const auto& path : paths) {
        files.push_back(count_file(path));
        epochs += files.back().epochs;
        v1 += total(files.back().v1);
        v2 += total(files.back().v2);
    }
    std::printf("Training detectors on %zu real logs (%zu epochs): rules v2 next to rules v1, same files, same run\n\n",
                files.size(), epochs);
    print_files(files);
    print_rules(files, epochs);
    std::printf("\nmessages per 100 epochs: v1 %.2f, v2 %.2f (v2 posts x%.2f of v1); target: v2 <= 3\n",
                per_100(v1, epochs), per_100(v2, epochs), v1 ? static_cast<double>(v2) / v1 : 0.0);
    return 0;
}
