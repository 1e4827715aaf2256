// Sends one message (a meme, or a digest of the memes waiting) from the outbox to one
// destination, with its most urgent meme's card (delivery/card_post.hpp), and records what happened: the one step both `serve`'s workers and `flush` repeat.
//
// A destination is its key (core::Destination::key): only rows routed to that key, that is to
// that URL, are ever sent to it. Claiming the rows and honouring the destination's health and
// pacing (Slack: 1 message per second per webhook; Discord: its X-RateLimit-* headers; a 429's
// Retry-After, never less) are one step in the archive (storage::Outbox::claim), so any number
// of workers and processes together keep the pace. After sending, outcome.hpp decides:
// delivered, retry later, failed for good, or destination disabled (its memes keep waiting).
//
// At least once, duplicates only in the crash window: every Deliverer has its own lease owner
// token; a send is cut off before its lease ends (lease_ms minus a margin for recording), so
// another worker takes memes over only from a worker that died or froze (storage/outbox.hpp
// says how each record checks the token).
//
// Thread safety: one Deliverer per thread (it uses its Archive's connection).
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <variant>
#include <vector>

#include "core/destinations.hpp"
#include "delivery/card_post.hpp"
#include "delivery/chat_meme.hpp"
#include "delivery/http_client.hpp"
#include "delivery/outcome.hpp"
#include "storage/archive.hpp"
#include "storage/outbox.hpp"

namespace memeops::delivery {

// What one attempt did.
struct Attempt {
    std::string destination;  // the key
    int number = 1;           // 1 for the first attempt at these memes
    size_t memes = 0;
    Outcome outcome;
    int status = 0;  // HTTP status, 0 for a network error or the console
    core::TimeMs elapsed_ms = 0;
};

// Why nothing was sent.
enum class Idle { nothing_due, paced, disabled };

// Where console memes go: writes the text and returns true only once it was written and
// flushed (a closed stdout returns false and the memes stay pending). Called from any thread
// that delivers: it must serialise its own writes.
using ConsoleSink = std::function<bool(const std::string& text)>;

// A sink writing to `out` under `mutex`; both must outlive it.
ConsoleSink stream_console(std::ostream& out, std::mutex& mutex);

struct DelivererOptions {
    size_t digest_limit = 200;  // memes claimed for one message at most
    // How long claimed memes stay reserved for one attempt; sends are cut off k_record_margin_ms
    // before it ends, so only a process that died or froze mid-send leaves them to another.
    core::TimeMs lease_ms = 20'000;
    core::TimeMs slack_interval_ms = 1000;  // Slack: one message per second per webhook
    PostOptions http;
    // Sends a payload within `time_limit_ms` in all; the default posts over HTTP(S) with `http`
    // (its total_timeout_ms replaced by the limit). Tests may count or script it.
    std::function<HttpReply(const std::string& url, const std::string& body, core::TimeMs time_limit_ms)> post;
    // Sends a multipart message (Discord with its card), likewise.
    std::function<HttpReply(const std::string& url, const std::vector<FormPart>& parts, core::TimeMs time_limit_ms)> post_parts;
    std::optional<CardOptions> cards;  // how cards go with messages; nullopt: card_options_from_env()
    std::function<core::TimeMs()> clock;  // the time; default core::now_ms
    std::string owner;                    // lease owner token; default: random per Deliverer
};

// Time kept from each lease to record the attempt after the send was cut off.
inline constexpr core::TimeMs k_record_margin_ms = 5000;
// The least time a step of a send is given, however late it starts.
inline constexpr core::TimeMs k_min_step_ms = 250;

// A paced destination is looked at again at least this often: another worker's reservation
// lasts until its lease ends, but its reply usually frees the next slot within a second.
inline constexpr core::TimeMs k_paced_recheck_ms = 250;

class Deliverer {
public:
    Deliverer(storage::Archive& archive, ConsoleSink console, DelivererOptions options = {});
    // Console memes go to `console`; `console_mutex` serialises writes to it across threads.
    // Both must outlive the Deliverer.
    Deliverer(storage::Archive& archive, std::ostream& console, std::mutex& console_mutex,
              DelivererOptions options = {});

    // Sends the next message due for `destination`, or says why it did not.
    std::variant<Attempt, Idle> deliver_next(const core::Destination& destination, core::TimeMs now);

    // When `destination` may next be sent to (pacing, Retry-After, a send in flight), 0 when it may now.
    core::TimeMs next_send(const core::Destination& destination);

    const std::string& owner() const { return m_options.owner; }

private:
    Attempt send(const core::Destination& destination, const std::vector<storage::OutboxItem>& items, core::TimeMs now);
    HttpReply write_console(const std::vector<ChatMeme>& memes);
    // Each sends `items` (as `memes`) to a chat, all of it (card, upload steps, message) over by
    // `deadline`, so a send never outlives its lease.
    HttpReply post(const core::Destination& destination, const std::vector<storage::OutboxItem>& items,
                   std::vector<ChatMeme> memes, size_t& shown, core::TimeMs deadline);
    HttpReply post_slack(const core::Destination& destination, const std::vector<storage::OutboxItem>& items,
                         std::vector<ChatMeme> memes, size_t& shown, core::TimeMs deadline);
    HttpReply post_discord(const core::Destination& destination, const std::vector<storage::OutboxItem>& items,
                           std::vector<ChatMeme> memes, size_t& shown, core::TimeMs deadline);
    // The time from now to `deadline`, but at least k_min_step_ms (a step always gets a chance).
    core::TimeMs time_left(core::TimeMs deadline) const;
    // The PNG of `item`'s card, or nullopt (logged) when it cannot be rendered.
    std::optional<std::string> card_png(const storage::OutboxItem& item);
    void record(const core::Destination& destination, const std::vector<std::int64_t>& sent,
                const std::vector<std::int64_t>& held_back, const Attempt& attempt, const HttpReply& reply,
                core::TimeMs now);
    void apply(storage::Outbox& outbox, const core::Destination& destination, const std::vector<std::int64_t>& ids,
               const Outcome& outcome, core::TimeMs now);
    core::TimeMs paced_until(const core::Destination& destination, const HttpReply& reply, const Outcome& outcome,
                             core::TimeMs now) const;

    storage::Archive& m_archive;
    ConsoleSink m_console;
    DelivererOptions m_options;
};

// The Discord URL with wait=true, so Discord answers with the message (and its errors).
std::string discord_url(const std::string& url);

}  // namespace memeops::delivery
