// A repository's identity, the one spelling every producer agrees on (contract §2): a remote
// URL in any of git's forms becomes "host/owner/name", so a commit seen by a hook
// (git@github.com:team/vision.git), a CI webhook (https://github.com/team/vision) and a
// teammate's clone (ssh://git@github.com/team/vision) land on the same entries.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace memeops::core {

// "git@github.com:team/vision.git", "https://user:token@github.com/team/vision/",
// "ssh://git@github.com:22/team/vision.git" → "github.com/team/vision": host in lower case, no
// credentials, port, scheme, trailing ".git" or slashes. nullopt for anything that is not a
// network remote (a local path, file://, an empty string).
std::optional<std::string> normalize_remote_url(std::string_view url);

// The identity to archive `repo` under: a remote URL normalised, anything else (a path, an
// "owner/name", a short name) as given.
std::string repo_identity(std::string_view repo);

// `path` without trailing slashes and one ".git": "team/vision.git/" → "team/vision".
std::string_view without_git_suffix(std::string_view path);

// The short name of an identity: "github.com/team/my-model" → "my-model", "/home/lin/vision" →
// "vision".
std::string repo_short_name(std::string_view identity);

// Whether `identity` is a local path (the identity of a repository without a remote).
bool is_path_identity(std::string_view identity);

}  // namespace memeops::core
