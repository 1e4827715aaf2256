#include "delivery/destination_view.hpp"

#include <set>

namespace memeops::delivery {
namespace {

std::string type_of_key(const std::string& key) {
    size_t colon = key.find(':');
    return colon == std::string::npos ? key : key.substr(0, colon);
}

void add_health(DestinationView& view, const std::map<std::string, storage::DestinationHealth>& health) {
    auto it = health.find(view.key);
    if (it == health.end()) return;
    view.disabled = it->second.disabled;
    view.last_error = it->second.last_error;
}

}  // namespace

std::vector<DestinationView> destination_views(storage::Outbox& outbox,
                                               const std::vector<core::Destination>& configured) {
    auto backlog = outbox.backlog_counts();
    auto health = outbox.all_health();
    std::vector<DestinationView> views;
    std::set<std::string> seen;
    for (const auto& d : configured) {
        std::string key = d.key();
        if (!seen.insert(key).second) continue;
        DestinationView view{key, d.name, core::to_string(d.type), std::nullopt, false, std::nullopt, backlog[key]};
        if (!d.url.empty()) view.url = core::redact_url(d.url);
        add_health(view, health);
        views.push_back(std::move(view));
    }
    for (const auto& [key, pending] : backlog) {
        if (seen.contains(key) || pending == 0) continue;
        DestinationView view{key, std::nullopt, type_of_key(key), std::nullopt, false, std::nullopt, pending};
        add_health(view, health);
        views.push_back(std::move(view));
    }
    return views;
}

}  // namespace memeops::delivery
