#include "hooks/backfill.hpp"

#include <chrono>
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
    facts.branch.reset();  // history is not on one branch
    join_path_identity(archive, facts);
    auto archived = archive.archived_commits(facts.identity);
    std::vector<git_oid> oids = reachable_commits(repo, limit);

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
