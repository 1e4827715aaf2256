#include "hooks/capture.hpp"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <unordered_set>

#include "core/text.hpp"
#include "core/time.hpp"
#include "hooks/launcher/hook_cache.hpp"
#include "hooks/launcher/hook_names.hpp"
#include "hooks/launcher/post_commit_check.hpp"
#include "meme/event.hpp"

namespace memeops::hooks {
namespace {

// The most commits one hook run archives: a repository whose hooks came before any archived
// commit (install archives HEAD, older installs did not) is not swept whole; backfill is for that.
constexpr size_t k_max_walk = 10'000;

constexpr const char* k_default_version_paths = "models/**,*.onnx,*.pt,*.ckpt,*.safetensors,*.h5";

using Reflog = std::unique_ptr<git_reflog, GitDeleter<git_reflog, git_reflog_free>>;

// A commit message within an event's text limit, cut at a character boundary.
std::string bounded_message(const std::string& message) {
    if (message.size() <= meme::k_max_text_bytes) return message;
    size_t cut = meme::k_max_text_bytes;
    while (cut > 0 && (static_cast<unsigned char>(message[cut]) & 0xC0) == 0x80) --cut;
    return message.substr(0, cut);
}

}  // namespace

TagPolicy tag_policy(git_repository* repo) {
    auto value = config_string(repo, "memeops.tag");
    if (value == "all") return TagPolicy::all;
    if (value == "none") return TagPolicy::none;
    return TagPolicy::versions;
}

std::string to_string(TagPolicy policy) {
    switch (policy) {
        case TagPolicy::all: return "all";
        case TagPolicy::versions: return "versions";
        case TagPolicy::none: return "none";
    }
    return "versions";
}

std::string version_patterns(git_repository* repo) {
    return config_string(repo, "memeops.versionPaths").value_or(k_default_version_paths);
}

std::vector<std::string> version_paths(git_repository* repo) { return core::split_commas(version_patterns(repo)); }

bool touches_version_paths(const CommitInfo& commit, const std::string& patterns) {
    return std::any_of(commit.changed_paths.begin(), commit.changed_paths.end(),
                       [&](const std::string& path) { return launcher::is_version_path(patterns, path); });
}

bool is_version_commit(TagPolicy policy, const CommitInfo& commit, const std::string& patterns) {
    if (policy == TagPolicy::all) return true;
    return policy == TagPolicy::versions && touches_version_paths(commit, patterns);
}

namespace {

// HEAD's files matching `patterns` (blobs only, sorted by path bytes), or nullopt when there is
// no HEAD yet.
std::optional<launcher::ModelSnapshot> snapshot_head(git_repository* repo, const std::string& patterns) {
    git_oid head_id;
    if (git_reference_name_to_id(&head_id, repo, "HEAD") != 0) return std::nullopt;
    Commit head = resolve_commit(repo, to_hex(&head_id));
    git_tree* raw = nullptr;
    if (git_commit_tree(&raw, head.get()) != 0) return std::nullopt;
    Tree tree(raw);
    launcher::ModelSnapshot snapshot{to_hex(&head_id), {}};
    struct Walk {
        const std::string* patterns;
        std::vector<launcher::PathBlob>* files;
    } walk{&patterns, &snapshot.files};
    auto visit = [](const char* root, const git_tree_entry* entry, void* payload) -> int {
        auto* w = static_cast<Walk*>(payload);
        if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB) return 0;
        std::string path = std::string(root) + git_tree_entry_name(entry);
        if (launcher::is_version_path(*w->patterns, path))
            w->files->push_back({std::move(path), to_hex(git_tree_entry_id(entry))});
        return 0;
    };
    if (git_tree_walk(tree.get(), GIT_TREEWALK_PRE, visit, &walk) != 0) return std::nullopt;
    std::sort(snapshot.files.begin(), snapshot.files.end(),
              [](const launcher::PathBlob& a, const launcher::PathBlob& b) { return a.path < b.path; });
    return snapshot;
}

// Whether `written` already holds `wanted`'s policy and patterns and, for the policy
// "versions", a snapshot of the current HEAD.
bool is_current(const std::optional<launcher::HookCache>& written, const launcher::HookCache& wanted,
                git_repository* repo) {
    if (!written || written->policy != wanted.policy || written->patterns != wanted.patterns) return false;
    if (wanted.policy != to_string(TagPolicy::versions)) return !written->snapshot;
    git_oid head_id;
    return written->snapshot && git_reference_name_to_id(&head_id, repo, "HEAD") == 0 &&
           written->snapshot->commit == to_hex(&head_id);
}

}  // namespace

