// A real terminal for tests of what people see on a TTY (widths, cutting with "…").
#pragma once

#include <map>
#include <string>
#include <vector>

namespace memeops::test {

// Runs the built memeops binary with `args` in a real terminal of `columns` columns (a tmux pane
// on a server of its own, stopped afterwards), with this process's environment plus `env` and
// without COLUMNS unless `env` sets it, and returns the screen as `tmux capture-pane -p -J` shows it: every line it
// printed, rows the terminal wrapped joined back into one, trailing blank lines dropped. Throws
// std::runtime_error when the command does not finish within 20 s.
std::string run_memeops_in_terminal(const std::vector<std::string>& args, int columns,
                                    const std::map<std::string, std::string>& env = {});

}  // namespace memeops::test
