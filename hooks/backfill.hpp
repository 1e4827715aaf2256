// memeops backfill: archives a repository's existing history (no tags, no memes), in batches.
// Idempotent and resumable: commits already archived are skipped before any is read, so an
// interrupted run picks up where it stopped.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>

#include "hooks/capture.hpp"
#include "hooks/git.hpp"
#include "storage/archive.hpp"

namespace memeops::hooks {

struct BackfillProgress {
    size_t done = 0;   // commits handled so far (including those already archived)
    size_t total = 0;  // commits to handle
    double seconds = 0;
};

struct BackfillResult {
    size_t reachable = 0;  // commits reachable from HEAD, branches, tags and remotes
    size_t inserted = 0;   // newly archived
    double seconds = 0;
};

// Entries archived under the repository's folder before it had a remote join its remote
// identity (storage::RepoStore::join), in a transaction of its own.
void join_path_identity(storage::Archive& archive, const RepoFacts& facts);

// Walks the history reachable from HEAD and every branch, tag and remote-tracking ref, newest
// first, at most `limit` commits, and archives the ones not archived yet, `batch` per
// transaction. `progress` is called after every batch. Each commit gets the branch it was most
// likely made on, as the hooks record it for new commits: the branch on whose first-parent line
// it lies (main, then master, then HEAD's branch, then the others by name), else the first of
// them whose history contains it; none when only tags or remotes reach it.
BackfillResult backfill(git_repository* repo, storage::Archive& archive, std::optional<size_t> limit,
                        const std::function<void(const BackfillProgress&)>& progress, size_t batch = 2000);

}  // namespace memeops::hooks
