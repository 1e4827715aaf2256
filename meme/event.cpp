#include "meme/event.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/text.hpp"
#include "meme/detectors.hpp"
#include "meme/metrics_log.hpp"
#include "meme/pun_name.hpp"

namespace memeops::meme {
namespace {

// The JSON type of a value, in words, for error messages.
std::string type_name(const nlohmann::json& value) {
    if (value.is_number_integer()) return "an integer";
    if (value.is_number()) return "a number";
    if (value.is_string()) return "a string";
    if (value.is_boolean()) return "a boolean";
    if (value.is_array()) return "an array";
    if (value.is_object()) return "an object";
    return "null";
}

std::optional<std::string> optional_string(const nlohmann::json& doc, const char* field, size_t max_bytes) {
    auto it = doc.find(field);
    if (it == doc.end() || it->is_null()) return std::nullopt;
    if (!it->is_string()) throw InvalidEvent(field, "must be a string, not " + type_name(*it));
    const auto& text = it->get_ref<const std::string&>();
    if (text.size() > max_bytes)
        throw InvalidEvent(field, "longer than " + std::to_string(max_bytes) + " bytes");
    if (text.empty()) return std::nullopt;
    return text;
}

std::string required_string(const nlohmann::json& doc, const char* field, size_t max_bytes = k_max_field_bytes) {
    auto value = optional_string(doc, field, max_bytes);
    if (!value) throw InvalidEvent(field, "is required for kind \"" + doc.at("kind").get<std::string>() + "\"");
    return *value;
}

std::string one_of(const std::string& value, const char* field, const std::vector<std::string>& allowed) {
    if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return value;
    throw InvalidEvent(field, "is \"" + value + "\", expected one of " + core::join(allowed, ", "));
}

double metric_value(const std::string& name, const nlohmann::json& value) {
    if (auto parsed = parse_metric_json(value)) return *parsed;
    throw InvalidEvent("metrics." + name, "must be a number, \"nan\", \"inf\", \"-inf\" or null");
}

struct NonFiniteLiteral {
    std::string_view bare;    // as Python writes it
    std::string_view quoted;  // as the metric reader takes it
};

// "-Infinity" before "Infinity", so the sign is taken with it.
constexpr NonFiniteLiteral k_nonfinite_literals[] = {
    {"-Infinity", "\"-inf\""}, {"Infinity", "\"inf\""}, {"NaN", "\"nan\""}};

bool is_identifier_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// The length of the JSON string starting at text[pos] (a '"'), closing quote included; an
// escaped quote (\") does not end it. Runs to the end of an unterminated string.
size_t string_token_length(std::string_view text, size_t pos) {
    size_t i = pos + 1;
    while (i < text.size() && text[i] != '"') i += text[i] == '\\' ? 2 : 1;
    return std::min(i + 1, text.size()) - pos;
}

// The literal standing at `pos` as a whole token ("NaN", not the start of "NaNa"), if any.
const NonFiniteLiteral* literal_at(std::string_view text, size_t pos) {
    if (pos > 0 && is_identifier_char(text[pos - 1])) return nullptr;
    for (const auto& literal : k_nonfinite_literals) {
        if (text.substr(pos, literal.bare.size()) != literal.bare) continue;
        size_t end = pos + literal.bare.size();
        return end < text.size() && is_identifier_char(text[end]) ? nullptr : &literal;
    }
    return nullptr;
}

storage::Metrics parse_metrics(const nlohmann::json& doc, bool required) {
    auto it = doc.find("metrics");
    if (it == doc.end() || it->is_null()) {
        if (required) throw InvalidEvent("metrics", "is required for kind \"training.epoch\"");
        return {};
    }
    if (!it->is_object()) throw InvalidEvent("metrics", "must be an object of numbers, not " + type_name(*it));
    storage::Metrics metrics;
    for (const auto& [name, value] : it->items()) {
        if (name.empty() || name.size() > 100) throw InvalidEvent("metrics", "has a name that is empty or too long");
        metrics[canonical_metric_name(name)] = metric_value(name, value);
    }
    return metrics;
}

int parse_epoch(const nlohmann::json& doc) {
    auto it = doc.find("epoch");
    if (it == doc.end() || it->is_null()) throw InvalidEvent("epoch", "is required for kind \"training.epoch\"");
    if (!it->is_number_integer() || it->get<std::int64_t>() < 0 ||
        it->get<std::int64_t>() > std::numeric_limits<int>::max())
        throw InvalidEvent("epoch", "must be an integer >= 0");
    return it->get<int>();
}

core::TimeMs parse_time(const nlohmann::json& doc, core::TimeMs received) {
    auto text = optional_string(doc, "time", 64);
    if (!text) return received;
    auto time = core::parse_iso8601(*text);
    if (!time) throw InvalidEvent("time", "is not an ISO-8601 time like 2026-11-29T10:00:00Z");
    return *time;
}

void parse_training(const nlohmann::json& doc, Event& e) {
    e.run = required_string(doc, "run");
    if (e.kind == "training.epoch") {
        e.epoch = parse_epoch(doc);
        e.metrics = parse_metrics(doc, true);
    } else if (e.kind == "training.end") {
        e.status = one_of(required_string(doc, "status"), "status", {"success", "failure", "cancelled"});
        e.metrics = parse_metrics(doc, false);
    }
}

void parse_ci(const nlohmann::json& doc, Event& e) {
    e.provider = one_of(optional_string(doc, "provider", 32).value_or("other"), "provider", {"github", "gitlab", "other"});
    e.name = required_string(doc, "name");
    e.status = required_string(doc, "status", 64);
    auto it = doc.find("duration_s");
    if (it != doc.end() && !it->is_null()) {
        if (!it->is_number() || it->get<double>() < 0 || !std::isfinite(it->get<double>()))
            throw InvalidEvent("duration_s", "must be a number of seconds >= 0");
        e.duration_s = it->get<double>();
    }
}

bool optional_bool(const nlohmann::json& doc, const char* field) {
    auto it = doc.find(field);
    if (it == doc.end() || it->is_null()) return false;
    if (!it->is_boolean()) throw InvalidEvent(field, "must be true or false, not " + type_name(*it));
    return it->get<bool>();
}

// A commit sha as git prints it: 4 to 64 hex digits.
std::optional<std::string> sha_field(const nlohmann::json& doc, const char* field, bool required) {
    auto sha = required ? std::optional<std::string>(required_string(doc, field, 64)) : optional_string(doc, field, 64);
    if (sha && (sha->size() < 4 || sha->find_first_not_of("0123456789abcdefABCDEF") != std::string::npos))
        throw InvalidEvent(field, "must be a commit sha: 4 to 64 hex digits");
    return sha;
}

void parse_commit(const nlohmann::json& doc, Event& e) {
    e.commit = sha_field(doc, "commit", true);
    e.announced = optional_bool(doc, "announced");
    e.version = optional_bool(doc, "version");
    e.tag = optional_string(doc, "tag", 100);
    if (e.tag && !is_valid_tag(*e.tag)) throw InvalidEvent("tag", "is not a valid version tag (contract §6)");
    e.repo_path = optional_string(doc, "repo_path", 4096);
    e.rewrites = sha_field(doc, "rewrites", false);
    e.metrics = parse_metrics(doc, false);
}

void parse_confusion(const nlohmann::json& doc, Event& e) {
    e.run = required_string(doc, "run");
    auto labels = doc.find("labels");
    auto matrix = doc.find("matrix");
    constexpr size_t k_max_labels = 100;
    if (labels == doc.end() || !labels->is_array() || labels->empty() || labels->size() > k_max_labels)
        throw InvalidEvent("labels", "must be an array of 1 to 100 label strings");
    if (matrix == doc.end() || !matrix->is_array()) throw InvalidEvent("matrix", "must be an array of rows of counts");
    try {
        auto names = labels->get<std::vector<std::string>>();
        auto counts = matrix->get<std::vector<std::vector<long>>>();
        e.confusion = confusion_from_counts(names, counts);
    } catch (const nlohmann::json::exception&) {
        throw InvalidEvent("matrix", "must be rows of integer counts, one per label");
    } catch (const std::runtime_error& error) {
        throw InvalidEvent("matrix", error.what());
    }
}

}  // namespace

std::string quote_nonfinite_literals(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 16);
    for (size_t pos = 0; pos < text.size();) {
        if (text[pos] == '"') {
            size_t length = string_token_length(text, pos);
            out.append(text.substr(pos, length));
            pos += length;
        } else if (const NonFiniteLiteral* literal = literal_at(text, pos)) {
            out.append(literal->quoted);
            pos += literal->bare.size();
        } else {
            out += text[pos++];
        }
    }
    return out;
}

