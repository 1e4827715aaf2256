// Team mode (contract §2): with a bot URL set (MEMEOPS_BOT_URL or git config memeops.botUrl),
// hooks, `tag` and `emit` hand their events to the team's bot, with the token, and the bot
// routes them by its own destinations. While the bot cannot be reached the events wait in the
// local archive's spool (storage/spool_store.hpp), which the next hook, `flush` or `emit`
// forwards. Every event carries an idempotency key, so a batch the bot took just before a
// failure is not taken twice.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "meme/event.hpp"
#include "pipeline/pipeline.hpp"
#include "storage/archive.hpp"

namespace memeops::pipeline {

struct BotLink {
    std::string events_url;     // <bot URL>/v1/events
    std::string authorization;  // "Bearer <token>", or empty
    int connect_timeout_s = 2;  // short: a hook's background never waits long
    int timeout_s = 5;
};

// The link to the bot at `bot_url` with `token`. Throws core::Fatal when `bot_url` is not an
// http(s) URL.
BotLink bot_link(const std::string& bot_url, const std::optional<std::string>& token);

// The bot's answer to one request: status 0 is a network error, with the reason in `error`.
struct BotReply {
    int status = 0;
    nlohmann::json body;  // the JSON the bot answered, or null
    std::string error;
};

// POSTs an event or an array of events.
BotReply post_events(const BotLink& link, const nlohmann::json& events);

// `event` with an idempotency key: its own "id", else a new random one.
nlohmann::json with_id(nlohmann::json event);

// Adds events (each given an id) to the spool. Joins the caller's transaction when there is one.
void spool_events(storage::Archive& archive, const std::vector<nlohmann::json>& events);

struct ForwardSummary {
    int forwarded = 0;         // events the bot took
    int refused = 0;           // events the bot refused for good this time
    std::int64_t waiting = 0;  // events still waiting in the spool (refused ones not counted)
    std::string error;         // why the last attempt failed, if it did
};

// Sends what waits in the spool, oldest first, up to 1000 events a request, until it is empty
// or the bot fails (then the rest waits for the next try). A batch the bot refuses for good
// (400, 413, 415, 422) is sent again one event at a time, so one bad event never holds back the
// others: an event refused alone is marked refused in the spool with the bot's reason (shown by
// `status`) and never sent again. Any other answer (401, 403, 429, 5xx, no answer) leaves the
// events waiting, with the reason.
ForwardSummary forward_spool(storage::Archive& archive, const BotLink& link);

struct Handoff {
    std::vector<HandledEvent> local;  // the local copies, as the pipeline archived them
    ForwardSummary forwarded;
};

// Team mode's hand-off: `local` (this machine's copies, which route nowhere: the bot makes the
// memes) through the pipeline and `outgoing` into the spool, both or neither in one
// transaction; then the spool is forwarded (forward_spool). Throws what Pipeline::handle
// throws, before anything is spooled.
Handoff hand_to_bot(storage::Archive& archive, std::span<const meme::Event> local,
                    const std::vector<nlohmann::json>& outgoing, const BotLink& link, const std::string& key_source);

}  // namespace memeops::pipeline
