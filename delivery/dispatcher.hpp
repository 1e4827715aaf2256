// The delivery workers of `serve`: they take what waits in the outbox and send it, one message
// at a time per destination (pacing demands it), each worker with its own archive connection.
//
// The pool grows with the number of destinations that have a backlog times MEME_SCALE_FACTOR,
// bounded by k_max_workers (2 cores: sending is mostly waiting). Outbox rows from before a
// restart are found at start-up and on a periodic refresh; new rows are announced by wake().
// Destinations are told apart by key (two names for one URL are one destination); only rows
// routed to a configured key are ever sent: the others wait, visibly, for their destination.
// stop() lets in-flight sends finish and leaves everything else queued in the archive.
#pragma once

#include <condition_variable>
#include <map>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "delivery/deliverer.hpp"

namespace memeops::delivery {

// What the workers report as they go (the bot's /metrics counts it). Called from the worker
// threads: implementations must be thread-safe.
class DispatchObserver {
public:
    virtual ~DispatchObserver() = default;
    // `destination` is the configured name; `outcome` a Verdict's to_string.
    virtual void count_delivery(const std::string& destination, const std::string& outcome, long memes) = 0;
    virtual void set_workers(int total, int busy) = 0;
};

class Dispatcher {
public:
    static constexpr int k_max_workers = 8;

    Dispatcher(std::string archive_path, std::vector<core::Destination> destinations, int scale_factor,
               std::ostream& console, DispatchObserver& observer, DelivererOptions options = {});
    ~Dispatcher();

    void start();
    // Announces new outbox rows for these destination keys (all when empty).
    void wake(const std::vector<std::string>& destinations = {});
    // Lets in-flight sends finish; everything else stays queued.
    void stop();

    int workers() const;

private:
    struct Lane {  // one destination's scheduling state
        const core::Destination* destination = nullptr;
        bool backlog = true;       // may have rows due (checked at start)
        core::TimeMs ready_at = 0;  // pacing, Retry-After or the earliest retry
        int in_flight = 0;
        bool disabled = false;
    };

    void worker_loop();
    Lane* choose(core::TimeMs now, core::TimeMs& wait_until);
    void refresh(storage::Archive& archive, core::TimeMs now);
    void grow();
    int lane_limit(const Lane& lane) const;

    std::string m_archive_path;
    std::vector<core::Destination> m_destinations;
    int m_scale_factor;
    std::ostream& m_console;
    std::mutex m_console_mutex;
    DispatchObserver& m_metrics;
    DelivererOptions m_options;

    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::map<std::string, Lane> m_lanes;  // by destination key
    std::vector<std::thread> m_threads;
    int m_busy = 0;
    bool m_stopping = false;
    core::TimeMs m_next_refresh = 0;
};

// MEME_SCALE_FACTOR: workers per destination with a backlog, 1 to 8 (1 when unset or invalid).
int scale_factor_from_env();

}  // namespace memeops::delivery