core::ParsedJson parse_event_document(std::string_view text) {
    // Most documents have no such word anywhere: they are parsed as they are, without a copy.
    bool may_have_literal = text.find("NaN") != text.npos || text.find("Infinity") != text.npos;
    if (!may_have_literal) return core::parse_json(text);
    return core::parse_json(quote_nonfinite_literals(text));
}

const std::vector<std::string>& event_kinds() {
    static const std::vector<std::string> kinds{"training.epoch", "training.end", "training.crash",
                                                "ci.pipeline",    "commit",       "message",
                                                "confusion.matrix"};
    return kinds;
}

Event parse_event(nlohmann::json doc, core::TimeMs received) {
    if (!doc.is_object()) throw InvalidEvent("event", "must be a JSON object, not " + type_name(doc));
    Event e;
    auto kind = doc.find("kind");
    if (kind == doc.end() || kind->is_null()) throw InvalidEvent("kind", "is required");
    if (!kind->is_string()) throw InvalidEvent("kind", "must be a string, not " + type_name(*kind));
    e.kind = one_of(kind->get<std::string>(), "kind", event_kinds());
    e.id = optional_string(doc, "id", 200);
    e.repo = optional_string(doc, "repo", k_max_field_bytes);
    e.branch = optional_string(doc, "branch", k_max_field_bytes);
    e.commit = sha_field(doc, "commit", false);
    e.run = optional_string(doc, "run", k_max_field_bytes);
    e.text = optional_string(doc, "text", k_max_text_bytes);
    e.url = optional_string(doc, "url", 2048);
    e.time = parse_time(doc, received);
    if (e.kind.starts_with("training.")) parse_training(doc, e);
    else if (e.kind == "ci.pipeline") parse_ci(doc, e);
    else if (e.kind == "commit") parse_commit(doc, e);
    else if (e.kind == "message") e.text = required_string(doc, "text", k_max_text_bytes);
    else if (e.kind == "confusion.matrix") parse_confusion(doc, e);
    e.raw = std::move(doc);
    return e;
}

