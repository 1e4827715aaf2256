// Team mode's spool: events a hook, `tag` or `emit` meant for the team's bot while it could not
// be reached. They wait here, in the local archive, until the next hook, `flush` or `emit`
// forwards them (pipeline/handoff.hpp); nothing is lost and `status` shows what waits.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/archive.hpp"

namespace memeops::storage {

struct SpooledEvent {
    std::int64_t id = 0;
    std::string body;  // the event as JSON, with its idempotency key
    int attempts = 0;
};

struct SpoolSummary {
    std::int64_t waiting = 0;                 // events still to be sent
    std::optional<std::string> last_error;    // why the newest failed attempt for a waiting one failed
    std::int64_t refused = 0;                 // events the bot refused for good, kept but never sent
    std::optional<std::string> last_refusal;  // the bot's reason for the newest of them
};

class SpoolStore {
public:
    explicit SpoolStore(Archive& archive) : m_db(archive.database()) {}

    // Adds an event. Joins the caller's transaction when there is one.
    void add(const std::string& body, core::TimeMs now);
    // The oldest `limit` waiting events (never a refused one).
    std::vector<SpooledEvent> oldest(int limit);
    // The bot took them: they leave the spool.
    void remove(const std::vector<std::int64_t>& ids);
    // An attempt failed: they stay, with the reason.
    void record_failure(const std::vector<std::int64_t>& ids, const std::string& error);
    // The bot refused the event for good, with `reason`: it stays, to be seen, and is never
    // returned by oldest() again.
    void refuse(std::int64_t id, const std::string& reason);
    SpoolSummary summary();

private:
    Database& m_db;
};

}  // namespace memeops::storage
