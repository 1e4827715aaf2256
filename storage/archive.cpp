#include "storage/archive.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cmath>
#include <random>
#include <thread>
#include <filesystem>
#include <limits>
#include <unordered_map>

#include "core/json.hpp"
#include "core/repo_identity.hpp"
#include "core/text.hpp"
#include "core/error.hpp"
#include "storage/history_filter.hpp"
#include "storage/schema.hpp"
#include "storage/search_query.hpp"
#include "storage/search_tokenizer.hpp"

namespace memeops::storage {
namespace {

// (st_dev, st_ino) of the file at `path`; {0, 0} when there is none.
std::pair<std::uint64_t, std::uint64_t> file_identity(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) return {0, 0};
    return {info.st_dev, info.st_ino};
}

namespace fs = std::filesystem;

constexpr const char* k_entry_columns =
    "id, kind, time, repo, branch, commit_sha, tag, display, docker_tag, run, summary, body, "
    "details, rewritten_into";

Entry read_entry(const Statement& row) {
    Entry entry;
    entry.id = row.column_int(0);
    entry.kind = parse_entry_kind(row.column_text(1)).value_or(EntryKind::message);
    entry.time = row.column_int(2);
    entry.repo = row.column_optional_text(3);
    entry.branch = row.column_optional_text(4);
    entry.commit = row.column_optional_text(5);
    entry.tag = row.column_optional_text(6);
    entry.display = row.column_optional_text(7);
    entry.docker_tag = row.column_optional_text(8);
    entry.run = row.column_optional_text(9);
    entry.summary = row.column_optional_text(10);
    entry.body = row.column_text(11);
    entry.details = core::parse_json(row.column_text(12), core::k_max_stored_json_depth).value;
    if (entry.details.is_discarded()) entry.details = nlohmann::json::object();
    entry.rewritten_into = row.column_optional_int(13);
    return entry;
}

std::string ids_json(const std::vector<std::int64_t>& ids) { return nlohmann::json(ids).dump(); }

bool is_hex(std::string_view text) {
    for (char c : text)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return false;
    return !text.empty();
}

bool is_digits(std::string_view text) {
    for (char c : text)
        if (c < '0' || c > '9') return false;
    return !text.empty();
}

std::unique_ptr<Database> open_database(const std::string& path, const ArchiveOptions& options) {
    bool exists = fs::exists(path);
    if (!exists && options.create == CreateIfMissing::no)
        throw core::Fatal("cannot open archive " + path, "no such file");
    if (!exists) {
        std::error_code ignored;
        fs::path parent = fs::path(path).parent_path();
        if (!parent.empty()) fs::create_directories(parent, ignored);
    }
    int flags = SQLITE_OPEN_READWRITE | (exists ? 0 : SQLITE_OPEN_CREATE);
    try {
        return std::make_unique<Database>(path, flags, options.busy_timeout_ms);
    } catch (const SqliteError& e) {
        throw core::Fatal("cannot open archive " + path, e.what());
    }
}

void configure_connection(Database& db, Durability durability) {
    std::string mode;
    {
        auto stmt = db.prepare("PRAGMA journal_mode");
        Statement s(stmt.get());
        if (s.step()) mode = s.column_text(0);
    }
    if (mode != "wal") db.exec("PRAGMA journal_mode = WAL");
    db.exec(durability == Durability::power_loss ? "PRAGMA synchronous = FULL"
                                                 : "PRAGMA synchronous = NORMAL");
    db.exec("PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY");
}

// The error of an archive that SQLite could not open or read.
core::Fatal open_failure(const std::string& path, const SqliteError& e) {
    int primary = e.code() & 0xFF;
    std::string why = e.what();
    if (primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT)
        why = "not a MemeOps archive, or a corrupt one (" + why + ")";
    return core::Fatal("cannot open archive " + path, why);
}

bool writable(const fs::path& path) { return ::access(path.c_str(), W_OK) == 0; }

// "file:" URI of `path` with immutable=1: SQLite then reads it without the WAL index (-shm)
// that it cannot create in a read-only folder.
std::string immutable_uri(const std::string& path) {
    std::string uri = "file:";
    for (char c : path) {
        if (c == '%' || c == '?' || c == '#') {
            char escaped[4];
            std::snprintf(escaped, sizeof escaped, "%%%02X", static_cast<unsigned char>(c));
            uri += escaped;
        } else {
            uri += c;
        }
    }
    return uri + "?immutable=1";
}

// A read-only connection that has read the file once (a WAL archive needs its index to read).
std::unique_ptr<Database> read_only_database(const std::string& path, int busy_timeout_ms) {
    if (!fs::exists(path)) throw core::Fatal("cannot open archive " + path, "no such file");
    try {
        auto db = std::make_unique<Database>(path, SQLITE_OPEN_READONLY, busy_timeout_ms);
        db->query_int("PRAGMA schema_version");
        return db;
    } catch (const SqliteError& e) {
        int primary = e.code() & 0xFF;
        fs::path folder = fs::absolute(path).parent_path();
        bool no_index = primary == SQLITE_READONLY || primary == SQLITE_CANTOPEN;
        if (!no_index || (writable(path) && writable(folder))) throw open_failure(path, e);
    }
    try {
        auto db = std::make_unique<Database>(immutable_uri(path), SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, busy_timeout_ms);
        db->query_int("PRAGMA schema_version");
        return db;
    } catch (const SqliteError& e) {
        throw open_failure(path, e);
    }
}

// The schema version of an archive opened read-only (0 for an empty file: one that another
// process has just created and not yet migrated); throws core::Fatal for another program's
// database, and for an archive from a newer memeops.
int readable_schema(Database& db, const std::string& path) {
    ArchiveFileState state = classify_archive_file(db);
    if (state == ArchiveFileState::empty) return 0;
    if (state == ArchiveFileState::foreign)
        throw core::Fatal("cannot open archive " + path, "not a MemeOps archive (it is another program's SQLite database)");
    int version = static_cast<int>(db.query_int("PRAGMA user_version"));
    if (version > latest_schema_version())
        throw core::Fatal("cannot open archive " + path,
                          "it was written by a newer memeops (schema " + std::to_string(version) +
                              ", this one knows up to " + std::to_string(latest_schema_version()) + "); upgrade memeops");
    return version;
}

// Checks the file is a database, registers the tokenizer, sets WAL and durability, migrates.
// Returns the schema version found. Throws SqliteError (BUSY included) or core::Fatal.
int prepare_archive(Database& db, const std::string& path, Durability durability) {
    // The first read tells a database from anything else ("file is not a database").
    db.query_int("PRAGMA schema_version");
    register_search_tokenizer(db.handle());
    configure_connection(db, durability);
    return migrate_archive(db, path);
}

}  // namespace

