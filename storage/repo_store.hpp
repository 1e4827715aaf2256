// Repositories in the archive: their identities (core/repo_identity.hpp), finding one from what
// a person types, and joining a repository archived under its path to its remote identity once
// it has one. Built on an open Archive; writes join the caller's transaction when there is one.
#pragma once

#include <optional>
#include <string>

#include "storage/archive.hpp"

namespace memeops::storage {

class RepoStore {
public:
    explicit RepoStore(Archive& archive) : m_db(archive.database()) {}
    // On a bare connection (the schema migrations use it). `db` must outlive the store.
    explicit RepoStore(Database& db) : m_db(db) {}

    // The archived identity `query` names: the identity itself (a remote URL in any form is
    // normalised first), "owner/name", the short name, or a path. nullopt when none matches;
    // throws core::Fatal when a short name or owner/name matches several repositories.
    std::optional<std::string> resolve(const std::string& query);

    // Moves everything archived under the identity `from` (a path, or an old spelling of a
    // remote) to `identity`: entries (a commit already archived under `identity` keeps that
    // entry; the other copy gives it its memes and version, then goes), CI status and backfill
    // progress. Returns how many entries moved; nothing happens when `from` is not archived.
    // REQUIRES: inside a write transaction. Archive caches of the repos table must be dropped
    // afterwards (Archive::forget_cached_repos).
    int join(const std::string& from, const std::string& identity);

private:
    std::optional<std::string> resolve_exact(const std::string& identity);
    std::optional<std::string> resolve_suffix(const std::string& suffix);
    void fold_duplicate_commits(const std::string& from, const std::string& identity);
    // Points every row that names entry `from_entry` (memes, metrics, epochs, idempotency keys,
    // CI status, run state, rewrites) at `to_entry` instead, so deleting `from_entry` leaves
    // nothing behind even on a connection that does not enforce foreign keys (the bot's ingest
    // writer); a metric or epoch `to_entry` already has is kept, the other copy deleted.
    void hand_over_references(std::int64_t from_entry, std::int64_t to_entry);

    Database& m_db;
};

}  // namespace memeops::storage
