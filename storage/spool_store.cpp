#include "storage/spool_store.hpp"

namespace memeops::storage {

void SpoolStore::add(const std::string& body, core::TimeMs now) {
    m_db.cached("INSERT INTO spool(body, created) VALUES (?1, ?2)").bind_all(body, now).run();
}

std::vector<SpooledEvent> SpoolStore::oldest(int limit) {
    auto select = m_db.cached("SELECT id, body, attempts FROM spool WHERE refused = 0 ORDER BY id LIMIT ?1");
    select.bind(1, limit);
    std::vector<SpooledEvent> events;
    while (select.step())
        events.push_back({select.column_int(0), select.column_text(1), static_cast<int>(select.column_int(2))});
    select.reset();
    return events;
}

void SpoolStore::remove(const std::vector<std::int64_t>& ids) {
    Transaction transaction(m_db);
    for (std::int64_t id : ids) m_db.cached("DELETE FROM spool WHERE id = ?1").bind(1, id).run();
    transaction.commit();
}

void SpoolStore::record_failure(const std::vector<std::int64_t>& ids, const std::string& error) {
    Transaction transaction(m_db);
    for (std::int64_t id : ids)
        m_db.cached("UPDATE spool SET attempts = attempts + 1, last_error = ?2 WHERE id = ?1").bind_all(id, error).run();
    transaction.commit();
}

void SpoolStore::refuse(std::int64_t id, const std::string& reason) {
    m_db.cached("UPDATE spool SET attempts = attempts + 1, last_error = ?2, refused = 1 WHERE id = ?1")
        .bind_all(id, reason)
        .run();
}

SpoolSummary SpoolStore::summary() {
    auto select = m_db.cached(
        "SELECT (SELECT count(*) FROM spool WHERE refused = 0), "
        "(SELECT last_error FROM spool WHERE refused = 0 AND last_error IS NOT NULL ORDER BY id DESC LIMIT 1), "
        "(SELECT count(*) FROM spool WHERE refused = 1), "
        "(SELECT last_error FROM spool WHERE refused = 1 ORDER BY id DESC LIMIT 1)");
    SpoolSummary out;
    if (select.step()) {
        out.waiting = select.column_int(0);
        out.last_error = select.column_optional_text(1);
        out.refused = select.column_int(2);
        out.last_refusal = select.column_optional_text(3);
    }
    select.reset();
    return out;
}

}  // namespace memeops::storage
