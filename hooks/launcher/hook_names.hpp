// The hooks memeops installs, and which of them git feeds on standard input. Pure; shared by
// the installer and the hook launcher.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace memeops::hooks {

// The hooks memeops has work for (post-commit, post-merge, post-rewrite): the only names it
// installs, so a name given on the command line never reaches a path unchecked.
const std::vector<std::string>& installable_hook_names();

// True when `name` is one of installable_hook_names(), exactly.
bool is_installable_hook(std::string_view name);

// Hooks that git feeds on standard input (the launcher passes it to both programs).
bool hook_reads_stdin(std::string_view name);

// The suffix a hook that was there before memeops keeps, beside ours ("post-commit.pre-memeops").
inline constexpr std::string_view k_chained_suffix = ".pre-memeops";

// The file beside the hooks that caches the tag policy and the parent's model files.
inline constexpr std::string_view k_hook_cache_name = "memeops-policy";

}  // namespace memeops::hooks