std::vector<Event> parse_events(nlohmann::json doc, core::TimeMs received) {
    std::vector<Event> events;
    if (!doc.is_array()) {
        events.push_back(parse_event(std::move(doc), received));  // moved: a braced list would copy it
        return events;
    }
    if (doc.empty()) throw InvalidEvent("events", "the array is empty");
    if (doc.size() > k_max_batch)
        throw InvalidEvent("events", "more than " + std::to_string(k_max_batch) + " events in one request");
    events.reserve(doc.size());
    for (size_t i = 0; i < doc.size(); ++i) {
        try {
            events.push_back(parse_event(std::move(doc[i]), received));
        } catch (const InvalidEvent& e) {
            throw InvalidEvent("[" + std::to_string(i) + "]." + e.field(), std::string(e.what()).substr(e.field().size() + 2));
        }
    }
    return events;
}

storage::EntryKind entry_kind(const Event& event) {
    // A confusion matrix evaluates a run's model: of the archive's kinds it is training.
    if (event.kind.starts_with("training.") || event.kind == "confusion.matrix") return storage::EntryKind::training;
    if (event.kind == "ci.pipeline") return storage::EntryKind::ci;
    if (event.kind == "commit") return storage::EntryKind::commit;
    return storage::EntryKind::message;
}

}  // namespace memeops::meme
