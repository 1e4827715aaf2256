// What one HTTP attempt to a chat webhook means (contract §5), decided in one place:
//   2xx                      delivered
//   429                      retry after Retry-After / retry_after, never sooner
//   401, 403, 404, 410       the destination is disabled; its messages wait until it is fixed
//   other 4xx (400, 413, …)  this message fails for good, with the reason
//   5xx, 408, network error  retry with exponential backoff and jitter, capped at 5 minutes
// Pure: the jitter comes from the caller.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "core/time.hpp"

namespace memeops::delivery {

// An HTTP reply, or a network error (status 0 and `error` set).
struct HttpReply {
    int status = 0;
    std::map<std::string, std::string> headers;  // names in lower case
    std::string body;
    std::string error;
};

enum class Verdict { delivered, retry, failed, disable };

struct Outcome {
    Verdict verdict = Verdict::retry;
    core::TimeMs wait_ms = 0;  // retry: how long to wait before the next attempt
    std::string reason;        // for the archive and the log: status and what the server said
};

inline constexpr core::TimeMs k_backoff_base_ms = 1000;
inline constexpr core::TimeMs k_backoff_cap_ms = 5 * 60 * 1000;

// `attempt` counts from 1 (the attempt that just failed); `jitter` in [0, 1) picks the wait
// within [half, all] of the exponential step.
Outcome classify(const HttpReply& reply, int attempt, double jitter);

// The exponential backoff of `attempt` (from 1): base × 2^(attempt-1), capped, scaled by jitter.
core::TimeMs backoff_ms(int attempt, double jitter);

// How long a 429 asks to wait: the Retry-After header (seconds, fractions allowed), else the
// JSON body's retry_after (Discord, seconds), else one second. Rounded up to whole milliseconds.
core::TimeMs retry_after_ms(const HttpReply& reply);

std::string to_string(Verdict verdict);

}  // namespace memeops::delivery
