#include "delivery/chat_meme.hpp"

#include <algorithm>

#include "core/text.hpp"
#include "storage/entry.hpp"

namespace memeops::delivery {

ChatMeme to_chat(const storage::Meme& meme) {
    return {meme.reaction, meme.priority, meme.caption, meme.caption_en};
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
