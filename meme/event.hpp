// Events of contract §3 as the bot, `emit` and `memeify` receive them: parsed from JSON and
// validated, with errors that name the bad field.
//
// Common fields: kind (required), id, repo, branch, commit, run, time, text, url. Unknown fields
// are kept in `raw` (the archive stores them) and otherwise ignored.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.hpp"
#include "core/time.hpp"
#include "meme/confusion.hpp"
#include "storage/entry.hpp"

namespace memeops::meme {

// An event failed validation. field() names the field ("epoch", "metrics.loss", "[3].kind").
class InvalidEvent : public std::runtime_error {
public:
    InvalidEvent(std::string field, const std::string& problem)
        : std::runtime_error(field + ": " + problem), m_field(std::move(field)) {}
    const std::string& field() const { return m_field; }

private:
    std::string m_field;
};

// "training.epoch", "training.end", "training.crash", "ci.pipeline", "commit", "message",
// "confusion.matrix".
const std::vector<std::string>& event_kinds();

struct Event {
    std::string kind;
    std::optional<std::string> id;  // idempotency key
    std::optional<std::string> repo, branch, commit, run, text, url;
    core::TimeMs time = 0;  // "time" of the event, else when it was received
    // training.*
    std::optional<int> epoch;
    storage::Metrics metrics;  // canonical names (acc → accuracy); NaN and infinities kept
    std::optional<std::string> status;  // training.end: success, failure, cancelled; ci.pipeline: as sent
    // ci.pipeline
    std::optional<std::string> provider;  // github, gitlab, other
    std::optional<std::string> name;      // the pipeline or workflow
    std::optional<double> duration_s;
    // Set by the webhooks, not read from JSON: the run's outcome whoever delivered it (provider,
    // run id, attempt, status; bot::WebhookEvent). A second event with the same one is a duplicate.
    std::optional<std::string> occurrence;
    // commit (made by the hooks and `tag`; git details such as author, parents, files,
    // insertions and deletions stay in `raw`)
    bool version = false;                   // make the commit a model version
    std::optional<std::string> tag;         // the version tag the git side created, if any
    std::optional<std::string> repo_path;   // the main worktree's path (joins a path identity)
    std::optional<std::string> rewrites;    // the commit this one replaced (amend, rebase)
    bool announced = false;                 // a hook already showed its version line to the person
    // confusion.matrix: "labels" and "matrix" (rows: true label, columns: predicted)
    std::optional<ConfusionMatrix> confusion;
    nlohmann::json raw = nlohmann::json::object();  // the event as received
};

// Limits that keep one event reasonable.
inline constexpr size_t k_max_text_bytes = 64 * 1024;
inline constexpr size_t k_max_field_bytes = 1024;
inline constexpr size_t k_max_batch = 1000;

// Python's json.dumps writes NaN and the infinities as the bare literals NaN, Infinity and
// -Infinity, which JSON lacks. Returns `text` with each of them that stands outside a string as a
// whole token replaced by the string the metric reader takes ("nan", "inf", "-inf"); everything
// else, those words inside strings included, is kept byte for byte. Pure.
std::string quote_nonfinite_literals(std::string_view text);

// Reads an event document (one event or an array) as people send it: JSON plus the bare literals
// above, read by core::parse_json (so nested at most core::k_max_json_depth levels). The one parse
// every entry point of events uses (the bot's API, memeify, replay's JSON lines). On error the
// result names the field, and the line and column (counted after the literals are quoted).
core::ParsedJson parse_event_document(std::string_view text);

// Parses and validates one event object; `received` is used when it has no "time". The event
// keeps `doc` as its raw document (pass it moved when it is not needed after).
// Throws InvalidEvent naming the field.
Event parse_event(nlohmann::json doc, core::TimeMs received);

// One event or an array of up to k_max_batch; fields of array items are named "[i].field".
// Like parse_event, the events keep their parts of `doc`.
std::vector<Event> parse_events(nlohmann::json doc, core::TimeMs received);

// The entry kind an event is archived as: training.* and confusion.matrix → training,
// ci.pipeline → ci, …
storage::EntryKind entry_kind(const Event& event);

}  // namespace memeops::meme
