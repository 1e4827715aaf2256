#include "core/destinations.hpp"

#include <algorithm>
#include <fstream>

#include "core/config_keys.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/glob.hpp"
#include "core/text.hpp"
#include "core/url.hpp"

namespace memeops::core {
namespace {

void add_from_env(std::vector<Destination>& out, const char* variable, DestinationType type) {
    auto value = env(variable);
    if (!value) return;
    int n = 0;
    for (const auto& url : split_commas(*value)) {
        std::string name = to_string(type) + (++n > 1 ? "-" + std::to_string(n) : "");
        if (!parse_url(url))
            throw Fatal(variable, "URL " + std::to_string(n) + " must be an http or https URL with a host");
        out.push_back({name, type, url, 3, {}});
    }
}

// The first line of the file `url_file` names, which must be a URL like "url" (the same rule).
std::string url_from_file(const ConfigFile& config, const ConfigFile::Path& at, const std::string& path) {
    std::ifstream in(path);
    std::string url;
    if (!in || !std::getline(in, url) || url.empty())
        config.fail(at, "names a file with no URL on its first line, or none at all: " + path);
    while (!url.empty() && (url.back() == '\r' || url.back() == ' ')) url.pop_back();
    if (!parse_url(url)) config.fail(at, "names a file whose first line is not an http or https URL with a host");
    return url;
}

DestinationType type_of(const ConfigFile& config, const ConfigFile::Path& at) {
    std::string type = config.string(at).value_or("");
    if (type == "slack") return DestinationType::slack;
    if (type == "discord") return DestinationType::discord;
    if (type == "console") return DestinationType::console;
    config.fail(at, "must be slack, discord or console");
}

int min_priority_of(const ConfigFile& config, const ConfigFile::Path& at) {
    std::string min = config.string(at).value_or("P3");
    if (min.size() != 2 || min[0] != 'P' || min[1] < '0' || min[1] > '3') config.fail(at, "must be P0, P1, P2 or P3");
    return min[1] - '0';
}

std::vector<std::string> reaction_globs(const ConfigFile& config, const ConfigFile::Path& at) {
    const nlohmann::json* globs = config.find(at);
    if (!globs) return {};
    if (!globs->is_array() || !std::all_of(globs->begin(), globs->end(), [](const auto& r) { return r.is_string(); }))
        config.fail(at, "must be an array of strings, like [\"training.*\", \"ci.failed\"]");
    return globs->get<std::vector<std::string>>();
}

Destination from_config(const ConfigFile& config, const ConfigFile::Path& at) {
    const nlohmann::json* item = config.find(at);
    if (!item || !item->is_object())
        config.fail(at, "must be an object, not " + (item ? json_kind(*item) : std::string("null")));
    check_known_keys(config, at, config_destination_keys(), "a destination setting");
    Destination d;
    d.name = config.string(at / "name").value_or("");
    if (d.name.empty()) config.fail(at, "needs a \"name\"");
    d.type = type_of(config, at / "type");
    if (auto file = config.string(at / "url_file")) d.url = url_from_file(config, at / "url_file", *file);
    else d.url = config.url(at / "url").value_or("");
    if (d.type != DestinationType::console && d.url.empty()) config.fail(at, "needs a \"url\" or \"url_file\"");
    d.min_priority = min_priority_of(config, at / "min_priority");
    d.reactions = reaction_globs(config, at / "reactions");
    return d;
}

}  // namespace

std::string to_string(DestinationType type) {
    switch (type) {
        case DestinationType::slack: return "slack";
        case DestinationType::discord: return "discord";
        case DestinationType::console: return "console";
    }
    return "console";
}

bool Destination::accepts(const std::string& reaction, int priority) const {
    if (priority > min_priority) return false;
    if (reactions.empty()) return true;
    for (const auto& glob : reactions)
        if (glob_match(glob, reaction)) return true;
    return false;
}

std::string Destination::key() const {
    if (type == DestinationType::console) return "console";
    return to_string(type) + ":" + sha256_hex(url).substr(0, 16);
}

std::vector<Destination> configured_destinations(const Settings& settings) {
    std::vector<Destination> out;
    add_from_env(out, "MEMEOPS_SLACK_WEBHOOK", DestinationType::slack);
    add_from_env(out, "MEMEOPS_DISCORD_WEBHOOK", DestinationType::discord);
    const ConfigFile& config = settings.config();
    ConfigFile::Path list("/destinations");
    if (const nlohmann::json* items = config.find(list)) {
        if (!items->is_array()) config.fail(list, "must be an array of destinations, not " + json_kind(*items));
        for (size_t i = 0; i < items->size(); ++i) out.push_back(from_config(config, list / i));
    }
    if (out.empty()) out.push_back({"console", DestinationType::console, "", 3, {}});
    return out;
}

std::string redact_url(const std::string& url) {
    if (url.empty()) return "";
    size_t scheme = url.find("://");
    if (scheme == std::string::npos) return "…";
    size_t host_start = scheme + 3;
    size_t end = url.find_first_of("/?#", host_start);
    std::string host = url.substr(host_start, end == std::string::npos ? std::string::npos : end - host_start);
    if (size_t at = host.rfind('@'); at != std::string::npos) host = host.substr(at + 1);
    return url.substr(0, host_start) + host + "/…";
}

std::vector<std::string> routes_for(const std::vector<Destination>& destinations, const std::string& reaction,
                                    int priority) {
    std::vector<std::string> keys;
    for (const auto& d : destinations) {
        std::string key = d.key();
        if (d.accepts(reaction, priority) && std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
    }
    return keys;
}

}  // namespace memeops::core
