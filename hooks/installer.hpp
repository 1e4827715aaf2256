// Installing MemeOps' hook scripts into the folder git really runs hooks from.
//
// A hook that was there before is kept beside ours as "<name>.pre-memeops" and run first, with
// the same arguments and standard input, so it keeps working and keeps its exit status; it is
// never deleted, and uninstall renames it back byte for byte. Installing twice changes nothing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <git2.h>

namespace memeops::hooks {

// The hooks memeops has work for (post-commit, post-merge, post-rewrite): the only names it
// installs, so a name given on the command line never reaches a path or a script unchecked.
const std::vector<std::string>& installable_hook_names();

// The hooks installed by default: every installable one.
const std::vector<std::string>& default_hook_names();

// True when `name` is one of installable_hook_names(), exactly.
bool is_installable_hook(std::string_view name);

// Why `name` is refused: "<name> is not a hook memeops installs (post-commit, post-merge,
// post-rewrite)". One wording for the command line and the library.
std::string not_installable_reason(std::string_view name);

// Hooks that git feeds on standard input (the script must pass it to both programs).
bool hook_reads_stdin(const std::string& name);

// The folder git runs `repo`'s hooks from: core.hooksPath (absolute, "~/…", or relative to the
// working tree's top), else the common git dir's hooks/ (shared by linked worktrees; a
// submodule's own under .git/modules/). Throws core::Fatal for a bare repository.
std::string hooks_folder(git_repository* repo);

// The script installed as hook `name`; it runs `memeops_path`, or `memeops` from PATH when that
// file is gone. Every value put into the script is quoted for sh. Pure: depends on its arguments
// only. REQUIRES: is_installable_hook(name) (throws core::Fatal otherwise).
std::string hook_script(const std::string& name, const std::string& memeops_path);

// True when `path` is a hook script written by hook_script().
bool is_memeops_hook(const std::string& path);

enum class HookState { missing, installed, installed_chained, outdated, foreign };

std::string to_string(HookState state);

struct HookReport {
    std::string name;
    HookState state;
    std::string note;  // what was done, or why not
};

// Installs `names` into `folder`. Throws core::Fatal, before writing anything, when one of
// `names` is not installable. Per hook: writes the script, moving an existing foreign hook
// aside to "<name>.pre-memeops" first; leaves an up-to-date script alone. Refuses (reports, and
// changes nothing for that hook) when both a foreign hook and a "<name>.pre-memeops" exist.
std::vector<HookReport> install_hooks(const std::string& folder, const std::vector<std::string>& names,
                                      const std::string& memeops_path);

// Removes every MemeOps script from `folder` and renames "<name>.pre-memeops" back.
std::vector<HookReport> uninstall_hooks(const std::string& folder);

// The state of each of `names` in `folder`.
std::vector<HookReport> hook_states(const std::string& folder, const std::vector<std::string>& names,
                                    const std::string& memeops_path);

// The absolute path of the running memeops binary.
std::string current_executable();

}  // namespace memeops::hooks
