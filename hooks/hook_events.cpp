#include "hooks/hook_events.hpp"

#include <algorithm>
#include <map>

#include "hooks/version_tag.hpp"

namespace memeops::hooks {
namespace {

// The event-shaped facts the version caption needs.
meme::Event caption_subject(const RepoFacts& facts, const std::string& sha) {
    meme::Event event;
    event.kind = "commit";
    event.repo = facts.identity;
    event.branch = facts.branch;
    event.commit = sha;
    return event;
}

// Creates the pun tag for a version commit and returns its names and caption.
HeadVersion tag_new_version(git_repository* repo, const CommitInfo& info, const RepoFacts& facts,
                            const TagTaken& taken_elsewhere) {
    HeadVersion version{info.sha, choose_version_tag(repo, info.sha, taken_elsewhere), {}, std::nullopt};
    storage::VersionNames names{version.names.tag, version.names.display, version.names.docker_tag, std::nullopt};
    version.caption = meme::version_reaction(names, caption_subject(facts, info.sha), info.summary).caption;
    Commit commit = resolve_commit(repo, info.sha);
    version.created =
        create_version_tag(repo, commit.get(), version.names.tag, format_tag_message({version.caption, std::nullopt, {}}));
    return version;
}

// After an amend of a version commit: its tag moves to the new HEAD.
std::optional<HeadVersion> move_amended_tag(git_repository* repo, const CommitInfo& head, const RepoFacts& facts) {
    auto amended = amended_commit(repo);
    if (!amended) return std::nullopt;
    auto tag = version_tag_of(repo, *amended);
    if (!tag) return std::nullopt;
    Commit commit = resolve_commit(repo, head.sha);
    move_version_tag(repo, *tag, commit.get());
    HeadVersion version{head.sha, *meme::pun_name(head.sha), {}, amended};
    version.names.tag = version.names.docker_tag = *tag;
    storage::VersionNames names{*tag, version.names.display, *tag, std::nullopt};
    version.caption = meme::version_reaction(names, caption_subject(facts, head.sha), head.summary).caption;
    return version;
}

nlohmann::json version_event(nlohmann::json event, const std::string& tag, bool announced) {
    event["version"] = true;
    event["tag"] = tag;
    if (announced) event["announced"] = true;
    return event;
}

}  // namespace

std::optional<HeadVersion> tag_head(git_repository* repo, const TagTaken& taken_elsewhere) {
    TagPolicy policy = tag_policy(repo);
    if (policy == TagPolicy::none || replaying_commits(repo)) return std::nullopt;
    Commit head = resolve_commit(repo, "HEAD");
    CommitInfo info = read_commit(repo, head.get(), policy == TagPolicy::versions ? WithPaths::yes : WithPaths::no,
                                  WithStats::no);  // git is waiting: paths only
    if (version_tag_of(repo, info.sha, TagSearch::own_pun_name)) return std::nullopt;  // tagged by an earlier run
    RepoFacts facts = repo_facts(repo);
    if (auto moved = move_amended_tag(repo, info, facts)) return moved;
    if (!is_version_commit(policy, info, version_patterns(repo))) return std::nullopt;
    return tag_new_version(repo, info, facts, taken_elsewhere);
}

std::string tag_line(const HeadVersion& head) {
    return "memeops: tagged " + head.names.tag + "  " + head.caption.zh;
}

CarriedTags carry_over_tags(git_repository* repo, const Rewrites& rewrites) {
    CarriedTags carried;
    for (const auto& [old_sha, new_sha] : rewrites) {
        auto tag = version_tag_of(repo, old_sha);
        if (!tag) continue;
        Commit commit = resolve_commit(repo, new_sha);
        move_version_tag(repo, *tag, commit.get());
        carried[new_sha] = *tag;
    }
    return carried;
}

std::vector<nlohmann::json> hook_events(git_repository* repo, const IsArchived& archived,
                                        const std::optional<HeadVersion>& head, const Rewrites& rewrites,
                                        const CarriedTags& carried, const TagTaken& taken_elsewhere) {
    RepoFacts facts = repo_facts(repo);
    TagPolicy policy = tag_policy(repo);
    WithPaths paths = policy == TagPolicy::versions ? WithPaths::yes : WithPaths::no;
    auto patterns = version_patterns(repo);
    std::string head_sha = to_hex(git_commit_id(resolve_commit(repo, "HEAD").get()));
    Unarchived walk = unarchived_commits(repo, head_sha, archived);
    bool tag_catch_up = policy != TagPolicy::none && !replaying_commits(repo) && rewrites.empty() && walk.joins_archive;
    std::vector<std::string>& shas = walk.commits;
    std::reverse(shas.begin(), shas.end());  // oldest first
    std::map<std::string, nlohmann::json> by_sha;
    std::vector<nlohmann::json> events;
    for (const auto& sha : shas) {
        Commit commit = resolve_commit(repo, sha);
        CommitInfo info = read_commit(repo, commit.get(), paths);
        nlohmann::json event = commit_event(info, facts);
        if (head && head->sha == sha) {
            event = version_event(event, head->names.tag, head->shown);
            if (head->rewrites) event["rewrites"] = *head->rewrites;
        } else if (tag_catch_up && sha != head_sha && is_version_commit(policy, info, patterns)) {
            // HEAD is left to its own hook, whose foreground prints its line; a missed one is
            // caught up by the next commit's worker.
            // A tag that was there already came from this commit's own foreground hook.
            HeadVersion version = tag_new_version(repo, info, facts, taken_elsewhere);
            event = version_event(event, version.names.tag, !version.created);
        }
        events.push_back(std::move(event));
    }
    // Another hook's worker may have archived HEAD already, as a plain commit: its version still
    // comes with this event.
    if (head && std::find(shas.begin(), shas.end(), head->sha) == shas.end()) {
        nlohmann::json event = version_event(commit_event(read_commit(repo, resolve_commit(repo, head->sha).get()), facts),
                                             head->names.tag, head->shown);
        if (head->rewrites) event["rewrites"] = *head->rewrites;
        events.push_back(std::move(event));
    }
    for (const auto& [old_sha, new_sha] : rewrites) {
        Commit commit = resolve_commit(repo, new_sha);
        nlohmann::json event = commit_event(read_commit(repo, commit.get()), facts);
        event["rewrites"] = old_sha;
        if (auto tag = carried.find(new_sha); tag != carried.end()) event = version_event(event, tag->second, false);
        events.push_back(std::move(event));
    }
    return events;
}

}  // namespace memeops::hooks
