#include "storage/history_filter.hpp"

#include "storage/repo_store.hpp"

namespace memeops::storage {

std::optional<std::string> history_filter(Archive& archive, const HistoryQuery& query, std::string& sql) {
    std::optional<std::string> repo;
    if (query.repo) {
        repo = RepoStore(archive).resolve(*query.repo);
        if (!repo) return std::nullopt;
        sql += " AND repo = ?1";
    }
    if (query.branch) sql += " AND branch = ?2";
    if (query.kind) sql += " AND kind = ?3";
    if (query.since) sql += " AND time >= ?4";
    if (query.until) sql += " AND time <= ?5";
    return repo.value_or("");
}

void bind_history_filter(Statement& select, const HistoryQuery& query, const std::string& repo) {
    if (query.repo) select.bind(1, repo);
    if (query.branch) select.bind(2, *query.branch);
    if (query.kind) select.bind(3, to_string(*query.kind));
    if (query.since) select.bind(4, *query.since);
    if (query.until) select.bind(5, *query.until);
}

std::int64_t count_history(Archive& archive, const HistoryQuery& query) {
    std::string sql = "SELECT count(*) FROM entries WHERE 1";
    auto repo = history_filter(archive, query, sql);
    if (!repo) return 0;
    auto select = archive.database().cached(sql);
    bind_history_filter(select, query, *repo);
    std::int64_t count = select.step() ? select.column_int(0) : 0;
    select.reset();
    return count;
}

}  // namespace memeops::storage
