// Events read from standard input, as `memeify` and `card -` take them, and the archive a
// preview of them works against.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "cli/command.hpp"
#include "meme/event.hpp"
#include "storage/archive.hpp"

namespace memeops::cli {

struct StdinEvents {
    nlohmann::json document;  // as read: one event object or an array
    std::vector<meme::Event> events;
};

// Reads and validates the event document on `io.in` (meme::parse_event_document). Throws
// core::Fatal naming the bad field, line or column.
StdinEvents read_stdin_events(Io& io);

// The archive a preview works against (and rolls back): the real one, so CI status and run
// history count, or an empty one in memory when there is none (a preview never creates files).
std::unique_ptr<storage::Archive> preview_archive(Context& context);

}  // namespace memeops::cli
