#include "core/config_keys.hpp"

#include <algorithm>

#include "core/suggest.hpp"

namespace memeops::core {

const std::vector<std::string>& config_top_level_keys() {
    static const std::vector<std::string> keys{"db", "botUrl", "destinations", "detectors"};
    return keys;
}

const std::vector<std::string>& config_destination_keys() {
    static const std::vector<std::string> keys{"name", "type", "url", "url_file", "min_priority", "reactions"};
    return keys;
}

void check_known_keys(const ConfigFile& config, const ConfigFile::Path& at, const std::vector<std::string>& known,
                      const std::string& what) {
    const nlohmann::json* object = config.find(at);
    if (!object || !object->is_object()) return;
    for (const auto& [key, value] : object->items()) {
        if (std::find(known.begin(), known.end(), key) != known.end()) continue;
        auto closest = closest_match(key, known);
        config.fail(at / key, "is not " + what + (closest ? " (did you mean " + *closest + "?)" : ""));
    }
}

}  // namespace memeops::core
