// Glob matching shared by destination filters (reaction names) and the tag policy's version
// paths. Pure; no dependencies, so the hook launcher links it on its own.
#pragma once

#include <string_view>

namespace memeops::core {

// Whether `text` matches `glob`, where '*' matches any run of characters, '/' included (like a
// shell `case` pattern: "*.pt" matches "a/b/x.pt", "models/**" anything under models/).
bool glob_match(std::string_view glob, std::string_view text);

}  // namespace memeops::core
