// Small timing helpers shared by the benchmarks.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace memeops::bench {

using Clock = std::chrono::steady_clock;

// Seconds since `start`.
double seconds_since(Clock::time_point start);

// Latency figures of repeated runs, in milliseconds.
struct Latency {
    double median_ms = 0;
    double p95_ms = 0;
    double p99_ms = 0;
    double mean_ms = 0;
};

// Runs `work` once to warm up, then `runs` times, and returns the median, 95th and 99th
// percentiles and the mean.
Latency measure(int runs, const std::function<void()>& work);

// One line of the report: a name, the figure, its ratio to the baseline, and the target.
void report(const std::string& name, const std::string& figure, double ratio,
            const std::string& target);

// A number with thousands separators: 1234567 → "1,234,567".
std::string with_commas(double value);

}  // namespace memeops::bench
