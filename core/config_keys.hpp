// The keys a --config file may use, checked where each object is read, so a misspelt key is an
// error naming the file, the line and the key with the closest known key, instead of a setting
// silently ignored:
//   config /etc/memeops.json, line 4 : destinations[0].min_prio is not a destination setting
//   (did you mean min_priority?)
#pragma once

#include <string>
#include <vector>

#include "core/config_file.hpp"

namespace memeops::core {

// The top level's keys ("db", "botUrl", "destinations", "detectors").
const std::vector<std::string>& config_top_level_keys();

// A destination's keys ("name", "type", "url", "url_file", "min_priority", "reactions").
const std::vector<std::string>& config_destination_keys();

// Throws Fatal (ConfigFile::fail) for the first key of the object at `at` that is not in
// `known`: "<key> is not <what> (did you mean <closest>?)", the suggestion only when one is
// close (core/suggest.hpp). Nothing when the value at `at` is absent or not an object.
void check_known_keys(const ConfigFile& config, const ConfigFile::Path& at, const std::vector<std::string>& known,
                      const std::string& what);

}  // namespace memeops::core