std::unique_ptr<Archive> Archive::open(const std::string& path, ArchiveOptions options) {
    if (options.access == Access::read_only) return open_read_only(path, options);
    auto db = open_database(path, options);
    // Several processes opening a new archive at once race to switch it to WAL and migrate it;
    // SQLite answers the losers BUSY without waiting, so they retry until the busy timeout.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options.busy_timeout_ms);
    std::minstd_rand jitter(std::random_device{}());
    for (;;) {
        try {
            int found = prepare_archive(*db, path, options.durability);
            return std::unique_ptr<Archive>(new Archive(path, std::move(db), found));
        } catch (const SqliteError& e) {
            if (e.is_busy() && std::chrono::steady_clock::now() < deadline) {
                std::this_thread::sleep_for(std::chrono::milliseconds(5 + jitter() % 40));
                continue;
            }
            throw open_failure(path, e);
        }
    }
}

std::unique_ptr<Archive> Archive::open_read_only(const std::string& path, const ArchiveOptions& options) {
    auto db = read_only_database(path, options.busy_timeout_ms);
    int version = readable_schema(*db, path);
    if (version < latest_schema_version()) {
        // Older or missing tables cannot be read by this binary's queries: a writer migrates them
        // once (or waits for the process migrating them now).
        db.reset();
        ArchiveOptions writer = options;
        writer.access = Access::read_write;
        writer.create = CreateIfMissing::no;
        open(path, writer);
        db = read_only_database(path, options.busy_timeout_ms);
        readable_schema(*db, path);
    }
    register_search_tokenizer(db->handle());
    db->exec("PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY");
    return std::unique_ptr<Archive>(new Archive(path, std::move(db), version));
}

