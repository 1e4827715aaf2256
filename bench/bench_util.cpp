#include "bench/bench_util.hpp"

#include <algorithm>
#include <cstdio>

namespace memeops::bench {

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

Latency measure(int runs, const std::function<void()>& work) {
    work();
    std::vector<double> samples;
    samples.reserve(static_cast<size_t>(runs));
    for (int i = 0; i < runs; ++i) {
        auto start = Clock::now();
        work();
        samples.push_back(seconds_since(start) * 1000.0);
    }
    std::sort(samples.begin(), samples.end());
    double sum = 0;
    for (double s : samples) sum += s;
    return {samples[samples.size() / 2], samples[samples.size() * 95 / 100], samples[samples.size() * 99 / 100],
            sum / static_cast<double>(samples.size())};
}

void report(const std::string& name, const std::string& figure, double ratio,
            const std::string& target) {
    std::printf("%-44s %22s   x%-7.2f %s\n", name.c_str(), figure.c_str(), ratio, target.c_str());
    std::fflush(stdout);
}

std::string with_commas(double value) {
    std::string digits = std::to_string(static_cast<long long>(value));
    for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3)
        digits.insert(static_cast<size_t>(i), ",");
    return digits;
}

}  // namespace memeops::bench
