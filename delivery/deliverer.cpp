#include "delivery/deliverer.hpp"

#include <cmath>
#include <random>

#include "delivery/console/console_payload.hpp"
#include "delivery/discord/discord_payload.hpp"
#include "delivery/slack/slack_payload.hpp"
#include "core/crypto.hpp"
#include "core/log.hpp"

namespace memeops::delivery {
namespace {

double jitter() {
    thread_local std::mt19937 generator{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
}

// A stable, non-reversible name for a URL: the archive can tell it changed without keeping it.
std::string fingerprint(const std::string& url) { return core::sha256_hex(url).substr(0, 16); }

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
    for (const auto& item : items) memes.push_back({item.reaction, item.priority, item.caption, item.caption_en});
    return memes;
}

HttpReply post_over_http(const PostOptions& options, const std::string& url, const std::string& body) {
    return post_json(url, body, options);
}

}  // namespace

std::string discord_url(const std::string& url) {
    if (url.find("wait=true") != std::string::npos) return url;
    return url + (url.find('?') == std::string::npos ? "?" : "&") + "wait=true";
}

Deliverer::Deliverer(storage::Archive& archive, std::ostream& console, std::mutex& console_mutex,
                     DelivererOptions options)
    : m_archive(archive), m_console(console), m_console_mutex(console_mutex), m_options(std::move(options)) {
    if (!m_options.post) {
        PostOptions http = m_options.http;
        m_options.post = [http](const std::string& url, const std::string& body) { return post_over_http(http, url, body); };
    }
}

core::TimeMs Deliverer::next_send(const core::Destination& destination) {
    return storage::Outbox(m_archive).health(destination.name).next_send;
}

std::variant<Attempt, Idle> Deliverer::deliver_next(const core::Destination& destination, core::TimeMs now) {
    storage::Outbox outbox(m_archive);
    auto health = outbox.health(destination.name);
    if (health.disabled) {
        if (health.url_fingerprint == fingerprint(destination.url)) return Idle::disabled;
        outbox.enable(destination.name, core::to_string(destination.type), now);
        core::log(core::LogLevel::info, "destination.enabled", {{"destination", destination.name}, {"why", "its URL changed"}});
    }
    if (health.next_send > now) return Idle::paced;
    auto items = outbox.claim(destination.name, now, static_cast<int>(m_options.digest_limit), m_options.lease_ms);
    if (items.empty()) return Idle::nothing_due;
    return send(destination, items, now);
}

Attempt Deliverer::send(const core::Destination& destination, const std::vector<storage::OutboxItem>& items,
                        core::TimeMs now) {
    auto memes = chat_memes(items);
    size_t shown = memes.size();
    HttpReply reply;
    if (destination.type == core::DestinationType::console) {
        std::lock_guard lock(m_console_mutex);
        m_console << console::payload(memes) << std::flush;
        reply.status = 200;
    } else {
        bool slack = destination.type == core::DestinationType::slack;
        std::string body = (slack ? slack::payload(memes, &shown) : discord::payload(memes, &shown))
                               .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        reply = m_options.post(slack ? destination.url : discord_url(destination.url), body);
    }
    // The memes the message could not show ("+N more") go back to the outbox for the next one.
    std::vector<std::int64_t> sent, held_back;
    for (size_t i = 0; i < items.size(); ++i) (i < shown ? sent : held_back).push_back(items[i].meme_id);
    storage::Outbox(m_archive).release(destination.name, held_back, now);
    Attempt attempt{destination.name, items.front().attempts + 1, sent.size(), {}, reply.status, core::now_ms() - now};
    attempt.outcome = classify(reply, attempt.number, jitter());
    record(destination, sent, attempt, reply, core::now_ms());
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

void Deliverer::record(const core::Destination& destination, const std::vector<std::int64_t>& ids,
                       const Attempt& attempt, const HttpReply& reply, core::TimeMs now) {
    storage::Outbox outbox(m_archive);
    std::string type = core::to_string(destination.type);
    const Outcome& outcome = attempt.outcome;
    {
        storage::Transaction transaction(m_archive.database());
        switch (outcome.verdict) {
            case Verdict::delivered: outbox.mark_delivered(destination.name, ids, now); break;
            case Verdict::retry: outbox.mark_retry(destination.name, ids, now + outcome.wait_ms, outcome.reason); break;
            case Verdict::failed: outbox.mark_failed(destination.name, ids, outcome.reason); break;
            case Verdict::disable:
                outbox.disable(destination.name, type, outcome.reason, fingerprint(destination.url), now);
                outbox.release(destination.name, ids, now);
                break;
        }
        core::TimeMs until = paced_until(destination, reply, outcome, now);
        if (until > now) outbox.set_next_send(destination.name, type, until);
        transaction.commit();
    }
    core::LogLevel level = outcome.verdict == Verdict::delivered ? core::LogLevel::info
                           : outcome.verdict == Verdict::retry   ? core::LogLevel::warn
                                                                 : core::LogLevel::error;
    core::log(level, "delivery",
              {{"destination", destination.name}, {"memes", std::to_string(attempt.memes)},
               {"attempt", std::to_string(attempt.number)}, {"status", std::to_string(attempt.status)},
               {"outcome", to_string(outcome.verdict)}, {"wait_ms", std::to_string(outcome.wait_ms)},
               {"ms", std::to_string(attempt.elapsed_ms)}, {"reason", outcome.reason}});
}

}  // namespace memeops::delivery
