// The outbox: pending deliveries (one row per meme and destination) and each destination's
// health and pacing, as the delivery workers of `serve` and `flush` use them.
//
// Several workers and processes may deliver from one archive at once. claim() leases the rows it
// returns (their next attempt moves past the lease), so no two workers send the same meme; a
// worker that dies mid-send leaves them to be retried once the lease ends: at least once, never
// lost. A delivered row is never sent again.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "storage/archive.hpp"

namespace memeops::storage {

struct OutboxItem {
    std::int64_t meme_id = 0;
    std::int64_t entry_id = 0;
    std::string reaction;
    int priority = 3;
    std::string caption;
    std::string caption_en;
    int attempts = 0;  // before this one
};

// A destination's row: health and when it may be sent to next.
struct DestinationHealth {
    bool disabled = false;
    std::optional<std::string> last_error;
    core::TimeMs next_send = 0;  // pacing and Retry-After: nothing is sent before this
    std::optional<std::string> url_fingerprint;
};

struct DeliveryCounts {
    std::int64_t pending = 0, delivered = 0, failed = 0;
};

class Outbox {
public:
    explicit Outbox(Archive& archive) : m_archive(archive) {}

    // Destinations with pending rows: the earliest next attempt of each.
    std::map<std::string, core::TimeMs> backlog();

    // Leases up to `limit` pending rows of `destination` due by `now`, most urgent first, then
    // oldest: their next attempt becomes now + lease_ms.
    std::vector<OutboxItem> claim(const std::string& destination, core::TimeMs now, int limit, core::TimeMs lease_ms);

    void mark_delivered(const std::string& destination, std::span<const std::int64_t> memes, core::TimeMs now);
    // Counts an attempt and schedules the next one at `next_attempt`.
    void mark_retry(const std::string& destination, std::span<const std::int64_t> memes, core::TimeMs next_attempt,
                    const std::string& error);
    // Gives up on these rows for good, with the reason.
    void mark_failed(const std::string& destination, std::span<const std::int64_t> memes, const std::string& error);
    // Ends the lease of rows that were not attempted (the destination turned out disabled or paced).
    void release(const std::string& destination, std::span<const std::int64_t> memes, core::TimeMs next_attempt);

    DestinationHealth health(const std::string& destination);
    void set_next_send(const std::string& destination, const std::string& type, core::TimeMs next_send);
    // Disables the destination (its rows stay pending), remembering the URL it failed with.
    void disable(const std::string& destination, const std::string& type, const std::string& reason,
                 const std::string& url_fingerprint, core::TimeMs now);
    void enable(const std::string& destination, const std::string& type, core::TimeMs now);

    std::map<std::string, DeliveryCounts> counts();
    // Pending rows by destination (reads only the outbox index: cheap on a large archive).
    std::map<std::string, std::int64_t> backlog_counts();
    // The most recent delivery error of any destination, if any.
    std::optional<std::string> last_error();

private:
    void update_rows(const std::string& sql, const std::string& destination, std::span<const std::int64_t> memes,
                     const std::function<void(Statement&)>& bind_rest);

    Archive& m_archive;
};

}  // namespace memeops::storage
