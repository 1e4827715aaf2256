// A meme as the chat payload builders take it, and the pieces they share: UTF-16 lengths (the
// unit Slack and Discord count in), cutting text to a limit, and the digest order.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace memeops::storage {
struct Meme;
}

namespace memeops::delivery {

struct ChatMeme {
    std::string reaction;    // "training.overfitting"
    int priority = 3;        // 0 = P0
    std::string caption;     // names its subject (run, pipeline and branch, tag, repo)
    std::string caption_en;
};

// The chat view of an archived meme.
ChatMeme to_chat(const storage::Meme& meme);

// Length in UTF-16 code units: what "characters" means to Slack and Discord.
size_t utf16_length(std::string_view text);

// `text` cut to at most `limit` UTF-16 units, ending in "…" when cut; never splits a character.
std::string cut_to(std::string_view text, size_t limit);

// The memes, most urgent first (stable within a priority).
std::vector<ChatMeme> in_digest_order(std::vector<ChatMeme> memes);

// The closing line of a digest that could not show everything.
std::string more_line(size_t hidden);

}  // namespace memeops::delivery
