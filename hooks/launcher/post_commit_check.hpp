// Whether a post-commit hook run can leave HEAD to the background (an ordinary commit) or must
// let memeops decide in the foreground (it may be a model version, whose tag line has to appear
// before git returns). Pure: the launcher reads the files, this decides.
//
// HEAD is ordinary when the hook cache's snapshot is of HEAD's parent (the newest HEAD reflog
// entry's old value) and the index, which after a commit holds exactly what was committed, has
// the same version-path files as the snapshot. Anything unknown lets memeops decide: that is
// only slower, never wrong.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hooks/launcher/hook_cache.hpp"

namespace memeops::hooks::launcher {

// One line of a reflog: "<old> <new> <who> <when>\t<message>".
struct ReflogEntry {
    std::string old_sha;
    std::string new_sha;
    std::string message;
};

// The newest (last) entry of a reflog file's text; nullopt when it has none or is malformed.
std::optional<ReflogEntry> newest_reflog_entry(std::string_view text);

// What git is in the middle of while commits are replayed (files and folders of the git dir):
// rebase, cherry-pick or revert sequences and am. Their post-commit runs are followed by
// post-rewrite, which carries versions over, so post-commit tags nothing then.
const std::array<std::string_view, 3>& replay_markers();

// What the launcher knows of the repository at post-commit.
struct CommitScene {
    std::optional<ReflogEntry> newest_head_entry;
    std::optional<std::vector<PathBlob>> index_files;  // read_index_files() of the index
    bool replaying = false;                            // a replay_markers() entry exists
};

enum class PostCommitRoute { background, foreground };

struct PostCommitVerdict {
    PostCommitRoute route;
    std::string reason;  // for MEMEOPS_TRACE
};

// Where post-commit's work goes for `scene`, by the cached tag policy and snapshot.
PostCommitVerdict route_post_commit(const std::optional<HookCache>& cache, const CommitScene& scene);

}  // namespace memeops::hooks::launcher
