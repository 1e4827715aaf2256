// A meme as the chat payload builders take it, and the pieces they share: the digest order and
// its closing line (the text rules they share are in chat_text.hpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "delivery/chat_text.hpp"

#include "meme/event.hpp"
#include "storage/entry.hpp"

namespace memeops::delivery {

struct ChatMeme {
    std::string reaction;    // "training.overfitting"
    int priority = 3;        // 0 = P0
    std::string caption;     // names its subject (run, pipeline and branch, tag, repo)
    std::string caption_en;
    storage::MemeSubject subject;  // what it is about: the message's fields, link and time
    // Its card, as the platform fetches it: a public https link (a Slack image block) or
    // "attachment://<file>" (a Discord embed image of a file sent with the message).
    std::optional<std::string> image_url;
};

// The chat view of an archived meme about `subject`.
ChatMeme to_chat(const storage::Meme& meme, storage::MemeSubject subject = {});

// The subject of the memes an event makes, before it is archived (memeify's previews).
storage::MemeSubject subject_of(const meme::Event& event);

// A link a chat message may carry: an http or https URL as given, else nullopt (a chat would
// not make anything else a link, and a "javascript:" one must never be).
std::optional<std::string> web_link(const std::optional<std::string>& url);

// The web page of a repository identity ("github.com/team/vision" → "https://github.com/team/vision"),
// and of one of its commits (GitLab's "/-/commit/…", others' "/commit/…"); nullopt for a local path.
std::optional<std::string> repo_page(const std::string& identity);
std::optional<std::string> commit_page(const std::string& identity, const std::string& sha);

// The memes, most urgent first (stable within a priority).
std::vector<ChatMeme> in_digest_order(std::vector<ChatMeme> memes);

// The closing line of a digest that could not show everything.
std::string more_line(size_t hidden);

}  // namespace memeops::delivery
