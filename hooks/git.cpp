#include "hooks/git.hpp"

#include <cstdlib>
#include <filesystem>

#include "core/error.hpp"
#include "core/repo_identity.hpp"
#include "core/settings.hpp"

namespace memeops::hooks {
namespace {

namespace fs = std::filesystem;

}  // namespace

void throw_git_error(const std::string& what) {
    const git_error* error = git_error_last();
    throw core::Fatal(what, error && error->message ? error->message : "libgit2 failed");
}

std::string to_hex(const git_oid* oid) {
    char buf[GIT_OID_HEXSZ + 1];
    git_oid_tostr(buf, sizeof buf, oid);
    return buf;
}

Repository open_repository(const std::optional<std::string>& dir) {
    git_repository* raw = nullptr;
    auto git_dir = core::env("GIT_DIR");
    if (!dir && git_dir) {
        if (git_repository_open(&raw, git_dir->c_str()) != 0)
            throw_git_error("cannot open the repository at GIT_DIR=" + *git_dir);
        Repository repo(raw);
        if (auto work_tree = core::env("GIT_WORK_TREE"))
            git_repository_set_workdir(repo.get(), work_tree->c_str(), 0);
        return repo;
    }
    std::string start = dir.value_or(".");
    if (git_repository_open_ext(&raw, start.c_str(), 0, nullptr) != 0)
        throw core::Fatal("not a git repository", fs::absolute(start).lexically_normal().string());
    return Repository(raw);
}

std::optional<std::string> config_string(git_repository* repo, const char* key) {
    git_config* raw = nullptr;
    if (git_repository_config_snapshot(&raw, repo) != 0) return std::nullopt;
    Config config(raw);
    const char* value = nullptr;
    if (git_config_get_string(&value, config.get(), key) != 0 || !value) return std::nullopt;
    return std::string(value);
}

std::string main_worktree_path(git_repository* repo) {
    fs::path common = fs::path(git_repository_commondir(repo)).lexically_normal();
    if (common.filename().empty()) common = common.parent_path();
    if (common.filename() == ".git") common = common.parent_path();
    return common.string();
}

std::string repository_identity(git_repository* repo) {
    git_remote* remote = nullptr;
    if (git_remote_lookup(&remote, repo, "origin") == 0) {
        std::string url = git_remote_url(remote) ? git_remote_url(remote) : "";
        git_remote_free(remote);
        if (auto identity = core::normalize_remote_url(url)) return *identity;
    }
    return main_worktree_path(repo);
}

std::optional<std::string> current_branch(git_repository* repo) {
    git_reference* raw = nullptr;
    if (git_repository_head(&raw, repo) != 0) return std::nullopt;
    Reference head(raw);
    if (git_repository_head_detached(repo) == 1) return std::nullopt;
    return std::string(git_reference_shorthand(head.get()));
}

Commit resolve_commit(git_repository* repo, const std::string& rev) {
    git_object* object = nullptr;
    if (git_revparse_single(&object, repo, rev.c_str()) != 0) throw_git_error("unknown revision " + rev);
    git_object* peeled = nullptr;
    int rc = git_object_peel(&peeled, object, GIT_OBJECT_COMMIT);
    git_object_free(object);
    if (rc != 0) throw_git_error(rev + " is not a commit");
    return Commit(reinterpret_cast<git_commit*>(peeled));
}

CommitInfo read_commit(git_repository* repo, git_commit* commit, WithPaths paths, WithStats with_stats) {
    CommitInfo info;
    info.sha = to_hex(git_commit_id(commit));
    for (unsigned i = 0; i < git_commit_parentcount(commit); ++i)
        info.parents.push_back(to_hex(git_commit_parent_id(commit, i)));
    const git_signature* author = git_commit_author(commit);
    info.author = std::string(author->name ? author->name : "") + " <" +
                  (author->email ? author->email : "") + ">";
    info.time = static_cast<core::TimeMs>(author->when.time) * 1000;
    info.message = git_commit_message(commit) ? git_commit_message(commit) : "";
    info.summary = git_commit_summary(commit) ? git_commit_summary(commit) : "";

    git_tree* tree_raw = nullptr;
    git_tree* parent_tree_raw = nullptr;
    if (git_commit_tree(&tree_raw, commit) != 0) return info;
    Tree tree(tree_raw);
    git_commit* parent_raw = nullptr;
    if (git_commit_parentcount(commit) > 0 && git_commit_parent(&parent_raw, commit, 0) == 0) {
        Commit parent(parent_raw);
        git_commit_tree(&parent_tree_raw, parent.get());
    }
    Tree parent_tree(parent_tree_raw);
    git_diff* diff_raw = nullptr;
    git_diff_options options = GIT_DIFF_OPTIONS_INIT;
    if (git_diff_tree_to_tree(&diff_raw, repo, parent_tree.get(), tree.get(), &options) != 0)
        return info;
    Diff diff(diff_raw);
    git_diff_stats* stats = nullptr;
    if (with_stats == WithStats::yes && git_diff_get_stats(&stats, diff.get()) == 0) {
        info.stats.files = static_cast<int>(git_diff_stats_files_changed(stats));
        info.stats.insertions = static_cast<int>(git_diff_stats_insertions(stats));
        info.stats.deletions = static_cast<int>(git_diff_stats_deletions(stats));
        git_diff_stats_free(stats);
    }
    if (paths == WithPaths::yes) {
        for (size_t i = 0; i < git_diff_num_deltas(diff.get()); ++i) {
            const git_diff_delta* delta = git_diff_get_delta(diff.get(), i);
            info.changed_paths.emplace_back(delta->new_file.path ? delta->new_file.path
                                                                 : delta->old_file.path);
        }
    }
    return info;
}

}  // namespace memeops::hooks