Archive::Archive(std::string path, std::unique_ptr<Database> db, int opened_version)
    : m_path(std::move(path)), m_db(std::move(db)), m_opened_version(opened_version) {
    m_db->on_rollback([this] { m_known_repos.clear(); });
    m_file_identity = file_identity(m_path);
    m_log_identity = file_identity(m_path + "-wal");  // opening read the schema: the log exists
}

bool Archive::still_at_path() const {
    struct stat info {};
    // Only a missing file is a lost one: a path that cannot be looked at just now (EACCES, EIO
    // on a network file system) is no reason to drop the log of the file in use.
    if (::stat(m_path.c_str(), &info) != 0) return errno != ENOENT && errno != ENOTDIR;
    return m_file_identity.second == 0 ||
           std::pair<std::uint64_t, std::uint64_t>{info.st_dev, info.st_ino} == m_file_identity;
}

void Archive::remove_log_of_lost_file() const {
    if (m_log_identity.second == 0 || file_identity(m_path + "-wal") != m_log_identity) return;
    std::error_code ignored;
    std::filesystem::remove(m_path + "-wal", ignored);
    std::filesystem::remove(m_path + "-shm", ignored);
}

void Archive::add(Entry& entry) { add_batch(std::span<Entry>(&entry, 1)); }

void Archive::add_batch(std::span<Entry> entries) {
    Transaction transaction(*m_db);
    for (Entry& entry : entries) insert_entry(entry, OnConflict::fail);
    finish_batch();
    transaction.commit();
}

int Archive::add_new_commits(std::span<Entry> entries) {
    Transaction transaction(*m_db);
    int inserted = 0;
    for (Entry& entry : entries)
        if (insert_entry(entry, OnConflict::skip)) ++inserted;
    finish_batch();
    transaction.commit();
    return inserted;
}

void Archive::finish_batch() {
    // The backlog is shared by every process writing the archive (a hook adds one entry and
    // exits), so its size is read from the archive, not counted here.
    auto backlog = m_db->cached("SELECT count(*) FROM search_backlog");
    std::int64_t waiting = backlog.step() ? backlog.column_int(0) : 0;
    backlog.reset();
    if (waiting >= k_search_batch) index_backlog();
}

void Archive::add_meme(std::int64_t entry_id, Meme& meme) {
    Transaction transaction(*m_db);
    insert_meme(entry_id, meme);
    // The entry's indexed text now lacks the caption: take it out of the index and queue it.
    m_db->cached("DELETE FROM search_index WHERE rowid = ?1").bind(1, entry_id).run();
    m_db->cached("INSERT OR IGNORE INTO search_backlog(entry_id) VALUES (?1)").bind(1, entry_id).run();
    transaction.commit();
}

