// What the archive gained while a dashboard page is open: a short in-memory log of committed
// events (new memes, epochs, CI results, versions), numbered in order, which pages poll with the
// last number they saw (GET /v1/dash/updates?after=N) and then reload what changed.
//
// The log lives in the serving process: a restart starts a new one under another `boot` id, and
// a page that sees the id change reloads everything. Thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

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

    // Appends `change` with the next number; the oldest are dropped past k_kept.
    void record(Change change);

    // {"boot","seq":latest,"reset":bool,"changes":[{"seq","kind","run","entry","memes"}]}: the
    // changes numbered after `after`. reset is true when some were already dropped (or `after`
    // is from another boot's numbering), so the page reloads everything.
    nlohmann::json since(std::uint64_t after) const;

    static constexpr size_t k_kept = 512;

private:
    struct Numbered {
        std::uint64_t seq;
        Change change;
    };
    const std::string m_boot;
    mutable std::mutex m_mutex;
    std::deque<Numbered> m_changes;  // GUARDED_BY(m_mutex)
    std::uint64_t m_seq = 0;         // GUARDED_BY(m_mutex)
};

}  // namespace memeops::bot::dashboard
