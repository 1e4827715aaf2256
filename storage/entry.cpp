#include "storage/entry.hpp"

#include <array>
#include <cmath>

namespace memeops::storage {
namespace {

constexpr std::array<std::pair<EntryKind, std::string_view>, 5> k_kind_names{{
    {EntryKind::version, "version"},
    {EntryKind::commit, "commit"},
    {EntryKind::training, "training"},
    {EntryKind::ci, "ci"},
    {EntryKind::message, "message"},
}};

constexpr std::array<std::pair<DeliveryState, std::string_view>, 3> k_state_names{{
    {DeliveryState::pending, "pending"},
    {DeliveryState::delivered, "delivered"},
    {DeliveryState::failed, "failed"},
}};

template <typename Table, typename Value>
std::string_view name_of(const Table& table, Value value) {
    for (const auto& [v, name] : table)
        if (v == value) return name;
    return "unknown";
}

template <typename Value, typename Table>
std::optional<Value> value_of(const Table& table, std::string_view name) {
    for (const auto& [v, n] : table)
        if (n == name) return v;
    return std::nullopt;
}

nlohmann::json optional_json(const std::optional<std::string>& value) {
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json meme_to_json(const Meme& meme) {
    nlohmann::json deliveries = nlohmann::json::array();
    for (const auto& d : meme.deliveries) {
        deliveries.push_back({{"destination", d.destination},
                              {"state", to_string(d.state)},
                              {"attempts", d.attempts},
                              {"last_error", optional_json(d.last_error)}});
    }
    return {{"reaction", meme.reaction},
            {"priority", priority_label(meme.priority)},
            {"caption", meme.caption},
            {"caption_en", meme.caption_en},
            {"time", core::format_iso8601(meme.created)},
            {"deliveries", deliveries}};
}

}  // namespace

std::string_view to_string(EntryKind kind) { return name_of(k_kind_names, kind); }

std::optional<EntryKind> parse_entry_kind(std::string_view text) {
    return value_of<EntryKind>(k_kind_names, text);
}

std::string_view to_string(DeliveryState state) { return name_of(k_state_names, state); }

std::optional<DeliveryState> parse_delivery_state(std::string_view text) {
    return value_of<DeliveryState>(k_state_names, text);
}

std::string priority_label(int priority) { return "P" + std::to_string(priority); }

namespace {

// The name a metric value that JSON has no number for is written as, or null when it is finite.
const char* non_finite_name(double value) {
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
    return nullptr;
}

}  // namespace

nlohmann::json metric_to_json(double value) {
    if (const char* name = non_finite_name(value)) return name;
    return value;
}

void write_metric(core::JsonObjectText& out, std::string_view name, double value) {
    if (const char* text = non_finite_name(value)) out.string(name, text);
    else out.number(name, value);
}

nlohmann::json to_json(const Entry& entry) {
    nlohmann::json metrics = nlohmann::json::object();
    for (const auto& [name, value] : entry.metrics) metrics[name] = metric_to_json(value);
    nlohmann::json memes = nlohmann::json::array();
    for (const auto& meme : entry.memes) memes.push_back(meme_to_json(meme));
    nlohmann::json rewritten = entry.rewritten_into ? nlohmann::json(*entry.rewritten_into)
                                                    : nlohmann::json(nullptr);
    return {{"id", entry.id},
            {"kind", to_string(entry.kind)},
            {"time", core::format_iso8601(entry.time)},
            {"repo", optional_json(entry.repo)},
            {"branch", optional_json(entry.branch)},
            {"commit", optional_json(entry.commit)},
            {"tag", optional_json(entry.tag)},
            {"display", optional_json(entry.display)},
            {"docker_tag", optional_json(entry.docker_tag)},
            {"run", optional_json(entry.run)},
            {"summary", optional_json(entry.summary)},
            {"metrics", metrics},
            {"memes", memes},
            {"details", entry.details},
            {"rewritten_into", rewritten}};
}

}  // namespace memeops::storage