bool Archive::insert_entry(Entry& entry, OnConflict on_conflict) {
    if (entry.repo && !m_known_repos.contains(*entry.repo)) {
        m_db->cached("INSERT OR IGNORE INTO repos(identity, name) VALUES (?1, ?2)")
            .bind_all(*entry.repo, core::repo_short_name(*entry.repo))
            .run();
        m_known_repos.insert(*entry.repo);
    }
    m_db->cached(
            "INSERT INTO entries(kind, time, repo, branch, commit_sha, tag, display, docker_tag, "
            "run, summary, body, details, rewritten_into) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)" +
            std::string(on_conflict == OnConflict::skip ? " ON CONFLICT DO NOTHING" : ""))
        .bind_all(to_string(entry.kind), entry.time, entry.repo, entry.branch, entry.commit,
                  entry.tag, entry.display, entry.docker_tag, entry.run, entry.summary, entry.body,
                  entry.details.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), entry.rewritten_into)
        .run();
    if (m_db->changes() == 0) {
        entry.id = 0;
        return false;
    }
    entry.id = m_db->last_insert_rowid();
    upsert_metrics(entry.id, entry.metrics);
    for (Meme& meme : entry.memes) insert_meme(entry.id, meme);
    m_db->cached("INSERT INTO search_backlog(entry_id) VALUES (?1)").bind(1, entry.id).run();
    return true;
}

namespace {

// The upsert of `rows` metrics of one entry: (?1, ?2, ?3), (?1, ?4, ?5), …
std::string upsert_metrics_sql(size_t rows) {
    std::string sql = "INSERT OR REPLACE INTO metrics(entry_id, name, value) VALUES ";
    for (size_t i = 0; i < rows; ++i)
        sql += (i ? ", (?1, ?" : "(?1, ?") + std::to_string(2 + 2 * i) + ", ?" + std::to_string(3 + 2 * i) + ")";
    return sql;
}

}  // namespace

void Archive::upsert_metrics(std::int64_t entry_id, const Metrics& metrics) {
    static const auto sql = [] {
        std::vector<std::string> by_rows(k_metrics_per_statement + 1);
        for (size_t rows = 1; rows <= k_metrics_per_statement; ++rows) by_rows[rows] = upsert_metrics_sql(rows);
        return by_rows;
    }();
    for (auto it = metrics.begin(); it != metrics.end();) {
        size_t rows = std::min<size_t>(k_metrics_per_statement, static_cast<size_t>(std::distance(it, metrics.end())));
        auto upsert = m_db->cached(sql[rows]);
        upsert.bind(1, entry_id);
        for (int column = 2; column < 2 + 2 * static_cast<int>(rows); column += 2, ++it) {
            upsert.bind(column, it->first);
            if (std::isnan(it->second)) upsert.bind_null(column + 1);
            else upsert.bind(column + 1, it->second);
        }
        upsert.run();
    }
}

std::optional<std::int64_t> Archive::git_entry_id(const std::string& repo, const std::string& sha) {
    auto select = m_db->cached(
        "SELECT id FROM entries WHERE repo = ?1 AND commit_sha = ?2 "
        "AND (kind = 'commit' OR kind = 'version')");
    select.bind_all(repo, sha);
    std::optional<std::int64_t> id;
    if (select.step()) id = select.column_int(0);
    select.reset();
    return id;
}

bool Archive::has_commits(const std::string& repo) {
    auto select = m_db->cached(
        "SELECT 1 FROM entries WHERE repo = ?1 AND (kind = 'commit' OR kind = 'version') LIMIT 1");
    select.bind(1, repo);
    bool any = select.step();
    select.reset();
    return any;
}

std::unordered_set<std::string> Archive::archived_commits(const std::string& repo) {
    auto select = m_db->cached(
        "SELECT commit_sha FROM entries WHERE repo = ?1 AND (kind = 'commit' OR kind = 'version')");
    select.bind(1, repo);
    std::unordered_set<std::string> shas;
    while (select.step()) shas.insert(select.column_text(0));
    select.reset();
    return shas;
}

