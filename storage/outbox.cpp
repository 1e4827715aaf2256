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

namespace {

// The subject of a due row: columns 7 to 15 of due_rows' select.
MemeSubject subject_of_row(Statement& row) {
    MemeSubject subject;
    subject.kind = parse_entry_kind(row.column_text(7)).value_or(EntryKind::message);
    subject.time = row.column_int(8);
    subject.repo = row.column_optional_text(9);
    subject.branch = row.column_optional_text(10);
    subject.commit = row.column_optional_text(11);
    subject.run = row.column_optional_text(12);
    subject.tag = row.column_optional_text(13);
    subject.pipeline = row.column_optional_text(14);
    subject.url = row.column_optional_text(15);
    return subject;
}

}  // namespace

std::vector<OutboxItem> Outbox::due_rows(const ClaimRequest& request) {
    auto select = m_archive.database().cached(
        "SELECT m.id, m.entry_id, m.reaction, m.priority, m.caption, m.caption_en, d.attempts, "
        "e.kind, e.time, e.repo, e.branch, e.commit_sha, e.run, e.tag, "
        "CASE WHEN e.kind = 'ci' THEN json_extract(e.details, '$.event.name') END, "
        "json_extract(e.details, '$.event.url') "
        "FROM deliveries d JOIN memes m ON m.id = d.meme_id JOIN entries e ON e.id = m.entry_id "
        "WHERE d.destination = ?1 AND d.state = 'pending' AND d.next_attempt <= ?2 "
        "ORDER BY m.priority, m.created, m.id LIMIT ?3");
    select.bind_all(request.destination, request.now, request.limit);
    std::vector<OutboxItem> items;
    while (select.step())
        items.push_back({select.column_int(0), select.column_int(1), select.column_text(2),
                         static_cast<int>(select.column_int(3)), select.column_text(4), select.column_text(5),
                         static_cast<int>(select.column_int(6)), subject_of_row(select)});
    select.reset();
    return items;
}

Claim Outbox::claim(const ClaimRequest& request) {
    Transaction transaction(m_archive.database());
    DestinationHealth health = this->health(request.destination);
    if (health.disabled) return {Claim::Status::disabled, health.next_send, {}};
    if (health.next_send > request.now) return {Claim::Status::paced, health.next_send, {}};
    Claim claim{Claim::Status::claimed, 0, due_rows(request)};
    if (claim.items.empty()) return {Claim::Status::nothing_due, 0, {}};
    std::vector<std::int64_t> ids;
    for (const auto& item : claim.items) ids.push_back(item.meme_id);
    core::TimeMs lease_end = request.now + request.lease_ms;
    update_rows("UPDATE deliveries SET next_attempt = ?3, lease_owner = ?4 WHERE meme_id = ?1 AND destination = ?2",
                request.destination, ids, [&](Statement& s) { s.bind(3, lease_end).bind(4, request.owner); });
    if (request.serial)
        m_archive.database()
            .cached("INSERT INTO destinations(destination, type, next_send, sender) VALUES (?1, ?2, ?3, ?4) "
                    "ON CONFLICT(destination) DO UPDATE SET next_send = excluded.next_send, sender = excluded.sender")
            .bind_all(request.destination, request.type, lease_end, request.owner)
            .run();
    transaction.commit();
    return claim;
}

int Outbox::update_rows(const std::string& sql, const std::string& destination, std::span<const std::int64_t> memes,
                        const std::function<void(Statement&)>& bind_rest) {
    if (memes.empty()) return 0;
    int changed = 0;
    Transaction transaction(m_archive.database());
    for (std::int64_t id : memes) {
        auto update = m_archive.database().cached(sql);
        update.bind(1, id).bind(2, destination);
        bind_rest(update);
        update.run();
        changed += m_archive.database().changes();
    }
    transaction.commit();
    return changed;
}

int Outbox::mark_delivered(const std::string& destination, std::span<const std::int64_t> memes, core::TimeMs now,
                           const std::string& owner) {
    // No owner check: the message went out, so the row must not be sent again (header comment).
    // The attempt is counted only by the owner, so a taken-over row is not counted twice.
    return update_rows("UPDATE deliveries SET state = 'delivered', attempts = attempts + (lease_owner IS ?4), "
                       "delivered_at = ?3, last_error = NULL, lease_owner = NULL "
                       "WHERE meme_id = ?1 AND destination = ?2 AND state = 'pending'",
                       destination, memes, [&](Statement& s) { s.bind(3, now).bind(4, owner); });
}

