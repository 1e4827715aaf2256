#include "storage/repo_store.hpp"

#include <array>
#include <vector>

#include "core/error.hpp"
#include "core/repo_identity.hpp"

namespace memeops::storage {

std::optional<std::string> RepoStore::resolve_exact(const std::string& identity) {
    auto select = m_db.cached("SELECT identity FROM repos WHERE identity = ?1");
    select.bind(1, identity);
    std::optional<std::string> found;
    if (select.step()) found = select.column_text(0);
    select.reset();
    return found;
}

std::optional<std::string> RepoStore::resolve_suffix(const std::string& suffix) {
    // "vision" matches the short name; "team/vision" the end of "github.com/team/vision".
    bool with_owner = suffix.find('/') != std::string::npos;
    auto select = m_db.cached(
        with_owner ? "SELECT identity FROM repos WHERE identity LIKE '%/' || ?1 ESCAPE '\\' LIMIT 3"
                   : "SELECT identity FROM repos WHERE name = ?1 LIMIT 3");
    std::string pattern = suffix;
    if (with_owner) {
        pattern.clear();
        for (char c : suffix) pattern += (c == '%' || c == '_' || c == '\\') ? std::string("\\") + c : std::string(1, c);
    }
    select.bind(1, pattern);
    std::vector<std::string> found;
    while (select.step()) found.push_back(select.column_text(0));
    select.reset();
    if (found.size() > 1)
        throw core::Fatal("ambiguous repository " + suffix,
                          "it names " + found[0] + " and " + found[1] + (found.size() > 2 ? " and more" : "") +
                              "; give the full identity");
    if (found.empty()) return std::nullopt;
    return found.front();
}

std::optional<std::string> RepoStore::resolve(const std::string& query) {
    if (query.empty()) return std::nullopt;
    if (auto exact = resolve_exact(query)) return exact;
    std::string identity = core::repo_identity(query);
    if (auto exact = resolve_exact(identity)) return exact;
    if (core::is_path_identity(identity)) return std::nullopt;
    return resolve_suffix(std::string(core::without_git_suffix(identity)));
}

void RepoStore::hand_over_references(std::int64_t from_entry, std::int64_t to_entry) {
    // Every table whose rows name an entry. Where the kept entry already has the row (a metric
    // of the same name), the kept one wins and the other copy is dropped.
    static constexpr std::array<const char*, 7> k_moves{
        "UPDATE memes SET entry_id = ?2 WHERE entry_id = ?1",
        "UPDATE OR IGNORE metrics SET entry_id = ?2 WHERE entry_id = ?1",
        "UPDATE OR IGNORE epochs SET entry_id = ?2 WHERE entry_id = ?1",
        "UPDATE ingest_keys SET entry_id = ?2 WHERE entry_id = ?1",
        "UPDATE ci_status SET entry_id = ?2 WHERE entry_id = ?1",
        "UPDATE run_state SET entry_id = ?2 WHERE entry_id = ?1",
        "UPDATE entries SET rewritten_into = ?2 WHERE rewritten_into = ?1"};
    for (const char* move : k_moves) m_db.cached(move).bind_all(from_entry, to_entry).run();
    for (const char* leftovers : {"DELETE FROM metrics WHERE entry_id = ?1", "DELETE FROM epochs WHERE entry_id = ?1"})
        m_db.cached(leftovers).bind(1, from_entry).run();
}

void RepoStore::fold_duplicate_commits(const std::string& from, const std::string& identity) {
    Database& db = m_db;
    // A commit archived under both spellings keeps the identity's entry. The path's copy hands
    // over its memes, and its version names and run when the identity's entry has none.
    const char* pairs =
        "SELECT p.id, i.id FROM entries p JOIN entries i ON i.commit_sha = p.commit_sha "
        "WHERE p.repo = ?1 AND i.repo = ?2 AND (p.kind = 'commit' OR p.kind = 'version') "
        "AND (i.kind = 'commit' OR i.kind = 'version')";
    std::vector<std::pair<std::int64_t, std::int64_t>> duplicates;
    auto select = db.cached(pairs);
    select.bind_all(from, identity);
    while (select.step()) duplicates.emplace_back(select.column_int(0), select.column_int(1));
    select.reset();
    for (auto [path_entry, identity_entry] : duplicates) {
        hand_over_references(path_entry, identity_entry);
        auto names = db.cached("SELECT kind, tag, display, docker_tag, run FROM entries WHERE id = ?1");
        names.bind(1, path_entry);
        bool was_version = names.step() && names.column_text(0) == "version";
        auto tag = names.column_optional_text(1), display = names.column_optional_text(2),
             docker = names.column_optional_text(3), run = names.column_optional_text(4);
        names.reset();
        db.cached("DELETE FROM search_index WHERE rowid = ?1").bind(1, path_entry).run();
        db.cached("DELETE FROM search_backlog WHERE entry_id = ?1").bind(1, path_entry).run();
        db.cached("DELETE FROM entries WHERE id = ?1").bind(1, path_entry).run();
        if (was_version)
            db.cached("UPDATE entries SET kind = 'version', tag = coalesce(tag, ?2), display = coalesce(display, ?3), "
                      "docker_tag = coalesce(docker_tag, ?4), run = coalesce(run, ?5) WHERE id = ?1")
                .bind_all(identity_entry, tag, display, docker, run)
                .run();
        db.cached("INSERT OR IGNORE INTO search_backlog(entry_id) VALUES (?1)").bind(1, identity_entry).run();
    }
}

int RepoStore::join(const std::string& from, const std::string& identity) {
    if (from == identity || !resolve_exact(from)) return 0;
    Database& db = m_db;
    db.cached("INSERT OR IGNORE INTO repos(identity, name) VALUES (?1, ?2)")
        .bind_all(identity, core::repo_short_name(identity))
        .run();
    fold_duplicate_commits(from, identity);
    db.cached("UPDATE entries SET repo = ?2 WHERE repo = ?1").bind_all(from, identity).run();
    int moved = db.changes();
    db.cached("UPDATE OR IGNORE ci_status SET repo = ?2 WHERE repo = ?1").bind_all(from, identity).run();
    db.cached("DELETE FROM ci_status WHERE repo = ?1").bind(1, from).run();
    db.cached("UPDATE OR IGNORE backfill_progress SET repo = ?2 WHERE repo = ?1").bind_all(from, identity).run();
    db.cached("DELETE FROM backfill_progress WHERE repo = ?1").bind(1, from).run();
    db.cached("DELETE FROM repos WHERE identity = ?1").bind(1, from).run();
    return moved;
}

}  // namespace memeops::storage
