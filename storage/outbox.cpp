#include "storage/outbox.hpp"

namespace memeops::storage {

std::map<std::string, core::TimeMs> Outbox::backlog() {
    auto select = m_archive.database().cached(
        "SELECT destination, min(next_attempt) FROM deliveries WHERE state = 'pending' GROUP BY destination");
    std::map<std::string, core::TimeMs> out;
    while (select.step()) out[select.column_text(0)] = select.column_int(1);
    select.reset();
    return out;
}

std::vector<OutboxItem> Outbox::claim(const std::string& destination, core::TimeMs now, int limit,
                                      core::TimeMs lease_ms) {
    Transaction transaction(m_archive.database());
    auto select = m_archive.database().cached(
        "SELECT m.id, m.entry_id, m.reaction, m.priority, m.caption, m.caption_en, d.attempts "
        "FROM deliveries d JOIN memes m ON m.id = d.meme_id "
        "WHERE d.destination = ?1 AND d.state = 'pending' AND d.next_attempt <= ?2 "
        "ORDER BY m.priority, m.created, m.id LIMIT ?3");
    select.bind_all(destination, now, limit);
    std::vector<OutboxItem> items;
    while (select.step())
        items.push_back({select.column_int(0), select.column_int(1), select.column_text(2),
                         static_cast<int>(select.column_int(3)), select.column_text(4), select.column_text(5),
                         static_cast<int>(select.column_int(6))});
    select.reset();
    std::vector<std::int64_t> ids;
    for (const auto& item : items) ids.push_back(item.meme_id);
    update_rows("UPDATE deliveries SET next_attempt = ?3 WHERE meme_id = ?1 AND destination = ?2", destination, ids,
                [&](Statement& s) { s.bind(3, now + lease_ms); });
    transaction.commit();
    return items;
}

void Outbox::update_rows(const std::string& sql, const std::string& destination,
                         std::span<const std::int64_t> memes, const std::function<void(Statement&)>& bind_rest) {
    if (memes.empty()) return;
    Transaction transaction(m_archive.database());
    for (std::int64_t id : memes) {
        auto update = m_archive.database().cached(sql);
        update.bind(1, id).bind(2, destination);
        bind_rest(update);
        update.run();
    }
    transaction.commit();
}

void Outbox::mark_delivered(const std::string& destination, std::span<const std::int64_t> memes, core::TimeMs now) {
    update_rows("UPDATE deliveries SET state = 'delivered', attempts = attempts + 1, delivered_at = ?3, "
                "last_error = NULL WHERE meme_id = ?1 AND destination = ?2 AND state = 'pending'",
                destination, memes, [&](Statement& s) { s.bind(3, now); });
}

void Outbox::mark_retry(const std::string& destination, std::span<const std::int64_t> memes,
                        core::TimeMs next_attempt, const std::string& error) {
    update_rows("UPDATE deliveries SET attempts = attempts + 1, next_attempt = ?3, last_error = ?4 "
                "WHERE meme_id = ?1 AND destination = ?2 AND state = 'pending'",
                destination, memes, [&](Statement& s) { s.bind(3, next_attempt).bind(4, error); });
}

void Outbox::mark_failed(const std::string& destination, std::span<const std::int64_t> memes,
                         const std::string& error) {
    update_rows("UPDATE deliveries SET state = 'failed', attempts = attempts + 1, last_error = ?3 "
                "WHERE meme_id = ?1 AND destination = ?2 AND state = 'pending'",
                destination, memes, [&](Statement& s) { s.bind(3, error); });
}

void Outbox::release(const std::string& destination, std::span<const std::int64_t> memes, core::TimeMs next_attempt) {
    update_rows("UPDATE deliveries SET next_attempt = ?3 WHERE meme_id = ?1 AND destination = ?2 AND state = 'pending'",
                destination, memes, [&](Statement& s) { s.bind(3, next_attempt); });
}

DestinationHealth Outbox::health(const std::string& destination) {
    auto select = m_archive.database().cached(
        "SELECT state, last_error, next_send, url_fingerprint FROM destinations WHERE name = ?1");
    select.bind(1, destination);
    DestinationHealth health;
    if (select.step())
        health = {select.column_text(0) == "disabled", select.column_optional_text(1), select.column_int(2),
                  select.column_optional_text(3)};
    select.reset();
    return health;
}

void Outbox::set_next_send(const std::string& destination, const std::string& type, core::TimeMs next_send) {
    m_archive.database()
        .cached("INSERT INTO destinations(name, type, next_send) VALUES (?1, ?2, ?3) "
                "ON CONFLICT(name) DO UPDATE SET next_send = max(next_send, excluded.next_send)")
        .bind_all(destination, type, next_send)
        .run();
}

void Outbox::disable(const std::string& destination, const std::string& type, const std::string& reason,
                     const std::string& url_fingerprint, core::TimeMs now) {
    m_archive.database()
        .cached("INSERT INTO destinations(name, type, state, last_error, changed, url_fingerprint) "
                "VALUES (?1, ?2, 'disabled', ?3, ?4, ?5) ON CONFLICT(name) DO UPDATE SET state = 'disabled', "
                "last_error = excluded.last_error, changed = excluded.changed, url_fingerprint = excluded.url_fingerprint")
        .bind_all(destination, type, reason, now, url_fingerprint)
        .run();
}

void Outbox::enable(const std::string& destination, const std::string& type, core::TimeMs now) {
    m_archive.database()
        .cached("INSERT INTO destinations(name, type, state, changed) VALUES (?1, ?2, 'enabled', ?3) "
                "ON CONFLICT(name) DO UPDATE SET state = 'enabled', last_error = NULL, changed = excluded.changed, "
                "url_fingerprint = NULL")
        .bind_all(destination, type, now)
        .run();
}

std::map<std::string, DeliveryCounts> Outbox::counts() {
    auto select = m_archive.database().cached("SELECT destination, state, count(*) FROM deliveries GROUP BY 1, 2");
    std::map<std::string, DeliveryCounts> out;
    while (select.step()) {
        auto& c = out[select.column_text(0)];
        std::string state = select.column_text(1);
        std::int64_t n = select.column_int(2);
        if (state == "pending") c.pending = n;
        else if (state == "delivered") c.delivered = n;
        else c.failed = n;
    }
    select.reset();
    return out;
}

std::map<std::string, std::int64_t> Outbox::backlog_counts() {
    auto select = m_archive.database().cached(
        "SELECT destination, count(*) FROM deliveries WHERE state = 'pending' GROUP BY destination");
    std::map<std::string, std::int64_t> out;
    while (select.step()) out[select.column_text(0)] = select.column_int(1);
    select.reset();
    return out;
}

std::optional<std::string> Outbox::last_error() {
    auto select = m_archive.database().cached(
        "SELECT last_error FROM destinations WHERE last_error IS NOT NULL ORDER BY changed DESC LIMIT 1");
    std::optional<std::string> error;
    if (select.step()) error = select.column_text(0);
    select.reset();
    return error;
}

}  // namespace memeops::storage
