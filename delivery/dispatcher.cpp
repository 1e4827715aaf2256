#include "delivery/dispatcher.hpp"

#include <algorithm>

#include "core/log.hpp"
#include "core/settings.hpp"
#include "storage/outbox.hpp"

namespace memeops::delivery {
namespace {

constexpr core::TimeMs k_refresh_ms = 1000;  // how often the outbox is re-read for rows due later

}  // namespace

int scale_factor_from_env() {
    auto text = core::env("MEME_SCALE_FACTOR");
    if (!text) return 1;
    try {
        return std::clamp(std::stoi(*text), 1, Dispatcher::k_max_workers);
    } catch (const std::exception&) {
        return 1;
    }
}

Dispatcher::Dispatcher(std::string archive_path, std::vector<core::Destination> destinations, int scale_factor,
                       std::ostream& console, DispatchObserver& metrics, DelivererOptions options)
    : m_archive_path(std::move(archive_path)),
      m_destinations(std::move(destinations)),
      m_scale_factor(std::clamp(scale_factor, 1, k_max_workers)),
      m_console(console),
      m_metrics(metrics),
      m_options(std::move(options)) {
    for (const auto& d : m_destinations) {
        Lane& lane = m_lanes[d.key()];
        if (!lane.destination) lane.destination = &d;  // a URL configured twice is sent to once
    }
}

Dispatcher::~Dispatcher() { stop(); }

void Dispatcher::start() {
    std::lock_guard lock(m_mutex);
    m_threads.emplace_back([this] { worker_loop(); });
    m_metrics.set_workers(static_cast<int>(m_threads.size()), m_busy);
}

void Dispatcher::wake(const std::vector<std::string>& destinations) {
    {
        std::lock_guard lock(m_mutex);
        for (auto& [key, lane] : m_lanes)
            if (destinations.empty() || std::find(destinations.begin(), destinations.end(), key) != destinations.end())
                lane.backlog = true;
        grow();
    }
    m_wake.notify_all();
}

void Dispatcher::stop() {
    std::vector<std::thread> threads;
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
        threads.swap(m_threads);
    }
    m_wake.notify_all();
    for (auto& t : threads) t.join();
}

int Dispatcher::workers() const {
    std::lock_guard lock(m_mutex);
    return static_cast<int>(m_threads.size());
}

int Dispatcher::lane_limit(const Lane& lane) const {
    // Slack allows one message per second per webhook and the console one writer: one at a
    // time. Discord paces by its rate-limit headers, so several may be in flight.
    return lane.destination->type == core::DestinationType::discord ? m_scale_factor : 1;
}

void Dispatcher::grow() {  // REQUIRES: m_mutex held
    if (m_stopping) return;
    int backlogged = 0;
    for (const auto& [key, lane] : m_lanes) backlogged += lane.backlog && !lane.disabled;
    int target = std::clamp(backlogged * m_scale_factor, 1, k_max_workers);
    while (static_cast<int>(m_threads.size()) < target) m_threads.emplace_back([this] { worker_loop(); });
    m_metrics.set_workers(static_cast<int>(m_threads.size()), m_busy);
}

Dispatcher::Lane* Dispatcher::choose(core::TimeMs now, core::TimeMs& wait_until) {  // REQUIRES: m_mutex held
    Lane* best = nullptr;
    for (auto& [key, lane] : m_lanes) {
        if (!lane.backlog || lane.disabled || lane.in_flight >= lane_limit(lane)) continue;
        if (lane.ready_at > now) {
            wait_until = std::min(wait_until, lane.ready_at);
            continue;
        }
        if (!best || lane.ready_at < best->ready_at) best = &lane;
    }
    return best;
}

void Dispatcher::refresh(storage::Archive& archive, core::TimeMs now) {  // REQUIRES: m_mutex held
    auto backlog = storage::Outbox(archive).backlog();
    for (auto& [key, lane] : m_lanes) {
        auto it = backlog.find(key);
        lane.backlog = it != backlog.end();
        if (lane.backlog && it->second > now) lane.ready_at = std::max(lane.ready_at, it->second);
    }
    m_next_refresh = now + k_refresh_ms;
    grow();
}

void Dispatcher::worker_loop() {
    std::unique_ptr<storage::Archive> archive;
    try {
        archive = storage::Archive::open(m_archive_path);
    } catch (const std::exception& e) {
        core::log(core::LogLevel::error, "delivery.worker_failed", {{"error", e.what()}});
        return;
    }
    Deliverer deliverer(*archive, m_console, m_console_mutex, m_options);
    std::unique_lock lock(m_mutex);
    while (!m_stopping) {
        core::TimeMs now = core::now_ms();
        if (now >= m_next_refresh) refresh(*archive, now);
        core::TimeMs wait_until = m_next_refresh;
        Lane* lane = choose(now, wait_until);
        if (!lane) {
            m_wake.wait_for(lock, std::chrono::milliseconds(std::max<core::TimeMs>(1, wait_until - now)));
            continue;
        }
        ++lane->in_flight;
        ++m_busy;
        m_metrics.set_workers(static_cast<int>(m_threads.size()), m_busy);
        const core::Destination& destination = *lane->destination;
        lock.unlock();
        std::variant<Attempt, Idle> result = Idle::nothing_due;
        try {
            result = deliverer.deliver_next(destination, core::now_ms());
        } catch (const std::exception& e) {  // the archive was busy or broken: try again later
            core::log(core::LogLevel::error, "delivery.error", {{"destination", destination.name}, {"error", e.what()}});
            result = Idle::paced;
        }
        core::TimeMs next_send = 0;
        try {
            next_send = deliverer.next_send(destination);
        } catch (const std::exception&) {
            next_send = core::now_ms() + k_refresh_ms;
        }
        lock.lock();
        --lane->in_flight;
        --m_busy;
        if (auto* attempt = std::get_if<Attempt>(&result)) {
            m_metrics.count_delivery(destination.name, to_string(attempt->outcome.verdict), static_cast<long>(attempt->memes));
            if (attempt->outcome.verdict == Verdict::disable) lane->disabled = true;
            lane->ready_at = next_send;
        } else if (std::get<Idle>(result) == Idle::nothing_due) {
            lane->backlog = false;
        } else if (std::get<Idle>(result) == Idle::disabled) {
            lane->disabled = true;
        } else {
            core::TimeMs done_at = core::now_ms();
            lane->ready_at = std::clamp(next_send, done_at + 50, done_at + k_paced_recheck_ms);
        }
        m_metrics.set_workers(static_cast<int>(m_threads.size()), m_busy);
    }
}

}  // namespace memeops::delivery
