#include "hooks/backfill.hpp"

#include <algorithm>
#include <chrono>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "hooks/capture.hpp"
#include "pipeline/pipeline.hpp"
#include "storage/repo_store.hpp"

namespace memeops::hooks {
namespace {

std::vector<git_oid> reachable_commits(git_repository* repo, std::optional<size_t> limit) {
    git_revwalk* raw = nullptr;
    if (git_revwalk_new(&raw, repo) != 0) throw_git_error("cannot walk the history");
    Revwalk walk(raw);
    git_revwalk_sorting(walk.get(), GIT_SORT_TIME);
    git_revwalk_push_head(walk.get());  // fails harmlessly on an unborn HEAD
    for (const char* glob : {"refs/heads/*", "refs/tags/*", "refs/remotes/*"})
        git_revwalk_push_glob(walk.get(), glob);
    std::vector<git_oid> oids;
    git_oid oid;
    while ((!limit || oids.size() < *limit) && git_revwalk_next(&oid, walk.get()) == 0) oids.push_back(oid);
    return oids;
}

// The local branches, the trunk first (main, then master), then the branch HEAD is on, then the
// others by name: the order in which a commit on several branches is given to one.
std::vector<std::string> branches_in_order(git_repository* repo) {
    std::vector<std::string> names;
    git_branch_iterator* raw = nullptr;
    if (git_branch_iterator_new(&raw, repo, GIT_BRANCH_LOCAL) != 0) return names;
    git_reference* ref = nullptr;
    git_branch_t type;
    while (git_branch_next(&ref, &type, raw) == 0) {
        names.emplace_back(git_reference_shorthand(ref));
        git_reference_free(ref);
    }
    git_branch_iterator_free(raw);
    std::sort(names.begin(), names.end());
    std::vector<std::string> first{"main", "master"};
    if (auto head = current_branch(repo)) first.push_back(*head);
    for (auto it = first.rbegin(); it != first.rend(); ++it) {
        auto found = std::find(names.begin(), names.end(), *it);
        if (found != names.end()) std::rotate(names.begin(), found, found + 1);
    }
    return names;
}

// The commits whose branch is wanted, and the owners found so far.
struct BranchClaims {
    std::unordered_set<std::string> wanted;  // empty: every commit
    size_t wanted_owned = 0;
    std::unordered_map<std::string, std::string> owners;

    // Gives `sha` to `branch` unless it has a branch already; false when it had one.
    bool claim(const std::string& sha, const std::string& branch) {
        bool claimed = owners.try_emplace(sha, branch).second;
        if (claimed && wanted.contains(sha)) ++wanted_owned;
        return claimed;
    }
    // True once every wanted commit has its branch: walking on would change nothing asked for.
    bool settled() const { return !wanted.empty() && wanted_owned == wanted.size(); }
};

// Walks `branch` (first parents only, when asked) and gives it each commit no branch has yet;
// a walk hides the tips already walked, so each commit is visited about once.
void claim_commits(git_repository* repo, const std::string& branch, bool first_parent,
                   const std::vector<std::string>& walked, BranchClaims& claims) {
    git_revwalk* raw = nullptr;
    if (git_revwalk_new(&raw, repo) != 0) return;
    Revwalk walk(raw);
    if (first_parent) git_revwalk_simplify_first_parent(walk.get());
    if (git_revwalk_push_ref(walk.get(), ("refs/heads/" + branch).c_str()) != 0) return;
    if (!first_parent)
        for (const auto& earlier : walked) git_revwalk_hide_ref(walk.get(), ("refs/heads/" + earlier).c_str());
    for (git_oid oid; !claims.settled() && git_revwalk_next(&oid, walk.get()) == 0;)
        if (!claims.claim(to_hex(&oid), branch) && first_parent) break;
}

// The branch of each commit in `wanted` (empty: of every commit), as the hooks record it for a
// new one (the branch it was made on), guessed from history: a commit on a branch's
// first-parent line belongs to that branch (the trunk's line first); any other commit to the
// first branch, in the same order, whose history contains it. Commits only tags or remotes
// reach have none. The walks stop once every wanted commit has its branch, so a backfill of the
// newest few commits of a long history reads little of it.
std::unordered_map<std::string, std::string> branch_of_commits(git_repository* repo, std::unordered_set<std::string> wanted) {
    BranchClaims claims{std::move(wanted)};
    auto branches = branches_in_order(repo);
    for (const auto& branch : branches) claim_commits(repo, branch, true, {}, claims);
    std::vector<std::string> walked;
    for (const auto& branch : branches) {
        claim_commits(repo, branch, false, walked, claims);
        walked.push_back(branch);
    }
    return std::move(claims.owners);
}

}  // namespace

void join_path_identity(storage::Archive& archive, const RepoFacts& facts) {
    if (facts.path == facts.identity) return;
    storage::Transaction transaction(archive.database());
    if (storage::RepoStore(archive).join(facts.path, facts.identity) > 0) archive.forget_cached_repos();
    transaction.commit();
}

BackfillResult backfill(git_repository* repo, storage::Archive& archive, std::optional<size_t> limit,
                        const std::function<void(const BackfillProgress&)>& progress, size_t batch) {
    auto start = std::chrono::steady_clock::now();
    auto elapsed = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    RepoFacts facts = repo_facts(repo);
    join_path_identity(archive, facts);
    std::vector<git_oid> oids = reachable_commits(repo, limit);
    std::unordered_set<std::string> wanted;
    if (limit)
        for (const auto& oid : oids) wanted.insert(to_hex(&oid));
    auto branches = oids.empty() ? std::unordered_map<std::string, std::string>{} : branch_of_commits(repo, std::move(wanted));
    auto archived = archive.archived_commits(facts.identity);

    BackfillResult result;
    result.reachable = oids.size();
    std::vector<storage::Entry> pending;
    auto flush = [&](size_t done) {
        result.inserted += static_cast<size_t>(archive.add_new_commits(pending));
        pending.clear();
        if (progress) progress({done, oids.size(), elapsed()});
    };
    for (size_t i = 0; i < oids.size(); ++i) {
        std::string sha = to_hex(&oids[i]);
        if (!archived.contains(sha)) {
            git_commit* raw = nullptr;
            if (git_commit_lookup(&raw, repo, &oids[i]) == 0) {
                Commit commit(raw);
                auto owner = branches.find(sha);
                facts.branch = owner == branches.end() ? std::nullopt : std::optional(owner->second);
                pending.push_back(pipeline::commit_entry(meme::parse_event(commit_event(read_commit(repo, commit.get()), facts), 0)));
            }
        }
        if (pending.size() >= batch) flush(i + 1);
    }
    flush(oids.size());
    result.seconds = elapsed();
    return result;
}

}  // namespace memeops::hooks