void Archive::carry_over_rewrite(const std::string& old_sha, std::int64_t new_entry_id) {
    Transaction transaction(*m_db);
    auto old = m_db->cached(
        "SELECT o.id, o.kind = 'version' AND n.kind <> 'version', o.tag, o.display, o.docker_tag, o.run "
        "FROM entries o JOIN entries n ON n.id = ?2 AND o.repo IS n.repo "
        "WHERE o.commit_sha = ?1 AND (o.kind = 'commit' OR o.kind = 'version') AND o.id <> ?2");
    old.bind_all(old_sha, new_entry_id);
    if (!old.step()) {
        old.reset();
        return;
    }
    std::int64_t old_id = old.column_int(0);
    bool moves_version = old.column_int(1) != 0;
    VersionNames names{old.column_optional_text(2).value_or(""), old.column_optional_text(3).value_or(""),
                       old.column_optional_text(4).value_or(""), old.column_optional_text(5)};
    old.reset();
    m_db->cached("UPDATE entries SET rewritten_into = ?2 WHERE id = ?1").bind_all(old_id, new_entry_id).run();
    if (moves_version) {
        m_db->cached("UPDATE entries SET kind = 'commit', tag = NULL, display = NULL, docker_tag = NULL WHERE id = ?1")
            .bind(1, old_id)
            .run();
        m_db->cached("UPDATE entries SET kind = 'version', tag = ?2, display = ?3, docker_tag = ?4, run = coalesce(run, ?5) "
                     "WHERE id = ?1")
            .bind_all(new_entry_id, names.tag, names.display, names.docker_tag, names.run)
            .run();
        m_db->cached("INSERT OR IGNORE INTO metrics(entry_id, name, value) SELECT ?2, name, value FROM metrics "
                     "WHERE entry_id = ?1")
            .bind_all(old_id, new_entry_id)
            .run();
        for (std::int64_t id : {old_id, new_entry_id}) {
            m_db->cached("DELETE FROM search_index WHERE rowid = ?1").bind(1, id).run();
            m_db->cached("INSERT OR IGNORE INTO search_backlog(entry_id) VALUES (?1)").bind(1, id).run();
        }
    }
    transaction.commit();
}

namespace {

std::optional<double> stored_metric(Database& db, std::int64_t entry_id, const std::string& name) {
    auto select = db.cached("SELECT value FROM metrics WHERE entry_id = ?1 AND name = ?2");
    select.bind_all(entry_id, name);
    std::optional<double> value;
    if (select.step())
        value = select.is_null(0) ? std::numeric_limits<double>::quiet_NaN() : select.column_double(0);
    select.reset();
    return value;
}

bool same_metric(std::optional<double> stored, double value) {
    if (!stored) return false;
    return (std::isnan(*stored) && std::isnan(value)) || *stored == value;
}

}  // namespace

Archive::VersionChange Archive::make_version(std::int64_t entry_id, const VersionNames& names,
                                             const Metrics& metrics) {
    Transaction transaction(*m_db);
    VersionChange change;
    auto current = m_db->cached("SELECT kind = 'version', tag, display, docker_tag, run FROM entries WHERE id = ?1");
    current.bind(1, entry_id);
    if (!current.step()) {
        current.reset();
        throw core::Fatal("cannot make entry #" + std::to_string(entry_id) + " a version", "no such entry");
    }
    bool was_version = current.column_int(0) != 0;
    change.names = {current.column_optional_text(1).value_or(names.tag), current.column_optional_text(2).value_or(names.display),
                    current.column_optional_text(3).value_or(names.docker_tag), current.column_optional_text(4)};
    current.reset();
    change.made = !was_version;
    if (!change.names.run) change.names.run = names.run;
    m_db->cached("UPDATE entries SET kind = 'version', tag = ?2, display = ?3, docker_tag = ?4, run = ?5 WHERE id = ?1")
        .bind_all(entry_id, change.names.tag, change.names.display, change.names.docker_tag, change.names.run)
        .run();
    Metrics changed;
    for (const auto& [name, value] : metrics) {
        if (same_metric(stored_metric(*m_db, entry_id, name), value)) continue;
        change.metrics_changed.push_back(name);
        changed.emplace(name, value);
    }
    upsert_metrics(entry_id, changed);
    m_db->cached("DELETE FROM search_index WHERE rowid = ?1").bind(1, entry_id).run();
    m_db->cached("INSERT OR IGNORE INTO search_backlog(entry_id) VALUES (?1)").bind(1, entry_id).run();
    transaction.commit();
    return change;
}

