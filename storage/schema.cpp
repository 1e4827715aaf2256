#include "storage/schema.hpp"

#include <vector>

#include "core/error.hpp"
#include "core/repo_identity.hpp"
#include "storage/repo_store.hpp"

namespace memeops::storage {
namespace {

// Version 1: entries of every kind, their metrics and per-epoch metrics, memes, per-destination
// deliveries (the pending ones are the outbox), destinations' health, ingest idempotency keys,
// and the last CI status per repo, branch and pipeline.
constexpr const char* k_schema_v1 = R"sql(
CREATE TABLE repos(
  identity TEXT PRIMARY KEY,   -- origin URL, else the repository's path
  name TEXT NOT NULL           -- last path component without .git, for --repo NAME
) WITHOUT ROWID;
CREATE INDEX repos_by_name ON repos(name);

CREATE TABLE entries(
  id INTEGER PRIMARY KEY,
  -- CHECKs are OR chains: SQLite evaluates an IN list of three or more through a temporary
  -- b-tree built for every row, which halves the insert rate.
  kind TEXT NOT NULL CHECK (kind = 'version' OR kind = 'commit' OR kind = 'training' OR
                            kind = 'ci' OR kind = 'message'),
  time INTEGER NOT NULL,       -- Unix milliseconds, UTC
  repo TEXT REFERENCES repos(identity),
  branch TEXT,
  commit_sha TEXT,
  tag TEXT,
  display TEXT,
  docker_tag TEXT,
  run TEXT,
  summary TEXT,
  body TEXT NOT NULL DEFAULT '',
  details TEXT NOT NULL DEFAULT '{}',   -- JSON: kind-specific data and unknown event fields
  rewritten_into INTEGER REFERENCES entries(id)
);
CREATE INDEX entries_by_time ON entries(time, id);
CREATE INDEX entries_by_kind ON entries(kind, time, id);
CREATE INDEX entries_by_branch ON entries(branch, time, id);
CREATE INDEX entries_by_repo ON entries(repo, time, id);
CREATE INDEX entries_by_commit ON entries(commit_sha);
CREATE INDEX entries_by_run ON entries(run) WHERE run IS NOT NULL;
CREATE UNIQUE INDEX entries_by_tag ON entries(tag) WHERE tag IS NOT NULL;
CREATE UNIQUE INDEX entries_by_git_commit ON entries(repo, commit_sha)
  WHERE kind = 'commit' OR kind = 'version';

CREATE TABLE metrics(
  entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  value REAL,                  -- NULL is NaN; infinities are stored as such
  PRIMARY KEY(entry_id, name)
) WITHOUT ROWID;

CREATE TABLE epochs(
  entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
  epoch INTEGER NOT NULL CHECK (epoch >= 0),
  time INTEGER NOT NULL,
  metrics TEXT NOT NULL,       -- JSON object, as received
  PRIMARY KEY(entry_id, epoch)
) WITHOUT ROWID;

CREATE TABLE memes(
  id INTEGER PRIMARY KEY,
  entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
  reaction TEXT NOT NULL,
  priority INTEGER NOT NULL CHECK (priority BETWEEN 0 AND 3),
  caption TEXT NOT NULL,
  caption_en TEXT NOT NULL,
  created INTEGER NOT NULL
);
CREATE INDEX memes_by_entry ON memes(entry_id);

CREATE TABLE deliveries(
  meme_id INTEGER NOT NULL REFERENCES memes(id) ON DELETE CASCADE,
  destination TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending'
    CHECK (state = 'pending' OR state = 'delivered' OR state = 'failed'),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  next_attempt INTEGER NOT NULL DEFAULT 0,
  delivered_at INTEGER,
  PRIMARY KEY(meme_id, destination)
) WITHOUT ROWID;
CREATE INDEX outbox ON deliveries(destination, next_attempt) WHERE state = 'pending';

CREATE TABLE destinations(
  name TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'enabled' CHECK (state = 'enabled' OR state = 'disabled'),
  last_error TEXT,
  changed INTEGER
) WITHOUT ROWID;

CREATE TABLE ingest_keys(
  key TEXT PRIMARY KEY,        -- "<source>:<id>", e.g. "github:<X-GitHub-Delivery>"
  entry_id INTEGER REFERENCES entries(id) ON DELETE SET NULL,
  received INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE ci_status(
  repo TEXT NOT NULL,
  branch TEXT NOT NULL,
  pipeline TEXT NOT NULL,
  status TEXT NOT NULL,
  entry_id INTEGER REFERENCES entries(id) ON DELETE SET NULL,
  time INTEGER NOT NULL,
  PRIMARY KEY(repo, branch, pipeline)
) WITHOUT ROWID;
)sql";

// Version 2: full-text search with the CJK-aware tokenizer (storage/search_tokenizer.hpp), built
// from what version 1 archives already hold. New entries wait in search_backlog and are indexed
// in batches (storage/archive.cpp says when): FTS5 writes an index segment per statement, which
// would cost more than the rest of a single-entry insert.
constexpr const char* k_schema_v2 = R"sql(
CREATE VIRTUAL TABLE search_index USING fts5(names, text, tokenize = 'memeops');
CREATE TABLE search_backlog(entry_id INTEGER PRIMARY KEY);
)sql";

// Version 3: detector state per training run, kept across restarts; resumable backfills.
constexpr const char* k_schema_v3 = R"sql(
CREATE TABLE run_state(
  run TEXT PRIMARY KEY,
  entry_id INTEGER REFERENCES entries(id) ON DELETE SET NULL,
  state TEXT NOT NULL DEFAULT '{}',   -- JSON, owned by the detectors
  updated INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE backfill_progress(
  repo TEXT PRIMARY KEY,
  done INTEGER NOT NULL DEFAULT 0,
  updated INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

// Version 4: delivery pacing kept across restarts (a 429's Retry-After outlives the process),
// the fingerprint of the URL a destination was disabled with (a fixed URL re-enables it), and a
// version per run state, so the bot can keep detectors in memory and notice any other writer.
constexpr const char* k_schema_v4 = R"sql(
ALTER TABLE run_state ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE destinations ADD COLUMN next_send INTEGER NOT NULL DEFAULT 0;
ALTER TABLE destinations ADD COLUMN url_fingerprint TEXT;
CREATE INDEX deliveries_by_state ON deliveries(destination, state);
)sql";

// Version 5: a queued meme belongs to its destination's identity, the fingerprint of its URL
// (core::Destination::key: "slack:<16 hex>", "discord:<16 hex>", "console"), not its name, and
// outbox leases carry their owner.
//  - destinations is keyed by that identity; the in-flight sender's token lets the one who
//    reserved the next slot release it (storage/outbox.hpp). url_fingerprint is gone: the key
//    holds it.
//  - Pending rows written under a name are never re-routed: a name whose destination was
//    disabled with a known URL fingerprint is bound to that URL; "console" stays the console;
//    any other name's URL is unknown, so its rows wait as "unbound:<name>", shown as not
//    configured with their count, and are never sent anywhere. Delivered and failed rows keep
//    the name they were delivered under: they are history.
//  - Pacing and health of names without a known URL are dropped (at worst a Retry-After is
//    forgotten, and the platform's next 429 restores it).
constexpr const char* k_schema_v5 = R"sql(
ALTER TABLE deliveries ADD COLUMN lease_owner TEXT;
UPDATE OR REPLACE deliveries SET destination = coalesce(
    (SELECT d.type || ':' || d.url_fingerprint FROM destinations d
     WHERE d.name = deliveries.destination AND d.url_fingerprint IS NOT NULL
       AND (d.type = 'slack' OR d.type = 'discord')),
    'unbound:' || destination)
  WHERE state = 'pending' AND destination <> 'console';

CREATE TABLE destination_health(
  destination TEXT PRIMARY KEY,  -- core::Destination::key()
  type TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'enabled' CHECK (state = 'enabled' OR state = 'disabled'),
  last_error TEXT,
  changed INTEGER,
  next_send INTEGER NOT NULL DEFAULT 0,  -- nothing is sent before (pacing, Retry-After, a send in flight)
  sender TEXT                            -- lease owner of the send that reserved next_send
) WITHOUT ROWID;
INSERT OR REPLACE INTO destination_health(destination, type, state, last_error, changed, next_send)
  SELECT type || ':' || url_fingerprint, type, state, last_error, changed, next_send FROM destinations
  WHERE url_fingerprint IS NOT NULL AND (type = 'slack' OR type = 'discord');
DROP TABLE destinations;
ALTER TABLE destination_health RENAME TO destinations;
)sql";

// Version 6: team mode's spool (events waiting for the team's bot), and repository identities
// normalised to host/owner/name (core/repo_identity.hpp), see normalise_repo_identities().
constexpr const char* k_schema_v6 = R"sql(
CREATE TABLE spool(
  id INTEGER PRIMARY KEY,
  body TEXT NOT NULL,          -- one event, JSON, with its idempotency key
  created INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,             -- why the last attempt failed; for a refused event, the bot's reason
  refused INTEGER NOT NULL DEFAULT 0  -- 1: the bot refused it for good (400, 413, 415, 422); never sent again
);
)sql";

