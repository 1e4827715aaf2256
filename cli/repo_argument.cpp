#include "cli/repo_argument.hpp"

#include <algorithm>
#include <filesystem>

#include "core/error.hpp"
#include "core/text.hpp"

namespace memeops::cli {
namespace {

// How many commits HEAD's history holds (0 for an unborn HEAD).
std::int64_t count_history(git_repository* repo) {
    git_revwalk* raw = nullptr;
    if (git_revwalk_new(&raw, repo) != 0) return 0;
    hooks::Revwalk walk(raw);
    if (git_revwalk_push_head(walk.get()) != 0) return 0;
    std::int64_t count = 0;
    for (git_oid oid; git_revwalk_next(&oid, walk.get()) == 0;) ++count;
    return count;
}

// The commit `rev` names as git's revision syntax reads it ("HEAD~2", a branch, a tag, a unique
// sha prefix of 4+ digits); nullopt when it names nothing. Throws core::Fatal(rev, why) when it
// is ambiguous or names something that is not a commit.
std::optional<hooks::Commit> find_commit(git_repository* repo, const std::string& rev) {
    git_object* object = nullptr;
    int rc = git_revparse_single(&object, repo, rev.c_str());
    if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC) return std::nullopt;
    if (rc == GIT_EAMBIGUOUS)
        throw core::Fatal(rev, "ambiguous revision: it starts more than one object; give more digits");
    if (rc != 0) hooks::throw_git_error(rev);
    git_object* peeled = nullptr;
    rc = git_object_peel(&peeled, object, GIT_OBJECT_COMMIT);
    git_object_free(object);
    if (rc != 0) throw core::Fatal(rev, "not a commit");
    return hooks::Commit(reinterpret_cast<git_commit*>(peeled));
}

// An entry id as `show` takes it; all-digit refs of 7+ characters are read as shas first.
bool looks_like_entry_id(const std::string& ref) {
    bool digits = !ref.empty() && std::all_of(ref.begin(), ref.end(), [](unsigned char c) { return std::isdigit(c); });
    return (!ref.empty() && ref.front() == '#') || (digits && ref.size() < 7);
}

// The commit `ref` names in the repository of the current folder, as a full sha; nullopt outside
// a repository or when git does not know `ref`.
std::optional<std::pair<std::string, std::string>> commit_in_current_repository(const std::string& ref) {
    hooks::LibGit2 lib;
    std::optional<hooks::Repository> repo;
    try {
        repo = hooks::open_repository(std::nullopt);
    } catch (const core::Fatal&) {
        return std::nullopt;
    }
    auto commit = find_commit(repo->get(), ref);
    if (!commit) return std::nullopt;
    return std::pair(hooks::repository_identity(repo->get()), hooks::to_hex(git_commit_id(commit->get())));
}

}  // namespace

std::string repo_argument(const std::string& value) {
    std::error_code error;
    if (value.empty() || !std::filesystem::is_directory(value, error)) return value;
    hooks::LibGit2 lib;
    git_repository* raw = nullptr;
    if (git_repository_open_ext(&raw, value.c_str(), 0, nullptr) != 0) return value;
    hooks::Repository repo(raw);
    return hooks::repository_identity(repo.get());
}

hooks::Commit commit_argument(git_repository* repo, const std::string& rev, std::string_view command) {
    std::string what = std::string(command) + " : " + rev;
    try {
        if (auto commit = find_commit(repo, rev)) return std::move(*commit);
    } catch (const core::Fatal& e) {
        throw core::Fatal(what, e.reason());
    }
    throw core::Fatal(what, "no such revision (the history has " +
                                core::count_of(count_history(repo), "commit", "commits") + ")");
}

std::optional<storage::Entry> entry_argument(storage::Archive& archive, const std::string& ref) {
    if (looks_like_entry_id(ref)) return archive.find(ref);
    if (auto commit = commit_in_current_repository(ref)) {
        const auto& [identity, sha] = *commit;
        auto id = archive.git_entry_id(identity, sha);
        if (id) return archive.find("#" + std::to_string(*id));
        if (auto entry = archive.find(sha)) return entry;
    }
    return archive.find(ref);
}

}  // namespace memeops::cli
