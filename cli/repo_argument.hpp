// What a --repo flag names (contract §2): a path to a folder inside a git repository ("." or
// "~/src/vision") means that repository's identity; anything else (an identity, any remote URL,
// "owner/name", a short name) is passed on for the archive to resolve (storage::RepoStore).
#pragma once

#include <string>

namespace memeops::cli {

std::string repo_argument(const std::string& value);

}  // namespace memeops::cli
