#include "delivery/console/console_payload.hpp"

#include "storage/entry.hpp"

namespace memeops::delivery::console {
namespace {

// `text` with control characters (ESC, BEL, CR, …, DEL) except newline replaced by "?", and
// newlines indented to stay inside the meme's block.
std::string printable(const std::string& text) {
    std::string out;
    for (char c : text) {
        auto byte = static_cast<unsigned char>(c);
        if (c == '\n') out += "\n    ";
        else if (byte < 0x20 || byte == 0x7F) out += '?';
        else out += c;
    }
    return out;
}

}  // namespace

std::string payload(const std::vector<ChatMeme>& memes) {
    std::string out;
    for (const auto& meme : in_digest_order(memes)) {
        out += storage::priority_label(meme.priority) + " " + meme.reaction + "\n";
        out += "    " + printable(meme.caption) + "\n";
        if (!meme.caption_en.empty() && meme.caption_en != meme.caption) out += "    " + printable(meme.caption_en) + "\n";
    }
    return out;
}

}  // namespace memeops::delivery::console