std::optional<std::string> Archive::tag_of_commit(const std::string& sha) {
    auto select = m_db->cached("SELECT tag FROM entries WHERE commit_sha = ?1 AND tag IS NOT NULL LIMIT 1");
    select.bind(1, sha);
    std::optional<std::string> tag;
    if (select.step()) tag = select.column_text(0);
    select.reset();
    return tag;
}

std::optional<std::int64_t> Archive::only_git_entry_id(const std::string& sha) {
    auto select = m_db->cached(
        "SELECT id FROM entries WHERE commit_sha = ?1 AND (kind = 'commit' OR kind = 'version') LIMIT 2");
    select.bind(1, sha);
    std::vector<std::int64_t> ids;
    while (select.step()) ids.push_back(select.column_int(0));
    select.reset();
    if (ids.size() != 1) return std::nullopt;
    return ids.front();
}

bool Archive::tag_names_other_commit(const std::string& tag, const std::string& sha) {
    auto select = m_db->cached("SELECT commit_sha FROM entries WHERE tag = ?1");
    select.bind(1, tag);
    bool other = select.step() && select.column_text(0) != sha;
    select.reset();
    return other;
}

bool Archive::tag_held_by_other_entry(const std::string& tag, std::int64_t entry_id) {
    auto select = m_db->cached("SELECT id FROM entries WHERE tag = ?1");
    select.bind(1, tag);
    bool other = select.step() && select.column_int(0) != entry_id;
    select.reset();
    return other;
}

