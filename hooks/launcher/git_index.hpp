// A reader of git's index file (Documentation/gitformat-index.txt, versions 2 to 4), for the
// hook launcher: after a commit, the index holds exactly the files the commit was made from.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "hooks/launcher/hook_cache.hpp"

namespace memeops::hooks::launcher {

// The files the index stages for the next commit (stage 0; intent-to-add entries and
// submodules left out), in index order (by path bytes), each with its blob sha. nullopt when
// the bytes are not an index this reader fully understands: a bad signature or version,
// truncated or inconsistent entries, conflict stages, a sparse index's directory entries, or a
// split index (whose entries live partly in another file). Pure: reads only `bytes`.
std::optional<std::vector<PathBlob>> read_index_files(std::string_view bytes);

}  // namespace memeops::hooks::launcher
