// libgit2, as the git side of MemeOps uses it: RAII handles, opening the repository a hook or a
// command runs in, and the facts about a commit that the archive keeps.
#pragma once

#include <git2.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"

namespace memeops::hooks {

// Keeps libgit2 initialised while alive (libgit2 counts init/shutdown pairs).
class LibGit2 {
public:
    LibGit2() { git_libgit2_init(); }
    ~LibGit2() { git_libgit2_shutdown(); }
    LibGit2(const LibGit2&) = delete;
    LibGit2& operator=(const LibGit2&) = delete;
};

template <typename T, void (*Free)(T*)>
struct GitDeleter {
    void operator()(T* p) const { Free(p); }
};
using Repository = std::unique_ptr<git_repository, GitDeleter<git_repository, git_repository_free>>;
using Commit = std::unique_ptr<git_commit, GitDeleter<git_commit, git_commit_free>>;
using Tree = std::unique_ptr<git_tree, GitDeleter<git_tree, git_tree_free>>;
using Reference = std::unique_ptr<git_reference, GitDeleter<git_reference, git_reference_free>>;
using Config = std::unique_ptr<git_config, GitDeleter<git_config, git_config_free>>;
using Diff = std::unique_ptr<git_diff, GitDeleter<git_diff, git_diff_free>>;
using Revwalk = std::unique_ptr<git_revwalk, GitDeleter<git_revwalk, git_revwalk_free>>;

// The message of libgit2's last error, for `what` ("cannot read HEAD").
// Throws core::Fatal(what, message).
[[noreturn]] void throw_git_error(const std::string& what);

// Opens the repository at or above `dir` (the current folder when empty). Inside a hook, git
// exports GIT_DIR (and sometimes GIT_WORK_TREE); those are honoured directly, because libgit2
// 1.5's GIT_REPOSITORY_OPEN_FROM_ENV fails when GIT_WORK_TREE is set.
// Throws core::Fatal when there is no repository.
Repository open_repository(const std::optional<std::string>& dir);

// A string from the repository's config (with global and system), or nullopt.
std::optional<std::string> config_string(git_repository* repo, const char* key);

// What identifies the repository across machines (contract §2): the origin URL normalised to
// "host/owner/name" (core/repo_identity.hpp), else the main working tree's path.
std::string repository_identity(git_repository* repo);

// The main working tree's path (shared by its linked worktrees; a bare repository's folder).
std::string main_worktree_path(git_repository* repo);

// The branch HEAD is on ("main"), or nullopt when HEAD is detached or unborn.
std::optional<std::string> current_branch(git_repository* repo);

struct DiffStats {
    int files = 0;
    int insertions = 0;
    int deletions = 0;
};

// What the archive keeps of a commit.
struct CommitInfo {
    std::string sha;
    std::vector<std::string> parents;
    std::string author;  // "Name <email>"
    core::TimeMs time = 0;
    std::string summary;  // the first line
    std::string message;  // everything, as stored (may not be UTF-8)
    DiffStats stats;
    std::vector<std::string> changed_paths;  // only filled when asked for (tag policy)
};

enum class WithPaths { no, yes };
// Diff stats read every changed file's content; deciding on a tag needs only the paths.
enum class WithStats { no, yes };

// Reads `commit`, with diff stats against its first parent (the empty tree for a root commit)
// unless WithStats::no, and with the changed paths when WithPaths::yes.
CommitInfo read_commit(git_repository* repo, git_commit* commit, WithPaths paths = WithPaths::no,
                       WithStats stats = WithStats::yes);

// The commit `rev` names ("HEAD", a sha, a branch, "HEAD~2"). Throws core::Fatal.
Commit resolve_commit(git_repository* repo, const std::string& rev);

// The hex form of an oid.
std::string to_hex(const git_oid* oid);

}  // namespace memeops::hooks
