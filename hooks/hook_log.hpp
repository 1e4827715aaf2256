// The hook log: where the hooks write what went wrong, since they never fail a git command and
// print nothing after git returns. `status` shows its latest lines.
#pragma once

#include <string>
#include <vector>

namespace memeops::hooks {

// $XDG_STATE_HOME/memeops/hook.log, else ~/.local/state/memeops/hook.log (the home from $HOME,
// else from the password database); "" when there is no home.
std::string hook_log_path();

// Appends "<time> <hook> (pid N, in <folder>): <what>" to the hook log, creating its folder;
// a log past 1 MiB is first moved to "hook.log.1" (replacing the previous one). Never throws: a
// log that cannot be written loses the line.
void append_hook_log(const std::string& hook, const std::string& what);

// The last `n` lines of the hook log, oldest first; none when there is no log.
std::vector<std::string> recent_hook_log_lines(size_t n);

}  // namespace memeops::hooks
