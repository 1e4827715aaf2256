#include "cli/metric_flags.hpp"

#include "core/error.hpp"
#include "meme/metrics_log.hpp"

namespace memeops::cli {

storage::Metrics parse_metric_flags(const std::vector<std::string>& pairs) {
    storage::Metrics metrics;
    for (const auto& pair : pairs) {
        size_t eq = pair.find('=');
        if (eq == std::string::npos || eq == 0)
            throw core::UsageError("--metric " + pair + ": expected NAME=VALUE, like val_acc=0.93");
        std::string value = pair.substr(eq + 1);
        auto number = meme::parse_metric_value(value);
        if (!number) throw core::UsageError("--metric " + pair + ": " + value + " is not a number");
        metrics[pair.substr(0, eq)] = *number;
    }
    return metrics;
}

}  // namespace memeops::cli
