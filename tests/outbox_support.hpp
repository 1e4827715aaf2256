// Filling the outbox for delivery tests: memes queued for destination keys, as the pipeline
// queues them, without going through event handling.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "storage/archive.hpp"

namespace memeops::test {

// Archives a message entry with one meme of `priority` (P0 by default) whose caption names `run`,
// pending for every key of `destinations`. Returns the meme's id.
std::int64_t queue_meme(storage::Archive& archive, const std::vector<std::string>& destinations, const std::string& run,
                        int priority = 0);

// How many of the memes queued for `destination` are in each state, by state name.
std::int64_t count_deliveries(storage::Archive& archive, const std::string& destination, const std::string& state);

}  // namespace memeops::test
