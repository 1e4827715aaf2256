// What the hooks do: archive commits as they are made, follow amends and rebases, and tag
// model versions by the repository's tag policy. Everything here is local (libgit2 and the
// archive); nothing waits on the network: memes are queued in the outbox for delivery.
#pragma once

#include <istream>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/destinations.hpp"
#include "hooks/git.hpp"
#include "meme/pun_name.hpp"
#include "storage/archive.hpp"

namespace memeops::hooks {

// Which commits the hooks tag as model versions (git config memeops.tag).
enum class TagPolicy { all, versions, none };

TagPolicy tag_policy(git_repository* repo);
std::string to_string(TagPolicy policy);

// The patterns of git config memeops.versionPaths (comma-separated; '*' matches across '/'),
// or the contract's default.
std::vector<std::string> version_paths(git_repository* repo);

// True when the commit changed a path matching one of `patterns`.
bool touches_version_paths(const CommitInfo& commit, const std::vector<std::string>& patterns);

// The archive entry of a commit.
storage::Entry commit_entry(const CommitInfo& commit, const std::string& repo,
                            const std::optional<std::string>& branch);

// Everything a capture needs, owned by the caller.
struct CaptureContext {
    git_repository* repo;
    storage::Archive& archive;
    std::vector<core::Destination> destinations;
    std::ostream& out;  // at most one line, and only when a version was tagged
};

enum class DryRun { no, yes };

struct TagRequest {
    std::optional<std::string> run;
    storage::Metrics metrics;
    DryRun dry_run = DryRun::no;
};

struct TagResult {
    meme::PunName names;  // tag carries the numeric suffix when one was needed
    bool created = false;  // false: the commit already had this tag, or a dry run
    std::int64_t entry_id = 0;
    std::string caption;
    std::string caption_en;
    std::string tag_message;
};

// Makes `commit` a model version: an annotated git tag named by its pun name (with "-2", "-3", …
// when the name is taken by another commit), the version entry in the archive with `request`'s
// metrics, and a queued version.tagged meme. With DryRun::yes it changes nothing.
TagResult tag_version(CaptureContext& context, git_commit* commit, const TagRequest& request);

// post-commit: archives HEAD and tags it when the policy says so.
void capture_post_commit(CaptureContext& context);

// post-merge: archives the merge result and any commits the merge brought in.
void capture_post_merge(CaptureContext& context);

// post-rewrite: archives the rewritten commits and marks the old entries as rewritten into
// them; `kind` is "amend" or "rebase", `lines` git's "<old> <new>" list on standard input.
void capture_post_rewrite(CaptureContext& context, const std::string& kind, std::istream& lines);

}  // namespace memeops::hooks
