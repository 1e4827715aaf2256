// What the hooks see of git, turned into events (contract §3, kind "commit") for the pipeline
// or the team's bot: the commits since the last archived one, the rewrites of amend and rebase,
// and which commits the tag policy makes model versions. Nothing here writes the archive.
#pragma once

#include <functional>
#include <istream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hooks/git.hpp"
#include <nlohmann/json.hpp>

namespace memeops::hooks {

// Which commits the hooks tag as model versions (git config memeops.tag).
enum class TagPolicy { all, versions, none };

TagPolicy tag_policy(git_repository* repo);
std::string to_string(TagPolicy policy);

// git config memeops.versionPaths (comma-separated globs; '*' matches across '/'), or the
// contract's default.
std::string version_patterns(git_repository* repo);

// version_patterns() one by one.
std::vector<std::string> version_paths(git_repository* repo);

// True when the commit changed a path matching one of the comma-separated `patterns`.
bool touches_version_paths(const CommitInfo& commit, const std::string& patterns);

// Whether the policy makes `commit` a model version. REQUIRES: for TagPolicy::versions, the
// commit was read WithPaths::yes.
bool is_version_commit(TagPolicy policy, const CommitInfo& commit, const std::string& patterns);

// Writes the hook cache into the repository's git dir (the worktree's own, for a linked
// worktree; never into a hooks folder, which may be committed with the project):
// hooks/launcher/hook_cache.hpp: the tag policy, the version paths, and a snapshot of HEAD's
// files matching them, which lets the hook launcher leave the next ordinary commit to the
// background without starting memeops. Rewritten only when it changed; failures are ignored
// (the launcher then lets memeops decide).
void write_hook_cache(git_repository* repo);

// Where write_hook_cache() writes: "<git dir>/memeops-policy".
std::string hook_cache_path(git_repository* repo);

// What every commit event of one repository carries.
struct RepoFacts {
    std::string identity;  // repository_identity()
    std::string path;      // the main worktree's path, so an archive can join it to the identity
    std::optional<std::string> branch;
};

RepoFacts repo_facts(git_repository* repo);

// A commit as a "commit" event document (contract §3): its sha, message, time, author, parents
// and diff stats, the repository's identity and path, and the branch.
nlohmann::json commit_event(const CommitInfo& commit, const RepoFacts& facts);

// The event as the team's bot gets it: without the facts that only mean something on this
// machine (the folder a path identity joins from).
nlohmann::json for_the_bot(nlohmann::json event);

// The event as this machine keeps it in team mode: the bot makes the version and its meme, so
// the local copy is a plain commit (an archive shared with the bot must not have it first).
nlohmann::json local_copy(nlohmann::json event);

// Answers whether a commit sha is archived already.
using IsArchived = std::function<bool(const std::string& sha)>;

// Every commit reachable from `head` that is not archived, newest first: the walk follows
// parents and stops only at archived commits, so no commit is missed however many there are and
// whatever their dates. `memeops install` archives HEAD, so history from before the hooks is
// left to backfill; at most 10,000 commits are returned.
struct Unarchived {
    std::vector<std::string> commits;  // newest first
    bool joins_archive = false;        // the walk ended at archived commits, not at the root or the cap
};
Unarchived unarchived_commits(git_repository* repo, const std::string& head, const IsArchived& archived);

// post-rewrite's standard input: "<old sha> <new sha>" lines (extra fields ignored).
std::vector<std::pair<std::string, std::string>> read_rewrites(std::istream& lines);

// The commit an amend replaced, when HEAD's newest reflog entry is `git commit --amend`.
std::optional<std::string> amended_commit(git_repository* repo);

// True while a rebase, cherry-pick sequence or am is replaying commits: their post-commit runs
// are followed by post-rewrite, which carries versions over, so post-commit makes no new tags.
bool replaying_commits(git_repository* repo);

}  // namespace memeops::hooks
