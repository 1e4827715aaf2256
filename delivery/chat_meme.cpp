#include "delivery/chat_meme.hpp"

#include <algorithm>

#include "core/text.hpp"
#include "storage/entry.hpp"

namespace memeops::delivery {

ChatMeme to_chat(const storage::Meme& meme) {
    return {meme.reaction, meme.priority, meme.caption, meme.caption_en};
}

size_t utf16_length(std::string_view text) {
    size_t units = 0;
    for (size_t pos = 0; pos < text.size();) units += core::next_code_point(text, pos) >= 0x10000 ? 2 : 1;
    return units;
}

std::string cut_to(std::string_view text, size_t limit) {
    if (utf16_length(text) <= limit) return std::string(text);
    if (limit == 0) return "";
    std::string out;
    size_t units = 0;
    for (size_t pos = 0; pos < text.size();) {
        size_t start = pos;
        size_t add = core::next_code_point(text, pos) >= 0x10000 ? 2 : 1;
        if (units + add > limit - 1) break;  // one unit for the ellipsis
        out.append(text.substr(start, pos - start));
        units += add;
    }
    return out + "…";
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