std::string hook_cache_path(git_repository* repo) {
    return (std::filesystem::path(git_repository_path(repo)) / std::string(k_hook_cache_name)).string();
}

void write_hook_cache(git_repository* repo) {
    namespace fs = std::filesystem;
    TagPolicy policy = tag_policy(repo);
    launcher::HookCache cache{to_string(policy), version_patterns(repo), std::nullopt};
    fs::path path = hook_cache_path(repo);
    std::ifstream current(path);
    std::string old((std::istreambuf_iterator<char>(current)), std::istreambuf_iterator<char>());
    if (is_current(launcher::parse_hook_cache(old), cache, repo)) return;  // spares the tree walk
    if (policy == TagPolicy::versions) cache.snapshot = snapshot_head(repo, cache.patterns);
    std::string text = launcher::format_hook_cache(cache);
    if (old == text) return;
    fs::path temporary = path;
    temporary += ".memeops-tmp." + std::to_string(getpid());  // concurrent workers never share one
    std::ofstream(temporary, std::ios::trunc) << text;
    std::error_code ignored;
    fs::rename(temporary, path, ignored);
    if (ignored) fs::remove(temporary, ignored);
}

RepoFacts repo_facts(git_repository* repo) {
    return {repository_identity(repo), main_worktree_path(repo), current_branch(repo)};
}

nlohmann::json commit_event(const CommitInfo& commit, const RepoFacts& facts) {
    nlohmann::json event{{"kind", "commit"},
                         {"commit", commit.sha},
                         {"repo", facts.identity},
                         {"time", core::format_iso8601(commit.time)},
                         {"text", bounded_message(commit.message)},
                         {"author", commit.author},
                         {"parents", commit.parents},
                         {"files", commit.stats.files},
                         {"insertions", commit.stats.insertions},
                         {"deletions", commit.stats.deletions}};
    if (facts.branch) event["branch"] = *facts.branch;
    if (facts.path != facts.identity) event["repo_path"] = facts.path;
    return event;
}

Unarchived unarchived_commits(git_repository* repo, const std::string& head, const IsArchived& archived) {
    Unarchived out;
    std::unordered_set<std::string> visited{head};
    std::vector<std::string> stack;
    if (archived(head)) out.joins_archive = true;
    else stack.push_back(head);
    while (!stack.empty() && out.commits.size() < k_max_walk) {
        std::string sha = std::move(stack.back());
        stack.pop_back();
        out.commits.push_back(sha);
        Commit commit = resolve_commit(repo, sha);
        for (unsigned i = 0; i < git_commit_parentcount(commit.get()); ++i) {
            std::string parent = to_hex(git_commit_parent_id(commit.get(), i));
            if (!visited.insert(parent).second) continue;
            if (archived(parent)) out.joins_archive = true;
            else stack.push_back(parent);
        }
    }
    if (!stack.empty()) out.joins_archive = false;  // cut at the cap
    return out;
}

nlohmann::json for_the_bot(nlohmann::json event) {
    event.erase("repo_path");
    return event;
}

nlohmann::json local_copy(nlohmann::json event) {
    for (const char* field : {"version", "tag", "metrics", "announced"}) event.erase(field);
    return event;
}

std::vector<std::pair<std::string, std::string>> read_rewrites(std::istream& lines) {
    std::vector<std::pair<std::string, std::string>> rewrites;
    for (std::string line; std::getline(lines, line);) {
        std::istringstream fields(line);
        std::string old_sha, new_sha;
        if (fields >> old_sha >> new_sha) rewrites.emplace_back(old_sha, new_sha);
    }
    return rewrites;
}

std::optional<std::string> amended_commit(git_repository* repo) {
    git_reflog* raw = nullptr;
    if (git_reflog_read(&raw, repo, "HEAD") != 0) return std::nullopt;
    Reflog reflog(raw);
    const git_reflog_entry* newest = git_reflog_entry_byindex(reflog.get(), 0);
    if (!newest) return std::nullopt;
    const char* message = git_reflog_entry_message(newest);
    if (!message || std::string_view(message).rfind("commit (amend)", 0) != 0) return std::nullopt;
    return to_hex(git_reflog_entry_id_old(newest));
}

bool replaying_commits(git_repository* repo) {
    namespace fs = std::filesystem;
    fs::path git_dir = git_repository_path(repo);
    std::error_code ignored;
    for (auto marker : launcher::replay_markers())
        if (fs::exists(git_dir / marker, ignored)) return true;
    return false;
}

}  // namespace memeops::hooks