// Version 7: secrets the archive keeps for itself, such as the key that signs the public links
// to meme cards (delivery/card_link.hpp), so every process on the archive signs alike.
constexpr const char* k_schema_v7 = R"sql(
CREATE TABLE secrets(
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL,         -- hex
  created INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

// Version 8: the archived confusion matrices (training entries the pipeline sums up as
// "confusion matrix of <run>: …", pipeline/pipeline.cpp), newest first, for the dashboard's
// confusion page. A query uses the index only when it repeats this WHERE clause exactly.
constexpr const char* k_schema_v8 = R"sql(
CREATE INDEX entries_by_confusion ON entries(time, id)
  WHERE kind = 'training' AND substr(summary, 1, 20) = 'confusion matrix of ';
)sql";

// Version 9: the epoch a meme is about, stored with it (the training.epoch event that made it), so
// the dashboard places it exactly instead of by time, which cannot tell apart epochs archived in
// the same millisecond or sent with their own past times. Older memes keep NULL.
constexpr const char* k_schema_v9 = R"sql(
ALTER TABLE memes ADD COLUMN epoch INTEGER;
)sql";

// Version 10: a run's detector state is saved every few epochs, not after each one
// (pipeline/pipeline.hpp); its JSON names the epoch it is the state after ("epoch"), and a state
// without one was saved after the run's newest epoch. No table changes: the version only keeps
// older binaries, which would take every state for the newest epoch's, from opening the archive.
constexpr const char* k_schema_v10 = "";

