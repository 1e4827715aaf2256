#include "hooks/capture.hpp"

#include <sstream>

#include "core/error.hpp"
#include "core/text.hpp"
#include "meme/caption.hpp"

namespace memeops::hooks {
namespace {

constexpr const char* k_default_version_paths = "models/**,*.onnx,*.pt,*.ckpt,*.safetensors,*.h5";
constexpr int k_version_priority = 2;

std::string format_number(double value) {
    std::ostringstream out;
    out.precision(6);
    out << value;
    return out.str();
}

std::string tag_message(const TagResult& result, const TagRequest& request) {
    std::ostringstream message;
    message << result.caption_en << "\n\n" << result.caption << "\n";
    if (request.run) message << "\nrun: " << *request.run << "\n";
    if (!request.metrics.empty()) {
        message << "\nmetrics:\n";
        for (const auto& [name, value] : request.metrics) message << "  " << name << " = " << format_number(value) << "\n";
    }
    return message.str();
}

// The commit a tag points at, or nullopt when the tag does not exist.
std::optional<std::string> tagged_commit(git_repository* repo, const std::string& tag) {
    git_object* object = nullptr;
    if (git_revparse_single(&object, repo, ("refs/tags/" + tag).c_str()) != 0) return std::nullopt;
    git_object* peeled = nullptr;
    std::optional<std::string> sha;
    if (git_object_peel(&peeled, object, GIT_OBJECT_COMMIT) == 0) {
        sha = to_hex(git_object_id(peeled));
        git_object_free(peeled);
    }
    git_object_free(object);
    return sha.value_or("");
}

// The pun tag with the first free suffix: free in git and in the archive, or already naming
// this very commit.
std::string free_tag(CaptureContext& context, const meme::PunName& names) {
    for (int n = 1;; ++n) {
        std::string candidate = n == 1 ? names.tag : meme::tag_with_suffix(names.tag, n);
        auto existing = tagged_commit(context.repo, candidate);
        bool git_free = !existing || *existing == names.sha;
        if (git_free && !context.archive.tag_names_other_commit(candidate, names.sha)) return candidate;
    }
}

git_signature* tagger(git_repository* repo) {
    git_signature* signature = nullptr;
    if (git_signature_default(&signature, repo) == 0) return signature;
    git_signature_now(&signature, "memeops", "memeops@localhost");
    return signature;
}

void create_git_tag(git_repository* repo, git_commit* commit, const std::string& tag,
                    const std::string& message) {
    git_signature* signature = tagger(repo);
    git_oid oid;
    int rc = git_tag_create(&oid, repo, tag.c_str(), reinterpret_cast<const git_object*>(commit),
                            signature, message.c_str(), 0);
    git_signature_free(signature);
    if (rc != 0 && rc != GIT_EEXISTS) throw_git_error("cannot create tag " + tag);
}

storage::Meme version_meme(const CaptureContext& context, const TagResult& result) {
    storage::Meme meme;
    meme.reaction = "version.tagged";
    meme.priority = k_version_priority;
    meme.caption = result.caption;
    meme.caption_en = result.caption_en;
    meme.created = core::now_ms();
    for (const auto& name : core::routes_for(context.destinations, meme.reaction, meme.priority))
        meme.deliveries.push_back({name, storage::DeliveryState::pending, 0, std::nullopt});
    return meme;
}

std::int64_t ensure_entry(CaptureContext& context, git_commit* commit, const std::string& repo) {
    CommitInfo info = read_commit(context.repo, commit);
    if (auto id = context.archive.git_entry_id(repo, info.sha)) return *id;
    storage::Entry entry = commit_entry(info, repo, current_branch(context.repo));
    std::vector<storage::Entry> one{entry};
    context.archive.add_new_commits(one);
    return one[0].id ? one[0].id : context.archive.git_entry_id(repo, info.sha).value_or(0);
}

// Archives commits reachable from `head` but not from `hide` (at most `limit`), untagged.
int archive_range(CaptureContext& context, const git_oid* head, const git_oid* hide, size_t limit) {
    git_revwalk* raw = nullptr;
    if (git_revwalk_new(&raw, context.repo) != 0) return 0;
    Revwalk walk(raw);
    git_revwalk_push(walk.get(), head);
    if (hide) git_revwalk_hide(walk.get(), hide);
    std::string repo = repository_identity(context.repo);
    auto branch = current_branch(context.repo);
    std::vector<storage::Entry> entries;
    git_oid oid;
    while (entries.size() < limit && git_revwalk_next(&oid, walk.get()) == 0) {
        git_commit* commit = nullptr;
        if (git_commit_lookup(&commit, context.repo, &oid) != 0) continue;
        Commit owned(commit);
        entries.push_back(commit_entry(read_commit(context.repo, commit), repo, branch));
    }
    return context.archive.add_new_commits(entries);
}

// HEAD's recent history not archived yet, newest first: at most k_catch_up commits, and the walk
// stops after k_archived_run archived ones in a row (the rest was seen before).
std::vector<git_oid> unarchived_history(CaptureContext& context, const std::string& repo, const git_oid* head) {
    constexpr size_t k_catch_up = 64;
    constexpr int k_archived_run = 8;
    git_revwalk* raw = nullptr;
    std::vector<git_oid> found;
    if (git_revwalk_new(&raw, context.repo) != 0) return found;
    Revwalk walk(raw);
    git_revwalk_sorting(walk.get(), GIT_SORT_TIME);
    git_revwalk_push(walk.get(), head);
    // A repository seen for the first time starts its archive at HEAD; backfill is for the rest.
    size_t limit = context.archive.has_commits(repo) ? k_catch_up : 1;
    int archived_in_a_row = 0;
    git_oid oid;
    while (found.size() < limit && archived_in_a_row < k_archived_run &&
           git_revwalk_next(&oid, walk.get()) == 0) {
        if (context.archive.git_entry_id(repo, to_hex(&oid))) {
            ++archived_in_a_row;
        } else {
            archived_in_a_row = 0;
            found.push_back(oid);
        }
    }
    return found;
}

// True when the archive has `sha` as a version already (the hook ran twice for one commit).
bool already_version(CaptureContext& context, const std::string& repo, const std::string& sha) {
    auto id = context.archive.git_entry_id(repo, sha);
    if (!id) return false;
    auto entry = context.archive.find("#" + std::to_string(*id));
    return entry && entry->kind == storage::EntryKind::version;
}

void announce(CaptureContext& context, const TagResult& result) {
    context.out << "memeops: tagged " << result.names.tag << "  " << result.names.display << "\n";
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

std::vector<std::string> version_paths(git_repository* repo) {
    return core::split_commas(config_string(repo, "memeops.versionPaths").value_or(k_default_version_paths));
}

bool touches_version_paths(const CommitInfo& commit, const std::vector<std::string>& patterns) {
    for (const auto& path : commit.changed_paths)
        for (const auto& pattern : patterns)
            if (core::glob_match(pattern, path)) return true;
    return false;
}

storage::Entry commit_entry(const CommitInfo& commit, const std::string& repo,
                            const std::optional<std::string>& branch) {
    storage::Entry entry;
    entry.kind = storage::EntryKind::commit;
    entry.time = commit.time;
    entry.repo = repo;
    entry.branch = branch;
    entry.commit = commit.sha;
    entry.summary = commit.summary;
    entry.body = commit.message;
    entry.details = {{"author", commit.author},
                     {"parents", commit.parents},
                     {"files", commit.stats.files},
                     {"insertions", commit.stats.insertions},
                     {"deletions", commit.stats.deletions}};
    return entry;
}

TagResult tag_version(CaptureContext& context, git_commit* commit, const TagRequest& request) {
    std::string sha = to_hex(git_commit_id(commit));
    TagResult result;
    result.names = *meme::pun_name(sha);
    result.names.tag = free_tag(context, result.names);
    result.names.docker_tag = result.names.tag;
    std::string repo = repository_identity(context.repo);
    auto branch = current_branch(context.repo);
    auto caption = meme::render_caption(
        "version.tagged", result.names.tag,
        {{"tag", result.names.tag}, {"display", result.names.display},
         {"repo", storage::repo_short_name(repo)}, {"branch", branch.value_or("detached HEAD")},
         {"commit", sha.substr(0, 8)}, {"summary", git_commit_summary(commit) ? git_commit_summary(commit) : ""}});
    result.caption = caption.zh;
    result.caption_en = caption.en;
    result.tag_message = tag_message(result, request);
    if (request.dry_run == DryRun::yes) return result;

    bool existed = tagged_commit(context.repo, result.names.tag).has_value();
    create_git_tag(context.repo, commit, result.names.tag, result.tag_message);
    result.created = !existed;
    result.entry_id = ensure_entry(context, commit, repo);
    storage::Meme meme = version_meme(context, result);
    bool made = context.archive.make_version(
        result.entry_id, {result.names.tag, result.names.display, result.names.docker_tag, request.run},
        request.metrics, meme);
    if (!made && !request.run && request.metrics.empty()) result.entry_id = 0;  // another process did it
    return result;
}

void capture_post_commit(CaptureContext& context) {
    // The capture may run in the background, after further commits: so it archives every recent
    // commit of HEAD's history that is not archived yet, not just whatever HEAD is now.
    Commit head = resolve_commit(context.repo, "HEAD");
    TagPolicy policy = tag_policy(context.repo);
    std::string repo = repository_identity(context.repo);
    auto branch = current_branch(context.repo);
    WithPaths paths = policy == TagPolicy::versions ? WithPaths::yes : WithPaths::no;
    std::vector<storage::Entry> entries;
    std::vector<CommitInfo> infos;
    for (const git_oid& oid : unarchived_history(context, repo, git_commit_id(head.get()))) {
        git_commit* raw = nullptr;
        if (git_commit_lookup(&raw, context.repo, &oid) != 0) continue;
        Commit commit(raw);
        infos.push_back(read_commit(context.repo, commit.get(), paths));
        entries.push_back(commit_entry(infos.back(), repo, branch));
    }
    context.archive.add_new_commits(entries);
    if (policy == TagPolicy::none) return;
    auto patterns = version_paths(context.repo);
    std::vector<TagResult> tagged;
    for (auto info = infos.rbegin(); info != infos.rend(); ++info) {  // oldest first
        if (policy == TagPolicy::versions && !touches_version_paths(*info, patterns)) continue;
        if (already_version(context, repo, info->sha)) continue;
        Commit commit = resolve_commit(context.repo, info->sha);
        TagResult result = tag_version(context, commit.get(), {});
        if (result.entry_id) tagged.push_back(result);
    }
    if (tagged.size() == 1) announce(context, tagged.front());
    else if (tagged.size() > 1)
        context.out << "memeops: tagged " << tagged.size() << " versions, the latest "
                    << tagged.back().names.tag << "\n";
}

void capture_post_merge(CaptureContext& context) {
    Commit head = resolve_commit(context.repo, "HEAD");
    git_oid orig_head;
    bool has_orig = git_reference_name_to_id(&orig_head, context.repo, "ORIG_HEAD") == 0;
    archive_range(context, git_commit_id(head.get()), has_orig ? &orig_head : nullptr, 10'000);
}

void capture_post_rewrite(CaptureContext& context, const std::string& kind, std::istream& lines) {
    std::string repo = repository_identity(context.repo);
    auto branch = current_branch(context.repo);
    std::vector<std::pair<std::string, std::string>> rewrites;
    std::vector<storage::Entry> entries;
    for (std::string line; std::getline(lines, line);) {
        std::istringstream fields(line);
        std::string old_sha, new_sha;
        if (!(fields >> old_sha >> new_sha)) continue;
        rewrites.emplace_back(old_sha, new_sha);
        Commit commit = resolve_commit(context.repo, new_sha);
        entries.push_back(commit_entry(read_commit(context.repo, commit.get()), repo, branch));
    }
    context.archive.add_new_commits(entries);
    // An amend also ran post-commit, which archived and (by policy) tagged the new commit;
    // what is left for both kinds is to link the old entries to the new ones.
    (void)kind;
    for (const auto& [old_sha, new_sha] : rewrites)
        if (auto id = context.archive.git_entry_id(repo, new_sha)) context.archive.mark_rewritten(repo, old_sha, *id);
}

}  // namespace memeops::hooks
