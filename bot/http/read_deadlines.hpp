// Deadlines on what a client sends, so a slow one cannot hold a connection for ever: the head
// of each request (request line and headers) must arrive whole within `head` of the connection
// opening or of its previous answer, and the body within `whole` of that same start. The idle
// timeout alone cannot do this, because a client that sends a byte every few seconds is never
// idle. While a request is being answered no deadline runs. A watcher thread shuts down (both
// ways) the socket of a connection past its deadline; the transport then ends it as it ends any
// connection its client closed.
//
// Thread safety: every method may be called from any thread. `closed` must be called before the
// socket is closed, so the watcher never shuts down a number the system has given to another
// connection.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <unordered_set>

namespace memeops::bot::http {

class ReadDeadlines {
public:
    struct Watched;  // one connection

    ReadDeadlines(std::chrono::milliseconds head, std::chrono::milliseconds whole);
    ~ReadDeadlines();  // stops the watcher; every Watched must have been closed
    ReadDeadlines(const ReadDeadlines&) = delete;
    ReadDeadlines& operator=(const ReadDeadlines&) = delete;

    // A connection on socket `fd` opened: the head deadline runs from now.
    Watched* opened(int fd);
    // Its request's head is in: the body has until `whole` after the same start.
    void head_read(Watched* connection);
    // Its whole request is in: no deadline while it is answered.
    void request_read(Watched* connection);
    // Its answer is sent: the next head's deadline runs from now.
    void answered(Watched* connection);
    // The transport is closing it (before its socket is closed): forgotten and freed.
    void closed(Watched* connection);

    // Connections cut off for missing a deadline, since the start.
    long cut_off() const { return m_cut_off; }

private:
    using Clock = std::chrono::steady_clock;
    void watch_loop();
    void cut_overdue(Clock::time_point now);

    const std::chrono::milliseconds m_head;
    const std::chrono::milliseconds m_whole;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::unordered_set<Watched*> m_watched;
    bool m_stopping = false;
    std::atomic<long> m_cut_off{0};
    std::thread m_watcher;
};

}  // namespace memeops::bot::http
