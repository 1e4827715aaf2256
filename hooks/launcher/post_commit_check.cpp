#include "hooks/launcher/post_commit_check.hpp"

namespace memeops::hooks::launcher {
namespace {

PostCommitVerdict foreground(std::string reason) { return {PostCommitRoute::foreground, std::move(reason)}; }
PostCommitVerdict background(std::string reason) { return {PostCommitRoute::background, std::move(reason)}; }

std::string short_sha(const std::string& sha) { return sha.substr(0, 8); }

std::vector<PathBlob> version_files(const std::vector<PathBlob>& files, std::string_view patterns) {
    std::vector<PathBlob> matching;
    for (const auto& file : files)
        if (is_version_path(patterns, file.path)) matching.push_back(file);
    return matching;
}

// The tag policy "versions": compares the index's version-path files with the parent's.
PostCommitVerdict route_by_snapshot(const HookCache& cache, const CommitScene& scene) {
    const auto& newest = scene.newest_head_entry;
    if (!newest) return foreground("HEAD has no reflog entry");
    if (newest->message.starts_with("commit (amend)")) return foreground("an amend: memeops moves a version's tag");
    if (!cache.snapshot) return foreground("no snapshot of the parent's model files yet");
    if (cache.snapshot->commit != newest->old_sha)
        return foreground("the snapshot is of " + short_sha(cache.snapshot->commit) + ", the parent is " +
                          short_sha(newest->old_sha));
    if (!scene.index_files) return foreground("the index is in a form this check does not read");
    if (version_files(*scene.index_files, cache.patterns) != cache.snapshot->files)
        return foreground("files matching the version paths changed");
    return background("files matching the version paths are as in the parent " + short_sha(newest->old_sha));
}

}  // namespace

std::optional<ReflogEntry> newest_reflog_entry(std::string_view text) {
    while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
    size_t start = text.rfind('\n');
    std::string_view line = start == std::string_view::npos ? text : text.substr(start + 1);
    size_t first_space = line.find(' ');
    if (first_space == std::string_view::npos) return std::nullopt;
    size_t second_space = line.find(' ', first_space + 1);
    if (second_space == std::string_view::npos) return std::nullopt;
    size_t tab = line.find('\t', second_space);
    ReflogEntry entry{std::string(line.substr(0, first_space)),
                      std::string(line.substr(first_space + 1, second_space - first_space - 1)),
                      tab == std::string_view::npos ? std::string() : std::string(line.substr(tab + 1))};
    if (entry.old_sha.size() != 40 || entry.new_sha.size() != 40) return std::nullopt;
    return entry;
}

const std::array<std::string_view, 3>& replay_markers() {
    static const std::array<std::string_view, 3> markers{"rebase-merge", "rebase-apply", "sequencer"};
    return markers;
}

PostCommitVerdict route_post_commit(const std::optional<HookCache>& cache, const CommitScene& scene) {
    if (!cache) return foreground("no hook cache yet");
    if (cache->policy == "none") return background("tag policy none");
    if (scene.replaying) return background("commits are being replayed; post-rewrite carries versions over");
    if (cache->policy == "all") return foreground("tag policy all");
    if (cache->policy != "versions") return foreground("unknown tag policy " + cache->policy);
    return route_by_snapshot(*cache, scene);
}

}  // namespace memeops::hooks::launcher
