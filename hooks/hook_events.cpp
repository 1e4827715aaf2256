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

nlohmann::json version_event(nlohmann::json event, const std::string& tag) {
    event["version"] = true;
    event["tag"] = tag;
    return event;
}

}  // namespace

std::optional<HeadVersion> tag_head(git_repository* repo, const TagTaken& taken_elsewhere) {
    TagPolicy policy = tag_policy(repo);
    if (policy == TagPolicy::none || replaying_commits(repo)) return std::nullopt;
    Commit head = resolve_commit(repo, "HEAD");
    CommitInfo info = read_commit(repo, head.get(), policy == TagPolicy::versions ? WithPaths::yes : WithPaths::no);
    if (version_tag_of(repo, info.sha, TagSearch::own_pun_name)) return std::nullopt;  // tagged by an earlier run
    RepoFacts facts = repo_facts(repo);
    if (auto moved = move_amended_tag(repo, info, facts)) return moved;
    if (!is_version_commit(policy, info, version_paths(repo))) return std::nullopt;
    return tag_new_version(repo, info, facts, taken_elsewhere);
}

std::string tag_line(const HeadVersion& head) {
    return "memeops: tagged " + head.names.tag + "  " + head.caption.zh;
}

std::vector<nlohmann::json> hook_events(git_repository* repo, const IsArchived& archived,
                                        const std::optional<HeadVersion>& head, const Rewrites& rewrites,
                                        const TagTaken& taken_elsewhere) {
    RepoFacts facts = repo_facts(repo);
    TagPolicy policy = tag_policy(repo);
    WithPaths paths = policy == TagPolicy::versions ? WithPaths::yes : WithPaths::no;
    auto patterns = version_paths(repo);
    bool tag_catch_up = policy != TagPolicy::none && !replaying_commits(repo) && rewrites.empty();
    std::string head_sha = to_hex(git_commit_id(resolve_commit(repo, "HEAD").get()));
    std::vector<std::string> shas = unarchived_commits(repo, head_sha, archived);
    std::reverse(shas.begin(), shas.end());  // oldest first
    std::map<std::string, nlohmann::json> by_sha;
    std::vector<nlohmann::json> events;
    for (const auto& sha : shas) {
        Commit commit = resolve_commit(repo, sha);
        CommitInfo info = read_commit(repo, commit.get(), paths);
        nlohmann::json event = commit_event(info, facts);
        if (head && head->sha == sha) {
            event = version_event(event, head->names.tag);
            if (head->rewrites) event["rewrites"] = *head->rewrites;
        } else if (tag_catch_up && sha != head_sha && is_version_commit(policy, info, patterns)) {
            event = version_event(event, tag_new_version(repo, info, facts, taken_elsewhere).names.tag);
        }
        events.push_back(std::move(event));
    }
    for (const auto& [old_sha, new_sha] : rewrites) {
        Commit commit = resolve_commit(repo, new_sha);
        nlohmann::json event = commit_event(read_commit(repo, commit.get()), facts);
        event["rewrites"] = old_sha;
        if (auto tag = version_tag_of(repo, old_sha)) {
            move_version_tag(repo, *tag, commit.get());
            event = version_event(event, *tag);
        }
        events.push_back(std::move(event));
    }
    return events;
}

}  // namespace memeops::hooks
