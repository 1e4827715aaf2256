#include "core/destinations.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/glob.hpp"
#include "core/text.hpp"

namespace memeops::core {
namespace {

void add_from_env(std::vector<Destination>& out, const char* variable, DestinationType type) {
    auto value = env(variable);
    if (!value) return;
    int n = 0;
    for (const auto& url : split_commas(*value)) {
        std::string name = to_string(type) + (++n > 1 ? "-" + std::to_string(n) : "");
        out.push_back({name, type, url, 3, {}});
    }
}

std::string read_url_file(const std::string& path, const std::string& name) {
    std::ifstream in(path);
    std::string url;
    if (!in || !std::getline(in, url) || url.empty())
        throw Fatal("destination " + name, "cannot read a URL from url_file " + path);
    while (!url.empty() && (url.back() == '\r' || url.back() == ' ')) url.pop_back();
    return url;
}

// item[key] as a string, `fallback` when absent or null. Throws Fatal naming the entry and the
// key for any other type.
std::string string_member(const nlohmann::json& item, const char* key, const std::string& label,
                          const std::string& fallback = "") {
    auto it = item.find(key);
    if (it == item.end() || it->is_null()) return fallback;
    if (!it->is_string()) throw Fatal("config " + label, "\"" + std::string(key) + "\" must be a string");
    return it->get<std::string>();
}

std::vector<std::string> reaction_globs(const nlohmann::json& item, const std::string& label) {
    auto it = item.find("reactions");
    if (it == item.end() || it->is_null()) return {};
    if (!it->is_array() || !std::all_of(it->begin(), it->end(), [](const auto& r) { return r.is_string(); }))
        throw Fatal("config " + label, "\"reactions\" must be an array of strings");
    return it->get<std::vector<std::string>>();
}

Destination from_config(const nlohmann::json& item, size_t index) {
    std::string label = "destinations[" + std::to_string(index) + "]";
    if (!item.is_object()) throw Fatal("config " + label, "must be an object");
    Destination d;
    d.name = string_member(item, "name", label);
    if (d.name.empty()) throw Fatal("config " + label, "needs a \"name\"");
    std::string type = string_member(item, "type", label);
    if (type == "slack") d.type = DestinationType::slack;
    else if (type == "discord") d.type = DestinationType::discord;
    else if (type == "console") d.type = DestinationType::console;
    else throw Fatal("config " + label, "\"type\" must be slack, discord or console");
    if (item.contains("url_file")) d.url = read_url_file(string_member(item, "url_file", label), d.name);
    else d.url = string_member(item, "url", label);
    if (d.type != DestinationType::console && d.url.empty())
        throw Fatal("config " + label, "needs a \"url\" or \"url_file\"");
    std::string min = string_member(item, "min_priority", label, "P3");
    if (min.size() != 2 || min[0] != 'P' || min[1] < '0' || min[1] > '3')
        throw Fatal("config " + label, "\"min_priority\" must be P0, P1, P2 or P3");
    d.min_priority = min[1] - '0';
    d.reactions = reaction_globs(item, label);
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
    const auto& config = settings.config_file();
    if (auto it = config.find("destinations"); it != config.end()) {
        if (!it->is_array()) throw Fatal("config destinations", "must be an array");
        for (size_t i = 0; i < it->size(); ++i) out.push_back(from_config((*it)[i], i));
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
