#include "bot/server_metrics.hpp"

namespace memeops::bot {
namespace {

void family(std::string& out, const char* name, const char* type, const char* help) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

}  // namespace

std::string prometheus_label(const std::string& value) {
    std::string out;
    for (char c : value) {
        if (c == '\\' || c == '"') out += '\\';
        if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

void ServerMetrics::count_event(const std::string& kind, bool duplicate) {
    std::lock_guard lock(m_mutex);
    ++(duplicate ? m_duplicates : m_events)[kind];
}

void ServerMetrics::count_meme(const std::string& reaction) {
    std::lock_guard lock(m_mutex);
    ++m_memes[reaction];
}

void ServerMetrics::count_delivery(const std::string& destination, const std::string& outcome, long memes) {
    std::lock_guard lock(m_mutex);
    m_deliveries[{destination, outcome}] += memes;
    ++m_attempts[{destination, outcome}];
}

void ServerMetrics::count_request(int status) {
    std::lock_guard lock(m_mutex);
    ++m_requests[status];
}

void ServerMetrics::set_workers(int total, int busy) {
    m_workers = total;
    m_busy_workers = busy;
}

std::string ServerMetrics::render(const std::map<std::string, long>& pending, const std::map<std::string, bool>& up,
                                  MetricsDetail detail) const {
    std::lock_guard lock(m_mutex);
    std::string out;
    auto by_one = [&out](const char* name, const char* type, const char* help, const char* label,
                         const std::map<std::string, long>& values) {
        family(out, name, type, help);
        for (const auto& [key, n] : values)
            out += std::string(name) + "{" + label + "=\"" + prometheus_label(key) + "\"} " + std::to_string(n) + "\n";
    };
    auto by_destination_outcome = [&out](const char* name, const char* help,
                                         const std::map<std::pair<std::string, std::string>, long>& values) {
        family(out, name, "counter", help);
        for (const auto& [key, n] : values)
            out += std::string(name) + "{destination=\"" + prometheus_label(key.first) + "\",outcome=\"" +
                   prometheus_label(key.second) + "\"} " + std::to_string(n) + "\n";
    };
    std::map<std::string, long> up_values, requests;
    for (const auto& [destination, ok] : up) up_values[destination] = ok ? 1 : 0;
    for (const auto& [status, n] : m_requests) requests[std::to_string(status)] = n;
    by_one("memeops_events_total", "counter", "Events accepted, by kind.", "kind", m_events);
    by_one("memeops_duplicate_events_total", "counter", "Events received again (same id) and ignored, by kind.", "kind",
           m_duplicates);
    by_one("memeops_memes_total", "counter", "Memes made, by reaction.", "reaction", m_memes);
    if (detail == MetricsDetail::by_destination) {
        by_one("memeops_outbox_pending", "gauge", "Memes waiting to be delivered, by destination.", "destination", pending);
        by_destination_outcome("memeops_deliveries_total", "Memes by destination and outcome of their delivery attempt.",
                               m_deliveries);
        by_destination_outcome("memeops_delivery_attempts_total", "Messages sent, by destination and outcome.", m_attempts);
        by_one("memeops_destination_up", "gauge", "1 when the destination is enabled, 0 when it is disabled.", "destination",
               up_values);
    } else {
        long total = 0;
        for (const auto& [destination, n] : pending) total += n;
        family(out, "memeops_outbox_pending", "gauge", "Memes waiting to be delivered (per destination with the token).");
        out += "memeops_outbox_pending " + std::to_string(total) + "\n";
    }
    family(out, "memeops_delivery_workers", "gauge", "Delivery worker threads (grows with the backlog times MEME_SCALE_FACTOR).");
    out += "memeops_delivery_workers " + std::to_string(m_workers.load()) + "\n";
    family(out, "memeops_delivery_workers_busy", "gauge", "Delivery workers sending right now.");
    out += "memeops_delivery_workers_busy " + std::to_string(m_busy_workers.load()) + "\n";
    by_one("memeops_http_responses_total", "counter", "HTTP responses of the bot, by status code.", "code", requests);
    return out;
}

}  // namespace memeops::bot
