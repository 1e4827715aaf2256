// What the archive holds, as plain values: an entry (a commit, a model version, a training run, a
// CI result or a message) with its metrics and memes, each meme with its per-destination delivery
// state. to_json gives the shape of contract §7, shared by the CLI's --json and the bot's API.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_text.hpp"
#include "core/time.hpp"

namespace memeops::storage {

enum class EntryKind { version, commit, training, ci, message };

std::string_view to_string(EntryKind kind);
// Parses "version", "commit", "training", "ci", "message"; nullopt for anything else.
std::optional<EntryKind> parse_entry_kind(std::string_view text);

enum class DeliveryState { pending, delivered, failed };

std::string_view to_string(DeliveryState state);
std::optional<DeliveryState> parse_delivery_state(std::string_view text);

// Metric values by name. NaN and infinities are kept: a NaN loss is news, not a parse error.
using Metrics = std::map<std::string, double>;

// One destination's view of one meme.
struct Delivery {
    std::string destination;
    DeliveryState state = DeliveryState::pending;
    int attempts = 0;
    std::optional<std::string> last_error;
};

// A reaction as posted: priority 0 (P0, most urgent) to 3.
struct Meme {
    std::int64_t id = 0;
    std::string reaction;
    int priority = 3;
    std::string caption;     // the chat text, Chinese slang and emoji welcome
    std::string caption_en;  // the same in English
    core::TimeMs created = 0;
    std::vector<Delivery> deliveries;
    // The epoch of the training.epoch event that made it; nullopt for other events' memes and
    // for memes archived before schema version 9, which did not record it.
    std::optional<std::int64_t> epoch;
};

// What a meme is about, as a chat message shows it: its entry's fields and, for CI, the
// pipeline's name and link as the event gave them.
struct MemeSubject {
    EntryKind kind = EntryKind::message;
    core::TimeMs time = 0;
    std::optional<std::string> repo, branch, commit, run, tag, pipeline, url;
};

// The names a model version goes by (contract §6) and the run it came from.
struct VersionNames {
    std::string tag;
    std::string display;
    std::string docker_tag;
    std::optional<std::string> run;
};

struct Entry {
    std::int64_t id = 0;  // assigned by the archive
    EntryKind kind = EntryKind::message;
    core::TimeMs time = 0;
    std::optional<std::string> repo;
    std::optional<std::string> branch;
    std::optional<std::string> commit;
    std::optional<std::string> tag;
    std::optional<std::string> display;
    std::optional<std::string> docker_tag;
    std::optional<std::string> run;
    std::optional<std::string> summary;  // one line for tables and chat
    std::string body;                    // full searchable text: commit message, event text
    Metrics metrics;
    nlohmann::json details = nlohmann::json::object();  // kind-specific data and unknown fields
    std::optional<std::int64_t> rewritten_into;         // a commit replaced by amend or rebase
    std::vector<Meme> memes;
};

// JSON for a metric value: a number, or "nan", "inf", "-inf".
nlohmann::json metric_to_json(double value);
// The same as a member of JSON text being written: `name` and the value as metric_to_json has it.
void write_metric(core::JsonObjectText& out, std::string_view name, double value);

// Contract §7: {"id","kind","time","repo","branch","commit","tag","display","docker_tag","run",
// "summary","metrics","memes":[{"reaction","priority","caption","caption_en","deliveries":[…]}]}
// plus "details" and "rewritten_into"; fields that do not apply are null.
nlohmann::json to_json(const Entry& entry);

// "P0" … "P3".
std::string priority_label(int priority);

}  // namespace memeops::storage
