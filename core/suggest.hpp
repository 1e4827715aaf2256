// "Did you mean …?": the closest of the names something could have been, for a typo in a
// command name or a config key.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace memeops::core {

// Edits (insert, delete, replace, swap two neighbours) from `a` to `b`.
size_t edit_distance(const std::string& a, const std::string& b);

// The candidate `typed` most likely meant: within 2 edits (1 for words under 6 characters), or
// one that starts with it (3 characters or more); nullopt when none is that close.
std::optional<std::string> closest_match(const std::string& typed, const std::vector<std::string>& candidates);

}  // namespace memeops::core
