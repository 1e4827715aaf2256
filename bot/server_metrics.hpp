// The bot's counters for GET /metrics, in Prometheus' text format; the delivery workers report
// to it as their DispatchObserver. Thread-safe.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <string>

#include "delivery/dispatcher.hpp"

namespace memeops::bot {

// How much /metrics shows: per destination for a holder of the token, totals to anyone else.
enum class MetricsDetail { by_destination, totals_only };

class ServerMetrics : public delivery::DispatchObserver {
public:
    void count_event(const std::string& kind, bool duplicate);
    void count_meme(const std::string& reaction);
    void count_delivery(const std::string& destination, const std::string& outcome, long memes) override;
    void count_request(int status);
    void set_workers(int total, int busy) override;

    // Everything counted, plus the gauges the caller reads from the archive: pending memes and
    // whether each destination is up (1) or disabled (0), by destination label
    // (delivery::DestinationView::label: the name, or the key of one no longer configured).
    // With MetricsDetail::totals_only, no series names a destination: pending memes are one
    // total and the delivery families are left out.
    std::string render(const std::map<std::string, long>& pending, const std::map<std::string, bool>& up,
                       MetricsDetail detail = MetricsDetail::by_destination) const;

private:
    mutable std::mutex m_mutex;
    std::map<std::string, long> m_events;      // by kind
    std::map<std::string, long> m_duplicates;  // by kind
    std::map<std::string, long> m_memes;       // by reaction
    std::map<std::pair<std::string, std::string>, long> m_deliveries;  // (destination, outcome) → memes
    std::map<std::pair<std::string, std::string>, long> m_attempts;    // (destination, outcome) → messages
    std::map<int, long> m_requests;  // by status code
    std::atomic<int> m_workers{0};
    std::atomic<int> m_busy_workers{0};
};

// A Prometheus label value, escaped (\, ", newline).
std::string prometheus_label(const std::string& value);

}  // namespace memeops::bot
