// CI reactions (contract §3): ci.failed, ci.fixed and ci.passed, from a pipeline's status and
// the last status of the same repo, branch and pipeline. Pure: the caller keeps the history.
#pragma once

#include <optional>
#include <string>

namespace memeops::meme {

enum class CiOutcome { failure, success, other };

// "failure", "failed", "timed_out", "startup_failure" → failure; "success", "passed" → success;
// anything else (cancelled, skipped, running, …) → other. Case-insensitive.
CiOutcome classify_ci_status(const std::string& status);

struct CiReaction {
    std::string reaction;  // "ci.failed", "ci.fixed", "ci.passed"
    int priority;          // P1, P2, P3
};

// The reaction to a finished pipeline with `status`, given the `previous` status recorded for
// its repo, branch and pipeline name (nullopt when none): failure → ci.failed; success right after
// a failure → ci.fixed; any other success → ci.passed; other outcomes → nullopt.
std::optional<CiReaction> ci_reaction(const std::string& status, const std::optional<std::string>& previous);

}  // namespace memeops::meme
