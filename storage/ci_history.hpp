// The CI results a pipeline had: what a CI meme card shows as its strip of last runs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/archive.hpp"

namespace memeops::storage {

// The statuses of the last `limit` CI entries of `repo`, `branch` and `pipeline` (the event's
// "name"; an absent repo or branch matches entries without one) up to the entry `up_to`
// (inclusive), oldest first.
std::vector<std::string> ci_statuses(Archive& archive, const std::optional<std::string>& repo,
                                     const std::optional<std::string>& branch, const std::string& pipeline,
                                     std::int64_t up_to, int limit);

}  // namespace memeops::storage
