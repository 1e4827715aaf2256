// Sends one message (a meme, or a digest of the memes waiting) from the outbox to one
// destination, and records what happened: the one step both `serve`'s workers and `flush` repeat.
//
// Before sending it honours the destination's health (a disabled destination is skipped until
// its URL changes) and pacing (Slack: 1 message per second per webhook; Discord: its
// X-RateLimit-* headers; a 429's Retry-After, never less), all kept in the archive so they
// outlive the process. After sending, outcome.hpp decides: delivered, retry later, failed for
// good, or destination disabled (its memes keep waiting).
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <variant>
#include <vector>

#include "delivery/http_client.hpp"
#include "delivery/outcome.hpp"
#include "core/destinations.hpp"
#include "storage/archive.hpp"
#include "storage/outbox.hpp"

namespace memeops::delivery {

// What one attempt did.
struct Attempt {
    std::string destination;
    int number = 1;  // 1 for the first attempt at these memes
    size_t memes = 0;
    Outcome outcome;
    int status = 0;  // HTTP status, 0 for a network error or the console
    core::TimeMs elapsed_ms = 0;
};

// Why nothing was sent.
enum class Idle { nothing_due, paced, disabled };

struct DelivererOptions {
    size_t digest_limit = 200;              // memes claimed for one message at most
    // How long claimed memes stay reserved for one attempt: longer than the HTTP timeouts, so
    // only a process that died mid-send (kill -9) leaves them to be taken again after it.
    core::TimeMs lease_ms = 20'000;
    core::TimeMs slack_interval_ms = 1000;  // Slack: one message per second per webhook
    PostOptions http;
    // Sends a payload; the default posts over HTTP(S). Tests and benchmarks may count calls.
    std::function<HttpReply(const std::string& url, const std::string& body)> post;
};

class Deliverer {
public:
    // `console` receives console memes; `console_mutex` serialises writes to it across threads.
    Deliverer(storage::Archive& archive, std::ostream& console, std::mutex& console_mutex,
              DelivererOptions options = {});

    // Sends the next message due for `destination`, or says why it did not.
    std::variant<Attempt, Idle> deliver_next(const core::Destination& destination, core::TimeMs now);

    // When `destination` may next be sent to (pacing and Retry-After), 0 when it may now.
    core::TimeMs next_send(const core::Destination& destination);

private:
    Attempt send(const core::Destination& destination, const std::vector<storage::OutboxItem>& items, core::TimeMs now);
    void record(const core::Destination& destination, const std::vector<std::int64_t>& ids, const Attempt& attempt,
                const HttpReply& reply, core::TimeMs now);
    core::TimeMs paced_until(const core::Destination& destination, const HttpReply& reply, const Outcome& outcome,
                             core::TimeMs now) const;

    storage::Archive& m_archive;
    std::ostream& m_console;
    std::mutex& m_console_mutex;
    DelivererOptions m_options;
};

// The Discord URL with wait=true, so Discord answers with the message (and its errors).
std::string discord_url(const std::string& url);

}  // namespace memeops::delivery
