// The git side of a model version: the annotated tag named by the commit's pun name (contract
// §6), created by the hooks and `memeops tag`, and carried over when amend or rebase rewrites
// the commit. The archive side is the pipeline's (pipeline/pipeline.hpp), which keeps the same
// name through meme::first_free_tag.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "hooks/git.hpp"
#include "meme/pun_name.hpp"
#include "meme/reactions.hpp"

namespace memeops::hooks {

// What a tag's message says: the captions, the run and the metrics.
struct TagMessage {
    meme::Caption caption;
    std::optional<std::string> run;
    storage::Metrics metrics;
};

std::string format_tag_message(const TagMessage& message);

// How far version_tag_of looks: the commit's own pun tag and its suffixed forms (cheap, for the
// foreground), or every tag (a version tag carried over by amend or rebase keeps the name of
// the commit it was first made for).
enum class TagSearch { own_pun_name, all_tags };

// The memeops version tag pointing at `sha`, if any.
std::optional<std::string> version_tag_of(git_repository* repo, const std::string& sha,
                                          TagSearch search = TagSearch::all_tags);

// The tag `commit` gets: the one it has already, else the first pun tag that is free in git and
// that `taken_elsewhere(tag, sha)` (the archive, when one is at hand) does not give another
// commit.
meme::PunName choose_version_tag(git_repository* repo, const std::string& sha,
                                 const std::function<bool(const std::string&, const std::string&)>& taken_elsewhere);

// Creates the annotated tag `tag` on `commit` with `message`. Returns false when it existed
// already (on this commit). Throws core::Fatal when git refuses.
bool create_version_tag(git_repository* repo, git_commit* commit, const std::string& tag, const std::string& message);

// Points the version tag `tag` at `commit` instead (amend, rebase), keeping its message.
void move_version_tag(git_repository* repo, const std::string& tag, git_commit* commit);

}  // namespace memeops::hooks
