#include "storage/ingest_store.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/json.hpp"

namespace memeops::storage {
namespace {

// "nan", "inf", "-inf" (as metric_to_json writes them) back to numbers; anything else is NaN.
double metric_from_json_text(const nlohmann::json& value) {
    std::string text = value.is_string() ? value.get<std::string>() : "nan";
    if (text == "inf") return std::numeric_limits<double>::infinity();
    if (text == "-inf") return -std::numeric_limits<double>::infinity();
    return std::numeric_limits<double>::quiet_NaN();
}

}  // namespace

std::optional<std::int64_t> IngestStore::find_key(const std::string& key) {
    auto select = m_archive.database().cached("SELECT coalesce(entry_id, 0) FROM ingest_keys WHERE key = ?1");
    select.bind(1, key);
    std::optional<std::int64_t> id;
    if (select.step()) id = select.column_int(0);
    select.reset();
    return id;
}

void IngestStore::remember_key(const std::string& key, std::int64_t entry_id, core::TimeMs received) {
    auto insert = m_archive.database().cached(
        "INSERT OR IGNORE INTO ingest_keys(key, entry_id, received) VALUES (?1, ?2, ?3)");
    insert.bind(1, key);
    if (entry_id) insert.bind(2, entry_id);
    else insert.bind_null(2);
    insert.bind(3, received).run();
}

std::optional<IngestStore::RunState> IngestStore::run_state(const std::string& run) {
    auto select = m_archive.database().cached(
        "SELECT coalesce(r.entry_id, 0), r.state, r.version, coalesce(e.time, 0) "
        "FROM run_state r LEFT JOIN entries e ON e.id = r.entry_id WHERE r.run = ?1");
    select.bind(1, run);
    std::optional<RunState> state;
    if (select.step())
        state = RunState{select.column_int(0), core::parse_json(select.column_text(1), core::k_max_stored_json_depth).value,
                         select.column_int(2), select.column_int(3)};
    select.reset();
    if (state && state->state.is_discarded()) state->state = nlohmann::json::object();
    return state;
}

std::optional<IngestStore::RunVersion> IngestStore::run_version(const std::string& run) {
    auto select = m_archive.database().cached(
        "SELECT coalesce(entry_id, 0), version, "
        "coalesce((SELECT max(epoch) FROM epochs WHERE epochs.entry_id = run_state.entry_id), -1) "
        "FROM run_state WHERE run = ?1");
    select.bind(1, run);
    std::optional<RunVersion> found;
    if (select.step()) found = RunVersion{select.column_int(0), select.column_int(1), static_cast<int>(select.column_int(2))};
    select.reset();
    return found;
}

std::int64_t IngestStore::save_run_state(const std::string& run, std::int64_t entry_id, std::string_view state_json,
                                         core::TimeMs updated, std::int64_t version_read) {
    m_archive.database()
        .cached("INSERT INTO run_state(run, entry_id, state, updated, version) VALUES (?1, ?2, ?3, ?4, 1) "
                "ON CONFLICT(run) DO UPDATE SET entry_id = excluded.entry_id, state = excluded.state, "
                "updated = excluded.updated, version = version + 1")
        .bind_all(run, entry_id, state_json, updated)
        .run();
    return version_read + 1;
}

std::vector<std::pair<int, Metrics>> IngestStore::recent_epochs(std::int64_t entry_id, int limit) {
    return epochs_to_restore(entry_id, std::numeric_limits<int>::max(), limit);
}

std::vector<std::pair<int, Metrics>> IngestStore::epochs_to_restore(std::int64_t entry_id, int state_epoch, int window) {
    auto select = m_archive.database().cached(
        "SELECT epoch, metrics FROM (SELECT epoch, metrics FROM epochs WHERE entry_id = ?1 AND epoch <= ?2 "
        "ORDER BY epoch DESC LIMIT ?3) "
        "UNION ALL SELECT epoch, metrics FROM epochs WHERE entry_id = ?1 AND epoch > ?2 ORDER BY epoch");
    select.bind_all(entry_id, state_epoch, window);
    std::vector<std::pair<int, Metrics>> epochs;
    while (select.step()) {
        Metrics metrics;
        auto doc = core::parse_json(select.column_text(1), core::k_max_stored_json_depth).value;
        if (doc.is_object())
            for (const auto& [name, value] : doc.items())
                metrics[name] = value.is_number() ? value.get<double>() : metric_from_json_text(value);
        epochs.emplace_back(static_cast<int>(select.column_int(0)), std::move(metrics));
    }
    select.reset();
    return epochs;
}

core::TimeMs IngestStore::add_epoch(std::int64_t entry_id, int epoch, core::TimeMs time, const Metrics& metrics,
                                    const std::string& summary, core::TimeMs entry_time_at_least) {
    Database& db = m_archive.database();
    core::JsonObjectText values;  // written directly: this runs for every ingested epoch
    for (const auto& [name, value] : metrics) write_metric(values, name, value);
    db.cached("INSERT OR REPLACE INTO epochs(entry_id, epoch, time, metrics) VALUES (?1, ?2, ?3, ?4)")
        .bind_all(entry_id, epoch, time, values.text())
        .run();
    m_archive.upsert_metrics(entry_id, metrics);
    db.cached("UPDATE entries SET summary = ?2 WHERE id = ?1").bind_all(entry_id, summary).run();
    // The entry's time (which four indexes hold) moves only when it is a minute behind: a run
    // stays near the top of `history` without rewriting those indexes for every epoch.
    constexpr core::TimeMs k_behind = 60'000;
    if (entry_time_at_least >= time - k_behind) return entry_time_at_least;
    db.cached("UPDATE entries SET time = ?2 WHERE id = ?1 AND time < ?3").bind_all(entry_id, time, time - k_behind).run();
    return db.changes() ? time : std::max(entry_time_at_least, time - k_behind);
}

}  // namespace memeops::storage