struct Migration {
    int version;
    const char* sql;
    bool rebuilds_search;
    void (*then)(Database& db) = nullptr;  // data changes SQL alone cannot express
};

// Archives written before version 6 kept remote URLs as git printed them
// ("git@github.com:team/vision.git"); every spelling of one remote becomes one identity, and a
// commit archived under two spellings keeps one entry.
void normalise_repo_identities(Database& db) {
    std::vector<std::string> identities;
    {
        auto select = db.prepare("SELECT identity FROM repos");
        Statement rows(select.get());
        while (rows.step()) identities.push_back(rows.column_text(0));
    }
    for (const auto& identity : identities) {
        auto normal = core::normalize_remote_url(identity);
        if (!normal || *normal == identity) continue;
        RepoStore(db).join(identity, *normal);
    }
}

const std::vector<Migration>& migrations() {
    static const std::vector<Migration> list{
        {1, k_schema_v1, false},
        {2, k_schema_v2, true},
        {3, k_schema_v3, false},
        {4, k_schema_v4, false},
        {5, k_schema_v5, false},
        {6, k_schema_v6, false, normalise_repo_identities},
        {7, k_schema_v7, false},
        {8, k_schema_v8, false},
        {9, k_schema_v9, false},
        {10, k_schema_v10, false},
    };
    return list;
}

void rebuild_search_index(Database& db) {
    auto insert = db.prepare("INSERT INTO search_index(rowid, names, text) " +
                             search_document_select());
    Statement(insert.get()).run();
}

}  // namespace

int latest_schema_version() { return migrations().back().version; }

const std::string& search_document_select() {
    static const std::string sql = R"sql(
SELECT e.id,
       trim(coalesce(e.tag, '') || ' ' || coalesce(e.display, '') || ' ' ||
            coalesce(e.docker_tag, '') || ' ' || coalesce(e.run, '') || ' ' ||
            coalesce(e.branch, '')),
       coalesce(e.summary, '') || char(10) || e.body || char(10) ||
       coalesce((SELECT group_concat(m.caption || char(10) || m.caption_en, char(10))
                 FROM memes m WHERE m.entry_id = e.id), '')
FROM entries e
)sql";
    return sql;
}

ArchiveFileState classify_archive_file(Database& db) {
    std::int64_t application_id = db.query_int("PRAGMA application_id");
    if (application_id == k_application_id) return ArchiveFileState::memeops;
    if (application_id != 0) return ArchiveFileState::foreign;
    std::int64_t tables = db.query_int("SELECT count(*) FROM sqlite_schema");
    return tables == 0 ? ArchiveFileState::empty : ArchiveFileState::foreign;
}

int migrate_archive(Database& db, const std::string& path) { return migrate_archive_to(db, path, latest_schema_version()); }

int migrate_archive_to(Database& db, const std::string& path, int version) {
    // The common case, a current archive, needs no write lock: readers and writers elsewhere
    // carry on while this process opens it.
    if (classify_archive_file(db) == ArchiveFileState::memeops &&
        db.query_int("PRAGMA user_version") == version)
        return version;
    // Otherwise inside one IMMEDIATE transaction, so two processes opening a new archive at once migrate it
    // exactly once: the second waits, then finds it current.
    Transaction transaction(db);
    ArchiveFileState state = classify_archive_file(db);
    if (state == ArchiveFileState::foreign)
        throw core::Fatal("cannot open archive " + path,
                          "not a MemeOps archive (it is another program's SQLite database)");
    int found = state == ArchiveFileState::empty
                    ? 0
                    : static_cast<int>(db.query_int("PRAGMA user_version"));
    if (found > latest_schema_version())
        throw core::Fatal("cannot open archive " + path,
                          "it was written by a newer memeops (schema " + std::to_string(found) +
                              ", this one knows up to " +
                              std::to_string(latest_schema_version()) + "); upgrade memeops");
    for (const auto& migration : migrations()) {
        if (migration.version <= found || migration.version > version) continue;
        db.exec(migration.sql);
        if (migration.then) migration.then(db);
        if (migration.rebuilds_search) rebuild_search_index(db);
    }
    if (found < version) {
        db.exec("PRAGMA application_id = " + std::to_string(k_application_id));
        db.exec("PRAGMA user_version = " + std::to_string(version));
    }
    transaction.commit();
    return found;
}

}  // namespace memeops::storage
