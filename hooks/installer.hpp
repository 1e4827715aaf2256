// Installing memeops' hooks into the folder git really runs hooks from: each is a link to the
// hook launcher (hooks/launcher/launcher_main.cpp), named after the hook.
//
// A hook that was there before is kept beside ours as "<name>.pre-memeops" and run first, with
// the same arguments and standard input, so it keeps working and keeps its exit status; it is
// never deleted, and uninstall renames it back byte for byte. Installing twice changes nothing.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <git2.h>

#include "hooks/launcher/hook_names.hpp"

namespace memeops::hooks {

// The hooks installed by default: every installable one.
const std::vector<std::string>& default_hook_names();

// Why `name` is refused: "<name> is not a hook memeops installs (post-commit, post-merge,
// post-rewrite)". One wording for the command line and the library.
std::string not_installable_reason(std::string_view name);

// The folder git runs `repo`'s hooks from: core.hooksPath (absolute, "~/…", or relative to the
// working tree's top), else the common git dir's hooks/ (shared by linked worktrees; a
// submodule's own under .git/modules/). Throws core::Fatal for a bare repository.
std::string hooks_folder(git_repository* repo);

// True when `path` is a memeops hook: a link to the hook launcher (memeops-hook), or a hook
// script written by an earlier version.
bool is_memeops_hook(const std::string& path);

// The hook launcher beside the running memeops binary. Throws core::Fatal when it is missing.
std::string hook_launcher_path();

enum class HookState { missing, installed, installed_chained, outdated, foreign };

std::string to_string(HookState state);

struct HookReport {
    std::string name;
    HookState state;
    std::string note;  // what was done, or why not
};

// How a folder committed with the project (core.hooksPath=.husky) gets its hooks: scripts that
// run the launcher as `command` with the hook's path ("exec memeops-hook \"$0\" \"$@\""), since a
// link to this machine's launcher would be committed as an absolute path.
struct HookScript {
    std::string command;  // launcher_command()
};

// How a committed hook script names `launcher`: "memeops-hook" when PATH finds this very file
// (every machine with memeops installed has it there), else its absolute path.
std::string launcher_command(const std::string& launcher);

// Installs `names` into `folder` as links to `launcher` (as scripts when `script` is given). Throws core::Fatal, before writing
// anything, when one of `names` is not installable. Per hook: moves an existing foreign hook
// aside to "<name>.pre-memeops" first; leaves an up-to-date link alone; replaces an older
// memeops hook. Refuses (reports, and changes nothing for that hook) when both a foreign hook
// and a "<name>.pre-memeops" exist.
std::vector<HookReport> install_hooks(const std::string& folder, const std::vector<std::string>& names,
                                      const std::string& launcher, const std::optional<HookScript>& script = std::nullopt);

// Removes every memeops hook from `folder` (and a hook cache older versions kept there), and
// renames "<name>.pre-memeops" back. One report per hook removed, its note saying when an earlier hook was put back.
std::vector<HookReport> uninstall_hooks(const std::string& folder);

// The state of each of `names` in `folder`: "outdated" unless it links to `launcher` or is a
// hook script that runs it (by name or path).
std::vector<HookReport> hook_states(const std::string& folder, const std::vector<std::string>& names,
                                    const std::string& launcher);

// The absolute path of the running memeops binary.
std::string current_executable();

}  // namespace memeops::hooks
