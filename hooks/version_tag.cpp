#include "hooks/version_tag.hpp"

#include <sstream>

#include "core/error.hpp"

namespace memeops::hooks {
namespace {

using Tag = std::unique_ptr<git_tag, GitDeleter<git_tag, git_tag_free>>;
using Object = std::unique_ptr<git_object, GitDeleter<git_object, git_object_free>>;

std::string format_number(double value) {
    std::ostringstream out;
    out.precision(6);
    out << value;
    return out.str();
}

// The commit a tag points at: nullopt when the tag does not exist, "" when it is not a commit.
std::optional<std::string> tagged_commit(git_repository* repo, const std::string& tag) {
    git_object* raw = nullptr;
    if (git_revparse_single(&raw, repo, ("refs/tags/" + tag).c_str()) != 0) return std::nullopt;
    Object object(raw);
    git_object* peeled = nullptr;
    if (git_object_peel(&peeled, object.get(), GIT_OBJECT_COMMIT) != 0) return std::string();
    Object commit(peeled);
    return to_hex(git_object_id(commit.get()));
}

git_signature* tagger(git_repository* repo) {
    git_signature* signature = nullptr;
    if (git_signature_default(&signature, repo) == 0) return signature;
    git_signature_now(&signature, "memeops", "memeops@localhost");
    return signature;
}

std::string message_of(git_repository* repo, const std::string& tag) {
    git_object* raw = nullptr;
    if (git_revparse_single(&raw, repo, ("refs/tags/" + tag).c_str()) != 0) return "";
    Object object(raw);
    if (git_object_type(object.get()) != GIT_OBJECT_TAG) return "";
    const char* message = git_tag_message(reinterpret_cast<git_tag*>(object.get()));
    return message ? message : "";
}

int write_tag(git_repository* repo, git_commit* commit, const std::string& tag, const std::string& message, int force) {
    git_signature* signature = tagger(repo);
    git_oid oid;
    int rc = git_tag_create(&oid, repo, tag.c_str(), reinterpret_cast<const git_object*>(commit), signature,
                            message.c_str(), force);
    git_signature_free(signature);
    return rc;
}

// The commit's own pun tag or a suffixed form of it, pointing at it.
std::optional<std::string> own_version_tag(git_repository* repo, const std::string& sha) {
    auto names = meme::pun_name(sha);
    if (!names) return std::nullopt;
    for (int n = 1; n <= 20; ++n) {
        std::string candidate = n == 1 ? names->tag : meme::tag_with_suffix(names->tag, n);
        auto target = tagged_commit(repo, candidate);
        if (!target) return std::nullopt;  // suffixes are taken in order: none further
        if (*target == names->sha) return candidate;
    }
    return std::nullopt;
}

// A pun-shaped tag ("<8 hex>-<word>-<slang>[-n]") of any commit, moved to `sha`.
std::optional<std::string> carried_version_tag(git_repository* repo, const std::string& sha) {
    struct Search {
        git_repository* repo;
        std::string sha;
        std::optional<std::string> found;
    } search{repo, sha, std::nullopt};
    git_tag_foreach(
        repo,
        [](const char* name, git_oid*, void* payload) {
            auto& s = *static_cast<Search*>(payload);
            std::string tag = std::string(name).substr(std::string("refs/tags/").size());
            bool pun_shaped = tag.size() > 9 && tag[8] == '-' && meme::is_valid_tag(tag) &&
                              tag.find_first_not_of("0123456789abcdef") == 8;
            if (pun_shaped && tagged_commit(s.repo, tag) == s.sha) {
                s.found = tag;
                return 1;  // stop
            }
            return 0;
        },
        &search);
    return search.found;
}

}  // namespace

std::string format_tag_message(const TagMessage& message) {
    std::ostringstream out;
    out << message.caption.en << "\n\n" << message.caption.zh << "\n";
    if (message.run) out << "\nrun: " << *message.run << "\n";
    if (!message.metrics.empty()) {
        out << "\nmetrics:\n";
        for (const auto& [name, value] : message.metrics) out << "  " << name << " = " << format_number(value) << "\n";
    }
    return out.str();
}

std::optional<std::string> version_tag_of(git_repository* repo, const std::string& sha, TagSearch search) {
    if (auto own = own_version_tag(repo, sha)) return own;
    if (search == TagSearch::own_pun_name) return std::nullopt;
    return carried_version_tag(repo, sha);
}

meme::PunName choose_version_tag(git_repository* repo, const std::string& sha,
                                 const std::function<bool(const std::string&, const std::string&)>& taken_elsewhere) {
    meme::PunName names = *meme::pun_name(sha);
    auto existing = version_tag_of(repo, names.sha, TagSearch::own_pun_name);
    names.tag = meme::first_free_tag(names, existing, [&](const std::string& tag) {
        auto target = tagged_commit(repo, tag);
        return (target && *target != names.sha) || (!target && taken_elsewhere && taken_elsewhere(tag, names.sha));
    });
    names.docker_tag = names.tag;
    return names;
}

bool create_version_tag(git_repository* repo, git_commit* commit, const std::string& tag, const std::string& message) {
    int rc = write_tag(repo, commit, tag, message, 0);
    if (rc == GIT_EEXISTS) return false;
    if (rc != 0) throw_git_error("cannot create tag " + tag);
    return true;
}

void move_version_tag(git_repository* repo, const std::string& tag, git_commit* commit) {
    std::string message = message_of(repo, tag);
    if (write_tag(repo, commit, tag, message.empty() ? tag + "\n" : message, 1) != 0)
        throw_git_error("cannot move tag " + tag);
}

}  // namespace memeops::hooks