void Archive::insert_meme(std::int64_t entry_id, Meme& meme) {
    m_db->cached(
            "INSERT INTO memes(entry_id, reaction, priority, caption, caption_en, created, epoch) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
        .bind_all(entry_id, meme.reaction, meme.priority, meme.caption, meme.caption_en,
                  meme.created, meme.epoch)
        .run();
    meme.id = m_db->last_insert_rowid();
    for (const Delivery& delivery : meme.deliveries) {
        m_db->cached(
                "INSERT INTO deliveries(meme_id, destination, state, attempts, last_error) "
                "VALUES (?1, ?2, ?3, ?4, ?5)")
            .bind_all(meme.id, delivery.destination, to_string(delivery.state), delivery.attempts,
                      delivery.last_error)
            .run();
    }
}

void Archive::index_backlog() {
    // One statement for the whole backlog: FTS5 flushes its pending index data at the end of
    // every statement that writes it, so a statement per entry would write a segment per entry.
    static const std::string insert = "INSERT INTO search_index(rowid, names, text) " +
                                      search_document_select() +
                                      " WHERE e.id IN (SELECT entry_id FROM search_backlog)";
    m_db->cached(insert).run();
    m_db->cached("DELETE FROM search_backlog").run();
}

void Archive::stage_backlog() {
    static const std::string fill = "INSERT INTO temp.search_staged(rowid, names, text) " + search_document_select() +
                                    " WHERE e.id IN (SELECT entry_id FROM search_backlog)";
    m_db->exec("CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_staged USING fts5(names, text, tokenize = 'memeops')");
    m_db->cached("DELETE FROM temp.search_staged").run();
    m_db->cached(fill).run();
}

std::vector<Entry> Archive::load(const std::vector<std::int64_t>& ids) {
    if (ids.empty()) return {};
    std::string list = ids_json(ids);
    std::unordered_map<std::int64_t, Entry> by_id;
    auto entries = m_db->cached(std::string("SELECT ") + k_entry_columns +
                                " FROM entries WHERE id IN (SELECT value FROM json_each(?1))");
    entries.bind(1, list);
    while (entries.step()) {
        Entry entry = read_entry(entries);
        by_id.emplace(entry.id, std::move(entry));
    }
    entries.reset();

    auto metrics = m_db->cached(
        "SELECT entry_id, name, value FROM metrics "
        "WHERE entry_id IN (SELECT value FROM json_each(?1))");
    metrics.bind(1, list);
    while (metrics.step()) {
        double value = metrics.is_null(2) ? std::numeric_limits<double>::quiet_NaN()
                                          : metrics.column_double(2);
        by_id[metrics.column_int(0)].metrics[metrics.column_text(1)] = value;
    }
    metrics.reset();

    std::unordered_map<std::int64_t, std::pair<std::int64_t, size_t>> meme_slot;
    auto memes = m_db->cached(
        "SELECT id, entry_id, reaction, priority, caption, caption_en, created, epoch FROM memes "
        "WHERE entry_id IN (SELECT value FROM json_each(?1)) ORDER BY priority, id");
    memes.bind(1, list);
    while (memes.step()) {
        Meme meme{memes.column_int(0), memes.column_text(2), static_cast<int>(memes.column_int(3)),
                  memes.column_text(4), memes.column_text(5), memes.column_int(6), {},
                  memes.column_optional_int(7)};
        auto& owner = by_id[memes.column_int(1)].memes;
        meme_slot[meme.id] = {memes.column_int(1), owner.size()};
        owner.push_back(std::move(meme));
    }
    memes.reset();

    auto deliveries = m_db->cached(
        "SELECT d.meme_id, d.destination, d.state, d.attempts, d.last_error "
        "FROM deliveries d JOIN memes m ON m.id = d.meme_id "
        "WHERE m.entry_id IN (SELECT value FROM json_each(?1)) ORDER BY d.destination");
    deliveries.bind(1, list);
    while (deliveries.step()) {
        auto [entry_id, index] = meme_slot[deliveries.column_int(0)];
        by_id[entry_id].memes[index].deliveries.push_back(
            {deliveries.column_text(1),
             parse_delivery_state(deliveries.column_text(2)).value_or(DeliveryState::pending),
             static_cast<int>(deliveries.column_int(3)), deliveries.column_optional_text(4)});
    }
    deliveries.reset();

    std::vector<Entry> ordered;
    ordered.reserve(ids.size());
    for (std::int64_t id : ids) {
        auto it = by_id.find(id);
        if (it != by_id.end() && it->second.id == id) ordered.push_back(std::move(it->second));
    }
    return ordered;
}

std::vector<Entry> Archive::history(const HistoryQuery& query) {
    std::string sql = "SELECT id FROM entries WHERE 1";
    auto repo = history_filter(*this, query, sql);
    if (!repo) return {};
    sql += " ORDER BY time DESC, id DESC LIMIT ?6";
    auto select = m_db->cached(sql);
    bind_history_filter(select, query, *repo);
    select.bind(6, query.limit);
    std::vector<std::int64_t> ids;
    while (select.step()) ids.push_back(select.column_int(0));
    select.reset();
    return load(ids);
}

std::optional<Entry> Archive::find_by_id(std::string_view ref) {
    if (!ref.empty() && ref.front() == '#') ref.remove_prefix(1);
    if (!is_digits(ref) || ref.size() > 18) return std::nullopt;
    auto entries = load({std::stoll(std::string(ref))});
    if (entries.empty()) return std::nullopt;
    return std::move(entries.front());
}

std::optional<Entry> Archive::find_by_tag(std::string_view ref) {
    auto select = m_db->cached(
        "SELECT id FROM entries WHERE tag = ?1 "
        "UNION ALL SELECT id FROM entries WHERE docker_tag = ?1 "
        "UNION ALL SELECT id FROM entries WHERE display = ?1 AND kind = 'version' LIMIT 1");
    select.bind(1, ref);
    std::optional<std::int64_t> id;
    if (select.step()) id = select.column_int(0);
    select.reset();
    if (!id) return std::nullopt;
    auto entries = load({*id});
    if (entries.empty()) return std::nullopt;
    return std::move(entries.front());
}

std::optional<Entry> Archive::find_by_sha(std::string_view ref) {
    if (ref.size() < 4 || ref.size() > 64 || !is_hex(ref)) return std::nullopt;
    std::string prefix = core::ascii_lower(ref);
    // Git entries first, then the newest other entry about the commit; two different commits
    // under one prefix is an error, as in git.
    auto select = m_db->cached(
        "SELECT id, commit_sha FROM entries WHERE commit_sha >= ?1 AND commit_sha < ?2 "
        "ORDER BY kind NOT IN ('version', 'commit'), time DESC, id DESC LIMIT 50");
    select.bind_all(prefix, prefix + "g");
    std::optional<std::int64_t> first;
    std::vector<std::string> commits;
    while (select.step()) {
        if (!first) first = select.column_int(0);
        std::string sha = select.column_text(1);
        if (std::find(commits.begin(), commits.end(), sha) == commits.end()) commits.push_back(sha);
    }
    select.reset();
    if (commits.size() > 1)
        throw core::Fatal("ambiguous ref " + std::string(ref),
                          "it starts " + std::to_string(commits.size()) +
                              " archived commits (" + commits[0].substr(0, 12) + ", " +
                              commits[1].substr(0, 12) + ", …); give more digits");
    if (!first) return std::nullopt;
    auto entries = load({*first});
    if (entries.empty()) return std::nullopt;
    return std::move(entries.front());
}

std::optional<Entry> Archive::find(std::string_view ref) {
    if (auto entry = find_by_tag(ref)) return entry;
    bool looks_like_id = (!ref.empty() && ref.front() == '#') || (is_digits(ref) && ref.size() < 7);
    if (looks_like_id) return find_by_id(ref);
    if (auto entry = find_by_sha(ref)) return entry;
    return find_by_id(ref);
}

std::vector<Entry> Archive::search(std::string_view text, int limit) {
    std::string expression = search_match_expression(text);
    // The index and the entries not in it yet, as of one moment; an entry is in one or the other.
    ReadSnapshot snapshot(*m_db);
    stage_backlog();
    auto select = m_db->cached(
        "SELECT rowid FROM search_index WHERE search_index MATCH ?1 "
        "UNION SELECT rowid FROM temp.search_staged WHERE search_staged MATCH ?1 ORDER BY 1 DESC LIMIT ?2");
    select.bind_all(expression, limit);
    std::vector<std::int64_t> ids;
    while (select.step()) ids.push_back(select.column_int(0));
    select.reset();
    return load(ids);
}

std::optional<std::string> Archive::last_ci_status(const std::string& repo, const std::string& branch,
                                                   const std::string& pipeline) {
    auto select = m_db->cached("SELECT status FROM ci_status WHERE repo = ?1 AND branch = ?2 AND pipeline = ?3");
    select.bind_all(repo, branch, pipeline);
    std::optional<std::string> status;
    if (select.step()) status = select.column_text(0);
    select.reset();
    return status;
}

void Archive::record_ci_status(const std::string& repo, const std::string& branch, const std::string& pipeline,
                               const std::string& status, std::int64_t entry_id, core::TimeMs time) {
    Transaction transaction(*m_db);
    auto upsert = m_db->cached(
        "INSERT INTO ci_status(repo, branch, pipeline, status, entry_id, time) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
        "ON CONFLICT(repo, branch, pipeline) DO UPDATE SET status = excluded.status, "
        "entry_id = excluded.entry_id, time = excluded.time");
    upsert.bind_all(repo, branch, pipeline, status);
    if (entry_id) upsert.bind(5, entry_id);
    else upsert.bind_null(5);
    upsert.bind(6, time).run();
    transaction.commit();
}

std::int64_t Archive::pending_deliveries() {
    auto count = m_db->cached("SELECT count(*) FROM deliveries WHERE state = 'pending'");
    std::int64_t n = count.step() ? count.column_int(0) : 0;
    count.reset();
    return n;
}

}  // namespace memeops::storage
