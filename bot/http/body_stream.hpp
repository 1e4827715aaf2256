// A response body written while it is sent: Server-Sent Events, where an answer stays open and
// gets a message whenever something happens. A route answers with a Response whose `stream` is
// set (its `body` is then ignored) and keeps the stream, writing to it from any thread until it
// closes it or a write says the client is gone.
//
// The transport (transport.hpp) sends what is written in order, writes `keepalive` into a
// stream that stayed silent for Limits::stream_keepalive_ms (a client that left is noticed by
// the failed send, and proxies keep the connection), and ends every stream when it closes.
// Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

namespace memeops::bot::http {

class BodyStream {
public:
    // `keepalive`: bytes that mean nothing to the client (":\n\n" for Server-Sent Events).
    explicit BodyStream(std::string keepalive);

    // Queues `bytes` for sending. False, and nothing queued, once the stream is over: closed,
    // the client gone, or more than k_max_unsent bytes waiting (a client that stopped reading:
    // the stream is then over, so one slow reader never holds the server's memory).
    bool write(std::string_view bytes);
    // Ends the response once what is queued is sent. Idempotent.
    void close();
    // True once closed or the client is gone.
    bool over() const;

    // What may wait unsent for one client before write() gives up on it.
    static constexpr size_t k_max_unsent = 256 * 1024;

    // --- for the transport ---------------------------------------------------------------
    // `wake` is called, under the stream's lock, when bytes or the end arrive while the
    // transport waits (see take); the transport resumes its connection there.
    void attach(std::function<void()> wake);
    // Moves up to `max` queued bytes to `out` and returns their count; returns -1 when the
    // stream is over and everything was sent. With nothing queued it calls `wait` under the
    // lock (the transport suspends its connection: no write can slip in between) and returns 0.
    long take(char* out, size_t max, const std::function<void()>& wait);
    // The answer is finished (sent, or the client gone): later writes fail, and the connection
    // is never woken again. Idempotent.
    void detach();
    // Writes the keepalive when nothing was written for `quiet`. False once the stream is over.
    bool keep_alive(std::chrono::steady_clock::time_point now, std::chrono::milliseconds quiet);

private:
    void wake_locked();

    const std::string m_keepalive;
    mutable std::mutex m_mutex;
    std::string m_unsent;                          // GUARDED_BY(m_mutex)
    bool m_closed = false;                         // GUARDED_BY(m_mutex)
    bool m_gone = false;                           // GUARDED_BY(m_mutex)
    bool m_waiting = false;                        // GUARDED_BY(m_mutex): the transport waits for bytes
    std::function<void()> m_wake;                  // GUARDED_BY(m_mutex)
    std::chrono::steady_clock::time_point m_last;  // GUARDED_BY(m_mutex): the last write
};

}  // namespace memeops::bot::http
