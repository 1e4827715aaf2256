#include "core/stop_signals.hpp"

#include <pthread.h>

namespace memeops::core {

StopSignals::StopSignals() {
    sigemptyset(&m_signals);
    sigaddset(&m_signals, SIGTERM);
    sigaddset(&m_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &m_signals, &m_previous);
}

StopSignals::~StopSignals() { pthread_sigmask(SIG_SETMASK, &m_previous, nullptr); }

int StopSignals::wait_for(std::chrono::milliseconds timeout) const {
    auto seconds = std::chrono::duration_cast<std::chrono::seconds>(timeout);
    timespec wait{static_cast<time_t>(seconds.count()),
                  static_cast<long>(std::chrono::nanoseconds(timeout - seconds).count())};
    int signal = sigtimedwait(&m_signals, nullptr, &wait);
    return signal > 0 ? signal : 0;
}

}  // namespace memeops::core
