// git config for the settings layer (core/settings.hpp): the snapshot git itself would read
// from a folder, opened on the first lookup and kept, since starting libgit2 costs
// milliseconds.
#pragma once

#include <git2.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/settings.hpp"

namespace memeops::hooks {

// The config of the repository at or above `dir` (the current folder when empty), which
// includes the global and system files; outside a repository, the global and system files.
// The returned lookup owns its snapshot and may outlive the caller's other libgit2 use.
core::GitConfigLookup git_config_lookup(std::optional<std::string> dir);

}  // namespace memeops::hooks
