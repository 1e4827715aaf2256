// What `memeops` answers before a command line is parsed, as git and gh do: the overview of the
// commands (bare `memeops`, `memeops help`), `help CMD` as `CMD --help`, `version` and `-V` as
// `--version`, and "did you mean" for a command that does not exist.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/command.hpp"

namespace memeops::cli {

// Answers `args` (without the program name) when it is one of the above and returns the exit
// code (0, or 2 for an unknown command); otherwise returns nullopt, having rewritten
// `help CMD …` into `CMD --help`, for the parser to go on with.
std::optional<int> answer_front_door(std::vector<std::string>& args, Io& io);

// The overview: what memeops is, and each command people use (plumbing hidden) with its summary.
std::string commands_overview();

// The known command closest to `typed` (at most 2 edits away, or starting with it), if any.
std::optional<std::string> closest_command(const std::string& typed);

}  // namespace memeops::cli
