// SIGTERM and SIGINT taken when the program is ready for them instead of by a handler: while a
// StopSignals lives they are blocked in the thread that made it and in every thread started
// after, and wait_for takes one. So a stop never lands in the middle of a request, a
// transaction or a delivery.
#pragma once

#include <chrono>
#include <signal.h>

namespace memeops::core {

class StopSignals {
public:
    StopSignals();
    // Restores the thread's previous signal mask.
    ~StopSignals();
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;

    // Waits up to `timeout` for SIGTERM or SIGINT (from any thread that has them blocked) and
    // returns it; 0 when none came.
    int wait_for(std::chrono::milliseconds timeout) const;

private:
    sigset_t m_signals;
    sigset_t m_previous;
};

}  // namespace memeops::core
