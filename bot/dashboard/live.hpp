// What the archive gained while a dashboard page is open: a short in-memory log of committed
// events (new memes, epochs, CI results, versions), numbered in order. Pages listen to it as
// Server-Sent Events (GET /v1/dash/stream), or poll it with the last number they saw
// (GET /v1/dash/updates?after=N), and then reload what changed.
//
// The log lives in the serving process: a restart starts a new one under another `boot` id, and
// a page that sees the id change reloads everything. Thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "bot/http/body_stream.hpp"

namespace memeops::bot::dashboard {

struct Change {
    std::string kind;                // the event's kind: "training.epoch", "ci.pipeline", …
    std::optional<std::string> run;  // training events: the run, so a run page knows it is its own
    std::int64_t entry_id = 0;
    int memes = 0;                   // memes the event made
};

class ChangeFeed {
public:
    ChangeFeed();

    // Appends `changes` with the next numbers (the oldest are dropped past k_kept), and sends
    // every listener one message with them all.
    void record(std::vector<Change> changes);

    // Sends `stream` the changes after `after` at once (always one message, so a listener learns
    // the boot and the latest number), then one message per recorded batch, until its client
    // goes. Each message is a Server-Sent Event whose data is since()'s JSON on one line:
    //   id: <boot>-<seq>\nevent: changes\ndata: {"boot",…}\n\n
    // False, and nothing sent, when k_max_listeners already listen.
    bool listen(const std::shared_ptr<http::BodyStream>& stream, std::uint64_t after);

    // The number to start after for a listener that reconnects with this Last-Event-ID: its
    // number when it names this boot, else 0 (a new boot: the page reloads everything).
    std::uint64_t resume_point(const std::string& last_event_id) const;

    // {"boot","seq":latest,"reset":bool,"changes":[{"seq","kind","run","entry","memes"}]}: the
    // changes numbered after `after`. reset is true when some were already dropped (or `after`
    // is from another boot's numbering), so the page reloads everything.
    nlohmann::json since(std::uint64_t after) const;

    // Changes kept for pages that come back (older ones: the page reloads everything).
    static constexpr size_t k_kept = 512;
    // Pages listening at once; listen() turns more away.
    static constexpr size_t k_max_listeners = 64;
    // A message's JSON at most: a longer one (512 changes with long run names) is sent as a
    // reset, so it always fits in what a stream holds unsent (http::BodyStream::k_max_unsent).
    static constexpr size_t k_max_event_bytes = 64 * 1024;

private:
    nlohmann::json since_locked(std::uint64_t after) const;
    std::string event_locked(std::uint64_t after) const;

    struct Numbered {
        std::uint64_t seq;
        Change change;
    };
    const std::string m_boot;
    mutable std::mutex m_mutex;
    std::deque<Numbered> m_changes;  // GUARDED_BY(m_mutex)
    std::uint64_t m_seq = 0;         // GUARDED_BY(m_mutex)
    std::vector<std::shared_ptr<http::BodyStream>> m_listeners;  // GUARDED_BY(m_mutex)
};

}  // namespace memeops::bot::dashboard
