// The hook cache ("memeops-policy" beside the hooks): what the memeops hook launcher needs to
// tell an ordinary commit from a possible model version without starting memeops or git.
//
// memeops writes it (install, and every background hook run); the launcher only reads it. Text:
//   line 1  the tag policy: all, versions or none (git config memeops.tag)
//   line 2  the version paths, comma-separated (git config memeops.versionPaths)
//   line 3  "snapshot <commit sha>", when a snapshot follows
//   then    "<blob sha> <path>" for every file of that commit matching the version paths,
//           sorted by path bytes (git's index order)
// A missing or unreadable cache, or one without a snapshot, only means the launcher lets memeops
// decide (slower, never wrong).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace memeops::hooks::launcher {

// A file of a commit: its path and its blob's sha (40 hex).
struct PathBlob {
    std::string path;
    std::string blob;
    bool operator==(const PathBlob&) const = default;
};

// The version-path files of one commit, sorted by path bytes.
struct ModelSnapshot {
    std::string commit;
    std::vector<PathBlob> files;
};

struct HookCache {
    std::string policy;    // "all", "versions" or "none"
    std::string patterns;  // comma-separated globs
    std::optional<ModelSnapshot> snapshot;
};

// The cache as text. A snapshot with a path that holds a newline cannot be written: it is left
// out, so the launcher lets memeops decide.
std::string format_hook_cache(const HookCache& cache);

// The cache from its text; nullopt when the first two lines are missing. A malformed snapshot
// is dropped (the policy and patterns still count).
std::optional<HookCache> parse_hook_cache(std::string_view text);

// Whether `path` matches one of the comma-separated globs in `patterns`.
bool is_version_path(std::string_view patterns, std::string_view path);

}  // namespace memeops::hooks::launcher