int Outbox::mark_retry(const std::string& destination, std::span<const std::int64_t> memes, core::TimeMs next_attempt,
                       const std::string& error, const std::string& owner) {
    return update_rows("UPDATE deliveries SET attempts = attempts + 1, next_attempt = ?3, last_error = ?4, "
                       "lease_owner = NULL "
                       "WHERE meme_id = ?1 AND destination = ?2 AND state = 'pending' AND lease_owner = ?5",
                       destination, memes, [&](Statement& s) { s.bind(3, next_attempt).bind(4, error).bind(5, owner); });
}

int Outbox::mark_failed(const std::string& destination, std::span<const std::int64_t> memes, const std::string& error,
                        const std::string& owner) {
    return update_rows("UPDATE deliveries SET state = 'failed', attempts = attempts + 1, last_error = ?3, "
                       "lease_owner = NULL "
                       "WHERE meme_id = ?1 AND destination = ?2 AND state = 'pending' AND lease_owner = ?4",
                       destination, memes, [&](Statement& s) { s.bind(3, error).bind(4, owner); });
}

int Outbox::release(const std::string& destination, std::span<const std::int64_t> memes, core::TimeMs next_attempt,
                    const std::string& owner) {
    return update_rows("UPDATE deliveries SET next_attempt = ?3, lease_owner = NULL "
                       "WHERE meme_id = ?1 AND destination = ?2 AND state = 'pending' AND lease_owner = ?4",
                       destination, memes, [&](Statement& s) { s.bind(3, next_attempt).bind(4, owner); });
}

DestinationHealth Outbox::health(const std::string& destination) {
    auto select = m_archive.database().cached(
        "SELECT state, last_error, next_send FROM destinations WHERE destination = ?1");
    select.bind(1, destination);
    DestinationHealth health;
    if (select.step())
        health = {select.column_text(0) == "disabled", select.column_optional_text(1), select.column_int(2)};
    select.reset();
    return health;
}

void Outbox::finish_send(const std::string& destination, const std::string& type, const std::string& owner,
                         core::TimeMs next_send) {
    m_archive.database()
        .cached("INSERT INTO destinations(destination, type, next_send) VALUES (?1, ?2, ?3) "
                "ON CONFLICT(destination) DO UPDATE SET "
                "next_send = CASE WHEN sender IS ?4 THEN excluded.next_send ELSE max(next_send, excluded.next_send) END, "
                "sender = CASE WHEN sender IS ?4 THEN NULL ELSE sender END")
        .bind_all(destination, type, next_send, owner)
        .run();
}

void Outbox::disable(const std::string& destination, const std::string& type, const std::string& reason,
                     core::TimeMs now) {
    m_archive.database()
        .cached("INSERT INTO destinations(destination, type, state, last_error, changed) "
                "VALUES (?1, ?2, 'disabled', ?3, ?4) ON CONFLICT(destination) DO UPDATE SET state = 'disabled', "
                "last_error = excluded.last_error, changed = excluded.changed")
        .bind_all(destination, type, reason, now)
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

std::map<std::string, std::int64_t> Outbox::counts_by_destination(const char* sql) {
    auto select = m_archive.database().cached(sql);
    std::map<std::string, std::int64_t> out;
    while (select.step()) out[select.column_text(0)] = select.column_int(1);
    select.reset();
    return out;
}

std::map<std::string, std::int64_t> Outbox::backlog_counts() {
    return counts_by_destination(
        "SELECT destination, count(*) FROM deliveries WHERE state = 'pending' GROUP BY destination");
}

std::map<std::string, std::int64_t> Outbox::retrying_counts() {
    return counts_by_destination(
        "SELECT destination, count(*) FROM deliveries WHERE state = 'pending' AND attempts > 0 GROUP BY destination");
}

std::map<std::string, DestinationHealth> Outbox::all_health() {
    auto select = m_archive.database().cached("SELECT destination, state, last_error, next_send FROM destinations");
    std::map<std::string, DestinationHealth> out;
    while (select.step())
        out[select.column_text(0)] = {select.column_text(1) == "disabled", select.column_optional_text(2),
                                      select.column_int(3)};
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

int queue_every_meme(Archive& archive, const std::string& key) {
    Database& db = archive.database();
    db.cached("INSERT OR IGNORE INTO deliveries(meme_id, destination) SELECT id, ?1 FROM memes").bind(1, key).run();
    return db.changes();
}

}  // namespace memeops::storage
