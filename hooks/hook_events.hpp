// The two halves of a hook run. Before git returns (the foreground): the version tag HEAD gets
// by the tag policy, so its one line is printed while the person still looks at the terminal.
// After (the background): the "commit" events to hand to the pipeline or the team's bot, for
// every commit since the last archived one and every rewrite of amend and rebase, with the
// version tags the policy asks for created or carried over in git on the way.
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hooks/capture.hpp"
#include "meme/pun_name.hpp"
#include "meme/reactions.hpp"

namespace memeops::hooks {

// The version tag the post-commit hook gave HEAD.
struct HeadVersion {
    std::string sha;
    meme::PunName names;
    meme::Caption caption;                // the version meme's caption, as printed
    std::optional<std::string> rewrites;  // an amend: the commit it replaced, whose tag moved
    bool created = false;                 // the tag is new (not carried over, not found)
    bool shown = false;                   // its line reached the person's terminal
};

// Answers whether the archive gives `tag` to a commit other than `sha`.
using TagTaken = std::function<bool(const std::string& tag, const std::string& sha)>;

// Tags HEAD when the tag policy makes it a model version: a new pun tag, or, after
// `git commit --amend` of a version, the old commit's tag moved to the new one. Nothing while a
// rebase replays commits (post-rewrite carries their versions over) or when HEAD has its tag.
std::optional<HeadVersion> tag_head(git_repository* repo, const TagTaken& taken_elsewhere);

// The line the hook prints for `head`: "memeops: tagged <tag>  <caption>".
std::string tag_line(const HeadVersion& head);

// Old → new commit pairs of post-rewrite.
using Rewrites = std::vector<std::pair<std::string, std::string>>;

// New commit → the version tag it took over from the commit it replaced.
using CarriedTags = std::map<std::string, std::string>;

// post-rewrite, before git returns: moves the version tag of every rewritten version commit to
// its new commit, so `git tag --points-at` is right as soon as the amend or rebase is done.
CarriedTags carry_over_tags(git_repository* repo, const Rewrites& rewrites);

// The events a hook hands over, oldest first: every commit reachable from HEAD not archived
// yet (`head` marked a version with its tag), then every rewritten commit with the commit it
// replaced (a version's tag moved to it in git). Commits the policy makes versions are tagged
// in git here too, but only when the walk joined archived history: a repository new to this
// archive is not tagged and posted wholesale. A version whose line a foreground hook printed
// is marked "announced", so its console delivery counts as done. Throws core::Fatal when git
// cannot be read.
std::vector<nlohmann::json> hook_events(git_repository* repo, const IsArchived& archived,
                                        const std::optional<HeadVersion>& head, const Rewrites& rewrites,
                                        const CarriedTags& carried, const TagTaken& taken_elsewhere);

}  // namespace memeops::hooks
