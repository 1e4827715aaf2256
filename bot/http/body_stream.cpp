#include "bot/http/body_stream.hpp"

#include <cstring>

namespace memeops::bot::http {

BodyStream::BodyStream(std::string keepalive)
    : m_keepalive(std::move(keepalive)), m_last(std::chrono::steady_clock::now()) {}

bool BodyStream::write(std::string_view bytes) {
    std::lock_guard lock(m_mutex);
    if (m_closed || m_gone) return false;
    if (m_unsent.size() + bytes.size() > k_max_unsent) {
        m_gone = true;  // the client stopped reading: what it missed it reloads when it comes back
        wake_locked();
        return false;
    }
    m_unsent.append(bytes);
    m_last = std::chrono::steady_clock::now();
    wake_locked();
    return true;
}

void BodyStream::close() {
    std::lock_guard lock(m_mutex);
    m_closed = true;
    wake_locked();
}

bool BodyStream::over() const {
    std::lock_guard lock(m_mutex);
    return m_closed || m_gone;
}

void BodyStream::attach(std::function<void()> wake) {
    std::lock_guard lock(m_mutex);
    m_wake = std::move(wake);
}

long BodyStream::take(char* out, size_t max, const std::function<void()>& wait) {
    std::lock_guard lock(m_mutex);
    if (m_gone) return -1;
    if (m_unsent.empty()) {
        if (m_closed) return -1;
        m_waiting = true;
        wait();
        return 0;
    }
    size_t n = std::min(max, m_unsent.size());
    std::memcpy(out, m_unsent.data(), n);
    m_unsent.erase(0, n);
    return static_cast<long>(n);
}

void BodyStream::detach() {
    std::lock_guard lock(m_mutex);
    m_gone = true;
    m_waiting = false;
    m_wake = nullptr;  // the connection is finished: never resumed again
}

bool BodyStream::keep_alive(std::chrono::steady_clock::time_point now, std::chrono::milliseconds quiet) {
    {
        std::lock_guard lock(m_mutex);
        if (m_closed || m_gone) return false;
        if (now - m_last < quiet) return true;
    }
    return write(m_keepalive);
}

void BodyStream::wake_locked() {
    if (!m_waiting || !m_wake) return;
    m_waiting = false;
    m_wake();
}

}  // namespace memeops::bot::http
