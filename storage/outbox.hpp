// The outbox: pending deliveries (one row per meme and destination) and each destination's
// health and pacing, as the delivery workers of `serve` and `flush` use them. A destination is
// named here by its key (core::Destination::key: "slack:<fingerprint of the URL>", "console"):
// a row is only ever sent to the URL it was routed to.
//
// Several workers and processes may deliver from one archive at once. Each worker has an owner
// token (random, core::random_token). claim() is the one step that both honours the
// destination (disabled, paced) and leases the rows, in one IMMEDIATE transaction, so no two
// workers send the same meme and no two sends to a serial destination (Slack) overlap:
//  - The lease: the rows' next attempt moves to now + lease_ms and lease_owner to the token.
//    Once it ends, another worker may claim them (the owner died, or stalled past it).
//  - retry, failed and release check the token: a worker whose lease was taken over records
//    nothing over the new owner's claim (0 rows change).
//  - delivered is a fact, not a claim: it is recorded while the row is pending, whoever owns
//    it, so a new owner that has not sent yet finds nothing to send, and one that has finds
//    nothing to record. Duplicates therefore need a send that outlives its lease: a process
//    that died or froze after sending and before recording (the crash window). The Deliverer
//    bounds every send well inside the lease so a slow endpoint alone cannot cause one.
//  - A serial destination (Slack) is reserved for the whole send: claim() sets next_send to
//    the end of the lease with the token as `sender`; finish_send() by that sender replaces it
//    with the real next slot (its reply + the interval), so requests reach the platform at
//    least an interval apart whichever processes send them.
// A delivered row is never sent again.
//
// Thread safety: as the Archive it is built on (one thread at a time).
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
    MemeSubject subject;
};

// A destination's row: health and when it may be sent to next.
struct DestinationHealth {
    bool disabled = false;
    std::optional<std::string> last_error;
    core::TimeMs next_send = 0;  // pacing, Retry-After, a send in flight: nothing is sent before
};

struct DeliveryCounts {
    std::int64_t pending = 0, delivered = 0, failed = 0;
};

// What claim() is asked for.
struct ClaimRequest {
    std::string destination;  // the key
    std::string type;         // "slack", "discord", "console"
    std::string owner;        // the worker's lease token
    core::TimeMs now = 0;
    int limit = 200;           // rows at most
    core::TimeMs lease_ms = 20'000;
    bool serial = false;       // reserve the destination until the send is finished (Slack)
};

// What claim() found.
struct Claim {
    enum class Status { claimed, nothing_due, paced, disabled };
    Status status = Status::nothing_due;
    core::TimeMs next_send = 0;     // paced: when the destination may be sent to
    std::vector<OutboxItem> items;  // claimed: most urgent first, then oldest
};

class Outbox {
public:
    explicit Outbox(Archive& archive) : m_archive(archive) {}

    // Destinations (keys) with pending rows: the earliest next attempt of each.
    std::map<std::string, core::TimeMs> backlog();

    // In one IMMEDIATE transaction: checks the destination is enabled and due (next_send ≤
    // now), leases up to `limit` of its pending rows due by `now`, and for a serial destination
    // reserves it until the lease ends. Nothing is reserved when nothing is due.
    Claim claim(const ClaimRequest& request);

    // Each returns how many rows it changed. See the header comment for who may record what.
    int mark_delivered(const std::string& destination, std::span<const std::int64_t> memes, core::TimeMs now,
                       const std::string& owner);
    // Counts an attempt and schedules the next one at `next_attempt`.
    int mark_retry(const std::string& destination, std::span<const std::int64_t> memes, core::TimeMs next_attempt,
                   const std::string& error, const std::string& owner);
    // Gives up on these rows for good, with the reason.
    int mark_failed(const std::string& destination, std::span<const std::int64_t> memes, const std::string& error,
                    const std::string& owner);
    // Ends the lease of rows that were not attempted, due again at `next_attempt`.
    int release(const std::string& destination, std::span<const std::int64_t> memes, core::TimeMs next_attempt,
                const std::string& owner);

    DestinationHealth health(const std::string& destination);
    // After a send: the destination's next slot is `next_send`. The sender that reserved it
    // sets it outright (ending its reservation); anyone else only moves it later.
    void finish_send(const std::string& destination, const std::string& type, const std::string& owner,
                     core::TimeMs next_send);
    // Disables the destination (its rows stay pending) with the reason.
    void disable(const std::string& destination, const std::string& type, const std::string& reason, core::TimeMs now);

    std::map<std::string, DeliveryCounts> counts();
    // Pending rows by destination (reads only the outbox index: cheap on a large archive).
    std::map<std::string, std::int64_t> backlog_counts();
    // Pending rows that were tried and failed at least once (they wait for their next attempt),
    // by destination; a subset of backlog_counts().
    std::map<std::string, std::int64_t> retrying_counts();
    // Every destination with a health row: disabled ones, paced ones.
    std::map<std::string, DestinationHealth> all_health();
    // The most recent delivery error of any destination, if any.
    std::optional<std::string> last_error();

private:
    // `sql` selects (destination, count) rows.
    std::map<std::string, std::int64_t> counts_by_destination(const char* sql);
    int update_rows(const std::string& sql, const std::string& destination, std::span<const std::int64_t> memes,
                    const std::function<void(Statement&)>& bind_rest);
    std::vector<OutboxItem> due_rows(const ClaimRequest& request);

    Archive& m_archive;
};

// Queues every meme of the archive for the destination `key` (core::Destination::key), each once:
// a meme already queued there keeps its row. Returns how many were queued. For `demo --slack`
// and `--discord`, which show a real channel what the demo made.
int queue_every_meme(Archive& archive, const std::string& key);

}  // namespace memeops::storage
