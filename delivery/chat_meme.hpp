// A meme as the chat payload builders take it, and the pieces they share: the digest order and
// its closing line (the text rules they share are in chat_text.hpp).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "delivery/chat_text.hpp"

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

// The memes, most urgent first (stable within a priority).
std::vector<ChatMeme> in_digest_order(std::vector<ChatMeme> memes);

// The closing line of a digest that could not show everything.
std::string more_line(size_t hidden);

}  // namespace memeops::delivery
