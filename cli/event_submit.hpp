// How `emit`, `memeify --post` and `confusion --post` hand over their events (contract §2):
// with a bot URL set, to the team's bot with the token (spooled in the local archive while it
// cannot be reached, and forwarded by the next hook, flush or emit); without one, through this
// machine's pipeline, after which what they queued is delivered at once.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "delivery/drain.hpp"
#include "cli/command.hpp"
#include "core/error.hpp"
#include "pipeline/handoff.hpp"
#include "pipeline/pipeline.hpp"

namespace memeops::cli {

struct Submission {
    std::vector<pipeline::HandledEvent> outcomes;  // handled here (no bot)
    std::optional<nlohmann::json> bot_answer;  // team mode: what the bot answered (202)
    bool spooled = false;                      // team mode: the bot could not be reached
    std::int64_t spool_waiting = 0;
    std::string spool_reason;
    std::map<std::string, delivery::DrainSummary> deliveries;  // handled here: per destination
};

// The bot refused the events with a 4xx: sending them again would never help.
class EventsRefused : public core::Fatal {
public:
    using core::Fatal::Fatal;
};

// Hands `documents` (event objects; validated already) over. Console memes are written to
// `console`. Throws EventsRefused when the bot refuses them, core::Fatal (or a storage error)
// when the archive cannot take them.
Submission submit_events(Context& context, const std::vector<nlohmann::json>& documents, std::ostream& console);

}  // namespace memeops::cli
