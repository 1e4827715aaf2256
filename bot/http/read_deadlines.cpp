#include "bot/http/read_deadlines.hpp"

#include <sys/socket.h>

#include <algorithm>

namespace memeops::bot::http {

struct ReadDeadlines::Watched {
    int fd;
    Clock::time_point started;   // opened, or answered last
    Clock::time_point deadline;  // Clock::time_point::max(): none
};

namespace {

// How often overdue connections are looked for: a deadline is kept to within this.
constexpr auto k_watch_interval = std::chrono::milliseconds(250);

}  // namespace

ReadDeadlines::ReadDeadlines(std::chrono::milliseconds head, std::chrono::milliseconds whole)
    : m_head(head), m_whole(std::max(head, whole)), m_watcher([this] { watch_loop(); }) {}

ReadDeadlines::~ReadDeadlines() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    m_watcher.join();
    for (Watched* left : m_watched) delete left;
}

ReadDeadlines::Watched* ReadDeadlines::opened(int fd) {
    auto now = Clock::now();
    auto* connection = new Watched{fd, now, now + m_head};
    std::lock_guard lock(m_mutex);
    m_watched.insert(connection);
    return connection;
}

void ReadDeadlines::head_read(Watched* connection) {
    std::lock_guard lock(m_mutex);
    connection->deadline = connection->started + m_whole;
}

void ReadDeadlines::request_read(Watched* connection) {
    std::lock_guard lock(m_mutex);
    connection->deadline = Clock::time_point::max();
}

void ReadDeadlines::answered(Watched* connection) {
    auto now = Clock::now();
    std::lock_guard lock(m_mutex);
    connection->started = now;
    connection->deadline = now + m_head;
}

void ReadDeadlines::closed(Watched* connection) {
    {
        std::lock_guard lock(m_mutex);
        m_watched.erase(connection);
    }
    delete connection;
}

void ReadDeadlines::watch_loop() {
    std::unique_lock lock(m_mutex);
    while (!m_wake.wait_for(lock, k_watch_interval, [this] { return m_stopping; })) cut_overdue(Clock::now());
}

// Called with m_mutex held, which `closed` also takes: a socket is shut down only while the
// transport still owns it.
void ReadDeadlines::cut_overdue(Clock::time_point now) {
    for (Watched* connection : m_watched) {
        if (connection->deadline > now) continue;
        ::shutdown(connection->fd, SHUT_RDWR);
        connection->deadline = Clock::time_point::max();  // once
        ++m_cut_off;
    }
}

}  // namespace memeops::bot::http
