// What a --repo flag or a REF argument names, read the way git reads it.
//
// --repo (contract §2): a path to a folder inside a git repository ("." or "~/src/vision") means
// that repository's identity; anything else (an identity, any remote URL, "owner/name", a short
// name) is passed on for the archive to resolve (storage::RepoStore).
//
// REV and REF (contract §1): inside a repository, any git revision ("HEAD", "HEAD~2", a branch,
// a tag, a unique sha prefix of 4+ hex digits) resolves through git to a commit.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "hooks/git.hpp"
#include "storage/archive.hpp"

namespace memeops::cli {

std::string repo_argument(const std::string& value);

// The commit `rev` names in `repo`, for the command `command` ("name"). Throws
// core::Fatal("<command> : <rev>", why), e.g. "name : HEAD~99 : no such revision (the history
// has 3 commits)".
hooks::Commit commit_argument(git_repository* repo, const std::string& rev, std::string_view command);

// The archive entry `ref` names (show): an entry id ("#42", or digits shorter than 7) from the
// archive; else, inside a git repository (the current folder, or GIT_DIR), a git revision that
// resolves to a commit gives that commit's entry; else the archive's own reading of tags and sha
// prefixes (Archive::find). nullopt when nothing matches. Throws core::Fatal when git or the
// archive finds `ref` ambiguous.
std::optional<storage::Entry> entry_argument(storage::Archive& archive, const std::string& ref);

}  // namespace memeops::cli
