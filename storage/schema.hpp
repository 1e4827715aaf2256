// The archive's schema and its forward-only migrations.
//
// The version lives in PRAGMA user_version and the file is marked as a MemeOps archive with
// PRAGMA application_id, so a foreign SQLite file is told apart from an empty one. Migrations
// only go forward: a newer binary upgrades an older archive in one transaction, and an archive
// written by a newer binary is refused rather than guessed at.
#pragma once

#include <cstdint>
#include <string>

#include "storage/sqlite.hpp"

namespace memeops::storage {

// "MEME" in ASCII.
inline constexpr std::int64_t k_application_id = 0x4D454D45;

// The schema version this binary writes.
int latest_schema_version();

// What an opened file turned out to be.
enum class ArchiveFileState { empty, memeops, foreign };

// Classifies the file behind `db` by its application_id and tables.
ArchiveFileState classify_archive_file(Database& db);

// Brings `db` to the latest version. Returns the version it found. Throws core::Fatal when the
// archive is newer than this binary or is not a MemeOps archive; `path` names it in the error.
int migrate_archive(Database& db, const std::string& path);

// The same up to `version` only: an archive as an older memeops left it (tests of a migration).
int migrate_archive_to(Database& db, const std::string& path, int version);

// The SELECT that computes each entry's searchable text (tag names; summary, body and every meme
// caption), used both to build the index in a migration and to refresh one entry: it ends with
// "FROM entries e", so callers may append a WHERE clause.
const std::string& search_document_select();

}  // namespace memeops::storage
