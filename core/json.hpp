// The one way JSON from outside enters MemeOps: the bot's API and webhooks, memeify's stdin,
// --config files, replay's JSON lines, confusion's predictions, chat platforms' and the bot's
// answers, template overrides, and the archive's own JSON columns.
//
// nlohmann::json copies, compares and dumps documents recursively, so a document nested tens of
// thousands of levels deep (120 KB of "[") overflows the stack wherever it is later used. The
// reader refuses anything nested deeper than k_max_json_depth while parsing, before a value that
// deep exists, and names where a document went wrong: the field, and the line and column.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace memeops::core {

// How deep arrays and objects may nest: `[[1]]` is 2 levels, an event with "metrics" is 2, and
// the array of a batch of events counts too.
inline constexpr size_t k_max_json_depth = 64;

// The archive keeps what came in inside documents of its own (an entry's details hold the event
// under "event"): its JSON columns are read with this much room.
inline constexpr size_t k_max_stored_json_depth = k_max_json_depth + 4;

// Why a text is not a document MemeOps accepts.
struct JsonError {
    // Where it went wrong, named as event errors name fields: "metrics.loss", "[3].kind",
    // "extra[0][0]…" (cut after a few parts); empty at the top level.
    std::string field;
    // "nested deeper than 64 levels of arrays and objects (the limit)", "number 1e400 is out of
    // range (line 1, column 40)", "not valid JSON (line 1, column 6)".
    std::string problem;
    size_t line = 0;    // 1-based line of the error, 0 when not known
    size_t column = 0;  // 1-based column (in bytes) on that line, 0 when not known

    // "field: problem", or the problem alone when there is no field.
    std::string message() const;
};

// A parsed document, or why there is none.
struct ParsedJson {
    nlohmann::json value = nlohmann::json(nlohmann::json::value_t::discarded);  // discarded on error
    std::optional<JsonError> error;

    bool ok() const { return !error; }
};

// Parses `text` as one strict JSON document (surrounding white space allowed, nothing else),
// nested at most `max_depth` levels. Never throws for any input; uses constant stack space
// whatever the input's depth. Thread-safe.
ParsedJson parse_json(std::string_view text, size_t max_depth = k_max_json_depth);

// Where the value at `at` begins in `text`, a document parse_json accepted: 1-based line and
// column (in bytes), for errors about a value that parsed but is wrong ("line 3: url must be a
// string"). When an object repeats a key, the last one, which the parsed document keeps.
// nullopt when `at` names nothing in `text`.
struct JsonPosition {
    size_t line = 0;
    size_t column = 0;
};
std::optional<JsonPosition> json_value_position(std::string_view text, const nlohmann::json::json_pointer& at);

}  // namespace memeops::core
