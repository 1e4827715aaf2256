#include "delivery/deliverer.hpp"

#include <cmath>
#include <random>

#include "core/crypto.hpp"
#include "core/log.hpp"
#include "delivery/card_link.hpp"
#include "delivery/console/console_payload.hpp"
#include "delivery/discord/discord_payload.hpp"
#include "delivery/meme_card.hpp"
#include "delivery/slack/slack_payload.hpp"

namespace memeops::delivery {
namespace {

double jitter() {
    thread_local std::mt19937 generator{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
}

std::optional<double> header_seconds(const HttpReply& reply, const std::string& name) {
    auto it = reply.headers.find(name);
    if (it == reply.headers.end()) return std::nullopt;
    try {
        return std::stod(it->second);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::vector<ChatMeme> chat_memes(const std::vector<storage::OutboxItem>& items) {
    std::vector<ChatMeme> memes;
    memes.reserve(items.size());
    for (const auto& item : items) memes.push_back({item.reaction, item.priority, item.caption, item.caption_en, item.subject});
    return memes;
}

// Slack's pace is one message per interval per webhook: its sends are serialised across every
// worker and process by the outbox's reservation.
bool serial(const core::Destination& destination) { return destination.type == core::DestinationType::slack; }

// `http` with its total time limit cut to `time_limit_ms`.
PostOptions within(PostOptions http, core::TimeMs time_limit_ms) {
    http.total_timeout_ms = std::min(http.total_timeout_ms, time_limit_ms);
    return http;
}

DelivererOptions with_defaults(DelivererOptions options) {
    if (options.owner.empty()) options.owner = core::random_hex(16);
    if (!options.clock) options.clock = core::now_ms;
    if (options.http.total_timeout_ms <= 0)
        options.http.total_timeout_ms = std::max(options.lease_ms / 2, options.lease_ms - k_record_margin_ms);
    if (!options.post) {
        PostOptions http = options.http;
        options.post = [http](const std::string& url, const std::string& body, core::TimeMs time_limit_ms) {
            return post_json(url, body, within(http, time_limit_ms));
        };
    }
    if (!options.post_parts) {
        PostOptions http = options.http;
        options.post_parts = [http](const std::string& url, const std::vector<FormPart>& parts, core::TimeMs time_limit_ms) {
            return post_multipart(url, parts, within(http, time_limit_ms));
        };
    }
    if (!options.cards) options.cards = card_options_from_env();
    return options;
}

std::string json_text(const nlohmann::json& message) {
    return message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string discord_url(const std::string& url) {
    if (url.find("wait=true") != std::string::npos) return url;
    return url + (url.find('?') == std::string::npos ? "?" : "&") + "wait=true";
}

ConsoleSink stream_console(std::ostream& out, std::mutex& mutex) {
    return [&out, &mutex](const std::string& text) {
        std::lock_guard lock(mutex);
        out.clear();  // a stream that failed before may work again (a full disk freed)
        out << text << std::flush;
        return static_cast<bool>(out);
    };
}

Deliverer::Deliverer(storage::Archive& archive, ConsoleSink console, DelivererOptions options)
    : m_archive(archive), m_console(std::move(console)), m_options(with_defaults(std::move(options))) {}

Deliverer::Deliverer(storage::Archive& archive, std::ostream& console, std::mutex& console_mutex,
                     DelivererOptions options)
    : Deliverer(archive, stream_console(console, console_mutex), std::move(options)) {}

core::TimeMs Deliverer::next_send(const core::Destination& destination) {
    return storage::Outbox(m_archive).health(destination.key()).next_send;
}

std::variant<Attempt, Idle> Deliverer::deliver_next(const core::Destination& destination, core::TimeMs now) {
    storage::ClaimRequest request{destination.key(), core::to_string(destination.type), m_options.owner, now,
                                  static_cast<int>(m_options.digest_limit), m_options.lease_ms, serial(destination)};
    auto claim = storage::Outbox(m_archive).claim(request);
    switch (claim.status) {
        case storage::Claim::Status::disabled: return Idle::disabled;
        case storage::Claim::Status::paced: return Idle::paced;
        case storage::Claim::Status::nothing_due: return Idle::nothing_due;
        case storage::Claim::Status::claimed: break;
    }
    return send(destination, claim.items, now);
}

HttpReply Deliverer::write_console(const std::vector<ChatMeme>& memes) {
    HttpReply reply;
    if (m_console(console::payload(memes))) reply.status = 200;
    else reply.error = "console: the output could not be written (closed or full)";
    return reply;
}

std::optional<std::string> Deliverer::card_png(const storage::OutboxItem& item) {
    try {
        auto card = archived_card(m_archive, item.meme_id, m_options.cards->thresholds);
        if (!card) return std::nullopt;  // the meme is gone (its entry was removed): nothing to show
        if (auto png = render_within(std::move(*card), m_options.cards->render_limit_ms)) return png;
        core::log(core::LogLevel::warn, "delivery.card",
                  {{"meme", std::to_string(item.meme_id)},
                   {"reason", "rendering took over " + std::to_string(m_options.cards->render_limit_ms) + " ms"},
                   {"action", "sending the text alone"}});
    } catch (const std::exception& e) {
        core::log(core::LogLevel::warn, "delivery.card",
                  {{"meme", std::to_string(item.meme_id)}, {"reason", e.what()}, {"action", "sending the text alone"}});
    }
    return std::nullopt;
}

HttpReply Deliverer::post_slack(const core::Destination& destination, const std::vector<storage::OutboxItem>& items,
                                std::vector<ChatMeme> memes, size_t& shown, core::TimeMs deadline) {
    const CardOptions& cards = *m_options.cards;
    size_t card = card_item(items);
    if (cards.enabled && cards.slack_uploads()) {
        if (auto png = card_png(items[card])) {
            // The three calls take half of the time left at most, a sixth each: the webhook text may follow.
            PostOptions step = within(m_options.http, std::max(k_min_step_ms, time_left(deadline) / 6));
            HttpReply uploaded = slack_upload(cards, *png, card_file_name(items[card].meme_id), slack::payload(memes, &shown), step);
            if (uploaded.status == 200) return uploaded;
            core::log(core::LogLevel::warn, "delivery.card", {{"destination", destination.name}, {"reason", uploaded.error},
                                                              {"action", "sending the text through the webhook"}});
        }
    } else if (cards.enabled && cards.public_url) {
        memes[card].image_url = card_link(m_archive, *cards.public_url, items[card].meme_id);
    }
    return m_options.post(destination.url, json_text(slack::payload(memes, &shown)), time_left(deadline));
}

HttpReply Deliverer::post_discord(const core::Destination& destination, const std::vector<storage::OutboxItem>& items,
                                  std::vector<ChatMeme> memes, size_t& shown, core::TimeMs deadline) {
    size_t card = card_item(items);
    auto png = m_options.cards->enabled ? card_png(items[card]) : std::nullopt;
    if (!png) return m_options.post(discord_url(destination.url), json_text(discord::payload(memes, &shown)), time_left(deadline));
    std::string file_name = card_file_name(items[card].meme_id);
    memes[card].image_url = "attachment://" + file_name;
    nlohmann::json message = discord::payload(memes, &shown);
    message["attachments"] = nlohmann::json::array({{{"id", 0}, {"filename", file_name}}});
    return m_options.post_parts(discord_url(destination.url),
                                {{"payload_json", json_text(message), "", "application/json"}, {"files[0]", *png, file_name, "image/png"}},
                                time_left(deadline));
}

core::TimeMs Deliverer::time_left(core::TimeMs deadline) const {
    return std::max(k_min_step_ms, deadline - m_options.clock());
}

HttpReply Deliverer::post(const core::Destination& destination, const std::vector<storage::OutboxItem>& items,
                          std::vector<ChatMeme> memes, size_t& shown, core::TimeMs deadline) {
    if (destination.type == core::DestinationType::slack) return post_slack(destination, items, std::move(memes), shown, deadline);
    return post_discord(destination, items, std::move(memes), shown, deadline);
}

Attempt Deliverer::send(const core::Destination& destination, const std::vector<storage::OutboxItem>& items,
                        core::TimeMs now) {
    auto memes = chat_memes(items);
    size_t shown = memes.size();
    // From the send's start on this process's clock (`now` may come from the caller's own
    // clock): cards and upload steps included.
    core::TimeMs deadline = m_options.clock() + m_options.http.total_timeout_ms;
    HttpReply reply = destination.type == core::DestinationType::console ? write_console(memes)
                                                                         : post(destination, items, memes, shown, deadline);
    core::TimeMs done = m_options.clock();
    // The memes the message could not show ("+N more") go back to the outbox for the next one.
    std::vector<std::int64_t> sent, held_back;
    for (size_t i = 0; i < items.size(); ++i) (i < shown ? sent : held_back).push_back(items[i].meme_id);
    Attempt attempt{destination.key(), items.front().attempts + 1, sent.size(), {}, reply.status, done - now};
    attempt.outcome = classify(reply, attempt.number, jitter());
    record(destination, sent, held_back, attempt, reply, done);
    return attempt;
}

core::TimeMs Deliverer::paced_until(const core::Destination& destination, const HttpReply& reply,
                                    const Outcome& outcome, core::TimeMs now) const {
    core::TimeMs until = now;
    if (destination.type == core::DestinationType::slack) until = now + m_options.slack_interval_ms;
    if (destination.type == core::DestinationType::discord) {
        auto remaining = header_seconds(reply, "x-ratelimit-remaining");
        auto reset_after = header_seconds(reply, "x-ratelimit-reset-after");
        if (remaining && *remaining <= 0 && reset_after)
            until = now + static_cast<core::TimeMs>(std::ceil(*reset_after * 1000.0));
    }
    if (outcome.verdict == Verdict::retry) until = std::max(until, now + outcome.wait_ms);
    return until;
}

void Deliverer::apply(storage::Outbox& outbox, const core::Destination& destination,
                      const std::vector<std::int64_t>& ids, const Outcome& outcome, core::TimeMs now) {
    const std::string key = destination.key();
    const std::string& owner = m_options.owner;
    int recorded = static_cast<int>(ids.size());
    switch (outcome.verdict) {
        case Verdict::delivered: outbox.mark_delivered(key, ids, now, owner); break;
        case Verdict::retry: recorded = outbox.mark_retry(key, ids, now + outcome.wait_ms, outcome.reason, owner); break;
        case Verdict::failed: recorded = outbox.mark_failed(key, ids, outcome.reason, owner); break;
        case Verdict::disable:
            outbox.disable(key, core::to_string(destination.type), outcome.reason, now);
            recorded = outbox.release(key, ids, now, owner);
            break;
    }
    if (recorded < static_cast<int>(ids.size()))  // a send that outlived its lease: the new owner decides
        core::log(core::LogLevel::warn, "delivery.lease_lost",
                  {{"destination", destination.name}, {"memes", std::to_string(ids.size() - static_cast<size_t>(recorded))}});
}

void Deliverer::record(const core::Destination& destination, const std::vector<std::int64_t>& sent,
                       const std::vector<std::int64_t>& held_back, const Attempt& attempt, const HttpReply& reply,
                       core::TimeMs now) {
    storage::Outbox outbox(m_archive);
    const Outcome& outcome = attempt.outcome;
    {
        storage::Transaction transaction(m_archive.database());
        outbox.release(attempt.destination, held_back, now, m_options.owner);
        apply(outbox, destination, sent, outcome, now);
        core::TimeMs until = paced_until(destination, reply, outcome, now);
        if (serial(destination) || until > now)
            outbox.finish_send(attempt.destination, core::to_string(destination.type), m_options.owner, until);
        transaction.commit();
    }
    core::LogLevel level = outcome.verdict == Verdict::delivered ? core::LogLevel::info
                           : outcome.verdict == Verdict::retry   ? core::LogLevel::warn
                                                                 : core::LogLevel::error;
    core::log(level, "delivery",
              {{"destination", destination.name}, {"key", attempt.destination}, {"memes", std::to_string(attempt.memes)},
               {"attempt", std::to_string(attempt.number)}, {"status", std::to_string(attempt.status)},
               {"outcome", to_string(outcome.verdict)}, {"wait_ms", std::to_string(outcome.wait_ms)},
               {"ms", std::to_string(attempt.elapsed_ms)}, {"reason", outcome.reason}});
}

}  // namespace memeops::delivery
