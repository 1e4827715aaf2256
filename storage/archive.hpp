// The MemeOps archive: one SQLite file (WAL mode) shared by hooks, the bot and the CLI.
//
// Every commit, model version, training run, CI result and message is an Entry; memes hang off
// entries and carry one Delivery row per destination, whose pending rows are the outbox.
// Several processes may hold the same archive open and write at once: writes take the write lock
// up front (BEGIN IMMEDIATE) and wait up to the busy timeout instead of failing.
//
// Thread safety: an Archive is one connection; use one per thread.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "storage/entry.hpp"
#include "storage/search_query.hpp"
#include "storage/sqlite.hpp"

namespace memeops::storage {

// How hard a commit is made durable. process_crash (synchronous=NORMAL in WAL) survives a crash
// or kill -9 of any process; power_loss (synchronous=FULL) also survives losing the machine,
// at the price of an fsync per commit.
enum class Durability { process_crash, power_loss };

// Whether open() may create a new archive file.
enum class CreateIfMissing { no, yes };

// What the connection may do. read_only never writes the archive and never takes its write
// lock (history, show, search, the bot's GET routes), so it reads an archive this process
// cannot write; every writing member then throws SqliteError.
enum class Access { read_write, read_only };

struct ArchiveOptions {
    Durability durability = Durability::process_crash;
    CreateIfMissing create = CreateIfMissing::yes;  // ignored by Access::read_only: never created
    int busy_timeout_ms = 15000;  // how long a writer waits for another before giving up
    Access access = Access::read_write;
};

// Filters of `memeops history`; unset filters match everything.
struct HistoryQuery {
    std::optional<std::string> repo;  // as RepoStore::resolve takes it: identity, owner/name, short name, path
    std::optional<std::string> branch;
    std::optional<EntryKind> kind;
    std::optional<core::TimeMs> since;  // inclusive
    std::optional<core::TimeMs> until;  // inclusive
    int limit = 20;
};

class Archive {
public:
    // Opens (creating the file and its folder when allowed) and migrates the archive at `path`.
    // Throws core::Fatal with a clear reason for a missing file (CreateIfMissing::no), a file that
    // is not a SQLite database, another program's database, or an archive from a newer memeops.
    // Access::read_only opens an existing archive without writing it. An archive of an older
    // schema is migrated first by a read-write open when this process can write it, else refused.
    // A file that this process cannot write, in a folder it cannot write, has no WAL index to
    // share: it is read as immutable (what its last writer checkpointed, which a clean close does).
    static std::unique_ptr<Archive> open(const std::string& path, ArchiveOptions options = {});

    const std::string& path() const { return m_path; }
    // False once the file at path() is no longer the one this archive opened: it was deleted,
    // or another file was moved over it. What this connection writes then reaches no one.
    bool still_at_path() const;
    // Once !still_at_path(): removes the write-ahead log and its index ("-wal", "-shm") at the
    // path when they are the ones this archive's file had. SQLite leaves a moved or deleted
    // file's log in place, and the next connection to the path would replay it into whatever
    // file is there now, corrupting it. Another file's log is left alone.
    void remove_log_of_lost_file() const;
    // The schema version the file had before this open migrated it (0 for a new archive).
    int opened_schema_version() const { return m_opened_version; }

    // Inserts the entry with its metrics and memes (and their deliveries) in one transaction;
    // fills in entry.id and each meme's id. Throws SqliteError on a constraint violation
    // (a duplicate tag, or a commit already archived for that repo).
    void add(Entry& entry);
    // The same for many entries in a single transaction: all or none.
    void add_batch(std::span<Entry> entries);
    // Sets the entry's metrics named in `metrics` to their values (NaN stored as NULL); its
    // other metrics stay. One statement per k_metrics_per_statement of them: a statement's own
    // cost is more than one row's.
    void upsert_metrics(std::int64_t entry_id, const Metrics& metrics);
    static constexpr size_t k_metrics_per_statement = 16;
    // Attaches a meme (and a pending delivery per destination it lists) to an existing entry.
    void add_meme(std::int64_t entry_id, Meme& meme);
    // Inserts the commit entries not archived yet for their repo, in one transaction; the
    // others are left as they are and get id 0. Returns how many were inserted.
    int add_new_commits(std::span<Entry> entries);

