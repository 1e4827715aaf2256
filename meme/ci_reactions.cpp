#include "meme/ci_reactions.hpp"

#include "core/text.hpp"

namespace memeops::meme {

CiOutcome classify_ci_status(const std::string& status) {
    std::string s = core::ascii_lower(status);
    if (s == "failure" || s == "failed" || s == "timed_out" || s == "startup_failure") return CiOutcome::failure;
    if (s == "success" || s == "passed") return CiOutcome::success;
    return CiOutcome::other;
}

std::optional<CiReaction> ci_reaction(const std::string& status, const std::optional<std::string>& previous) {
    switch (classify_ci_status(status)) {
        case CiOutcome::failure: return CiReaction{"ci.failed", 1};
        case CiOutcome::success:
            if (previous && classify_ci_status(*previous) == CiOutcome::failure) return CiReaction{"ci.fixed", 2};
            return CiReaction{"ci.passed", 3};
        case CiOutcome::other: return std::nullopt;
    }
    return std::nullopt;
}

}  // namespace memeops::meme
