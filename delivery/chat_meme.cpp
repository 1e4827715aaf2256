#include "delivery/chat_meme.hpp"

#include <algorithm>

#include "core/repo_identity.hpp"
#include "core/text.hpp"
#include "storage/entry.hpp"

namespace memeops::delivery {

ChatMeme to_chat(const storage::Meme& meme, storage::MemeSubject subject) {
    return {meme.reaction, meme.priority, meme.caption, meme.caption_en, std::move(subject)};
}

storage::MemeSubject subject_of(const meme::Event& event) {
    storage::MemeSubject subject;
    subject.kind = meme::entry_kind(event);
    subject.time = event.time;
    subject.repo = event.repo;
    subject.branch = event.branch;
    subject.commit = event.commit;
    subject.run = event.run;
    if (event.kind == "ci.pipeline") subject.pipeline = event.name;
    subject.url = event.url;
    return subject;
}

std::optional<std::string> web_link(const std::optional<std::string>& url) {
    if (!url) return std::nullopt;
    std::string lower = core::ascii_lower(*url);
    if (!lower.starts_with("https://") && !lower.starts_with("http://")) return std::nullopt;
    if (url->find_first_of(" \t\r\n") != std::string::npos) return std::nullopt;
    return *url;
}

std::optional<std::string> repo_page(const std::string& identity) {
    if (core::is_path_identity(identity) || identity.find('/') == std::string::npos) return std::nullopt;
    return "https://" + identity;
}

std::optional<std::string> commit_page(const std::string& identity, const std::string& sha) {
    auto page = repo_page(identity);
    if (!page) return std::nullopt;
    bool gitlab = identity.find("gitlab") != std::string::npos;
    return *page + (gitlab ? "/-/commit/" : "/commit/") + sha;
}

std::vector<ChatMeme> in_digest_order(std::vector<ChatMeme> memes) {
    std::stable_sort(memes.begin(), memes.end(),
                     [](const ChatMeme& a, const ChatMeme& b) { return a.priority < b.priority; });
    return memes;
}

std::string more_line(size_t hidden) {
    return "+" + std::to_string(hidden) + " more in the next message (`memeops history` shows them all)";
}

}  // namespace memeops::delivery