    // --- git entries (hooks, backfill, tag) ---------------------------------------------
    // The commit or version entry of `sha` in `repo`.
    std::optional<std::int64_t> git_entry_id(const std::string& repo, const std::string& sha);
    // True when any commit of `repo` is archived.
    bool has_commits(const std::string& repo);
    // Every commit sha archived for `repo`.
    std::unordered_set<std::string> archived_commits(const std::string& repo);
    // Records that `old_sha` was rewritten (amend, rebase) into the entry `new_entry_id` (of the
    // same repository). When the old commit was a model version, the version moves with it: the
    // new entry takes its tag, names, run and metrics (unless it is a version already), and the
    // old one stays as a plain commit pointing at it.
    void carry_over_rewrite(const std::string& old_sha, std::int64_t new_entry_id);
    struct VersionChange {
        bool made = false;                  // the entry became a version now
        std::vector<std::string> metrics_changed;  // names whose value is new or different
        VersionNames names;                 // the names the entry has now
    };
    // Turns a commit entry into a model version with its names and metrics. An entry that
    // already is a version keeps its names and its run (a later training run never takes it
    // over); its metrics are updated, and the result says which changed.
    VersionChange make_version(std::int64_t entry_id, const VersionNames& names, const Metrics& metrics);
    // True when `tag` is archived for a commit other than `sha`.
    bool tag_names_other_commit(const std::string& tag, const std::string& sha);
    // True when an entry other than `entry_id` holds `tag`: another commit's, or the same
    // commit's archived under another repository (a folder and its remote before they are
    // joined). Tags are unique in the archive, so `entry_id` cannot take it then.
    bool tag_held_by_other_entry(const std::string& tag, std::int64_t entry_id);
    // The version tag archived for the commit `sha` under any repository spelling, if any.
    std::optional<std::string> tag_of_commit(const std::string& sha);
    // The commit or version entry of `sha` when exactly one repository has it archived.
    std::optional<std::int64_t> only_git_entry_id(const std::string& sha);
    // Forgets what this connection cached about the repos table (after RepoStore::join).
    void forget_cached_repos() { m_known_repos.clear(); }

    // Entries newest first.
    std::vector<Entry> history(const HistoryQuery& query);
    // The entry `ref` names: a tag (pun, display or Docker form), a commit sha or a unique prefix
    // of at least 4 hex digits, or an entry id ("42" or "#42"; an all-digit ref of 7 or more
    // characters is read as a sha first). nullopt when nothing matches; throws core::Fatal when
    // a sha prefix is ambiguous.
    std::optional<Entry> find(std::string_view ref);
    // Entries whose captions, commit message, tags or text match the query `text`
    // (storage/search_query.hpp: word prefixes, "phrases", -exclusions; Chinese included), newest
    // first. Throws SearchQueryError for a query with nothing to find. Reads only: entries not
    // indexed yet (search_backlog) are matched through a temporary index of this connection.
    std::vector<Entry> search(std::string_view text, int limit);

    // --- CI history: the last status per repo, branch and pipeline ------------------------
    std::optional<std::string> last_ci_status(const std::string& repo, const std::string& branch,
                                              const std::string& pipeline);
    // Records `status` as the last one; `entry_id` is the CI entry it came from (0: none).
    void record_ci_status(const std::string& repo, const std::string& branch, const std::string& pipeline,
                          const std::string& status, std::int64_t entry_id, core::TimeMs time);

    // Deliveries still waiting in the outbox.
    std::int64_t pending_deliveries();

    // The connection, for the other storage modules (outbox, ingest) built on this archive.
    Database& database() { return *m_db; }

private:
    Archive(std::string path, std::unique_ptr<Database> db, int opened_version);
    static std::unique_ptr<Archive> open_read_only(const std::string& path, const ArchiveOptions& options);

    enum class OnConflict { fail, skip };
    // Returns false when OnConflict::skip left an existing entry in place.
    bool insert_entry(Entry& entry, OnConflict on_conflict);
    // Indexes the search backlog once it is long enough. REQUIRES: inside a write transaction.
    void finish_batch();
    void insert_meme(std::int64_t entry_id, Meme& meme);
    // Indexes every entry waiting in search_backlog. REQUIRES: inside a write transaction.
    void index_backlog();
    // Fills this connection's temporary index with the entries waiting in search_backlog.
    // REQUIRES: inside a ReadSnapshot, so it matches what the main index holds.
    void stage_backlog();
    std::vector<Entry> load(const std::vector<std::int64_t>& ids);
    std::optional<Entry> find_by_tag(std::string_view ref);
    std::optional<Entry> find_by_id(std::string_view ref);
    std::optional<Entry> find_by_sha(std::string_view ref);

    // New entries are indexed for search once this many wait, and before every search.
    static constexpr std::int64_t k_search_batch = 256;

    std::string m_path;
    std::unique_ptr<Database> m_db;
    int m_opened_version;
    // The file opened and its write-ahead log (st_dev, st_ino; {0, 0}: none), as they were
    // when it was opened: still_at_path() and remove_log_of_lost_file() compare with them.
    std::pair<std::uint64_t, std::uint64_t> m_file_identity{0, 0};
    std::pair<std::uint64_t, std::uint64_t> m_log_identity{0, 0};
    // Already in the repos table. Dropped whenever a transaction or savepoint rolls back: the
    // insert that put a repo there may have been undone.
    std::unordered_set<std::string> m_known_repos;
};

}  // namespace memeops::storage
