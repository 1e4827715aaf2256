// Why memes wait: a row that waits to be retried keeps the error of its last failed attempt,
// while a destination's own health row only has one when it was disabled or paced. `status`
// shows the first it finds.
#pragma once

#include <map>
#include <string>

#include "storage/archive.hpp"

namespace memeops::storage {

// The error of the latest failed attempt among each destination's pending rows, by destination
// key; destinations without one are absent.
std::map<std::string, std::string> retry_errors(Archive& archive);

}  // namespace memeops::storage
