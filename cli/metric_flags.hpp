// --metric NAME=VALUE flags (tag, emit): values are numbers, or nan, inf, -inf.
#pragma once

#include <string>
#include <vector>

#include "storage/entry.hpp"

namespace memeops::cli {

// Throws core::UsageError naming the flag for a pair without '=' or a value that is not a number.
storage::Metrics parse_metric_flags(const std::vector<std::string>& pairs);

}  // namespace memeops::cli
