// Delivering what waits in the outbox, once: `memeops flush`, and the detached flush a hook
// starts. Each configured destination is sent message after message until nothing is due; a
// destination that asks to wait (pacing, Retry-After, another process's send in flight) is
// waited for while the deadline allows. Only rows routed to a configured destination's key are
// sent; the rest wait for theirs.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "delivery/deliverer.hpp"

namespace memeops::delivery {

struct DrainSummary {
    int messages = 0;
    int memes_delivered = 0;
    int memes_failed = 0;
    int memes_retrying = 0;  // attempted and scheduled again (5xx, network, 429)
    bool disabled = false;
    std::string last_error;
};

// Drains every destination in `destinations` until nothing is due or `deadline` passes.
// Summaries by destination key; a URL configured under two names is drained once.
std::map<std::string, DrainSummary> drain(Deliverer& deliverer, const std::vector<core::Destination>& destinations,
                                          core::TimeMs deadline);

}  // namespace memeops::delivery
