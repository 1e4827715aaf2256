#include "delivery/slack/slack_payload.hpp"

namespace memeops::delivery::slack {
namespace {

const char* priority_badge(int priority) {
    static const char* k_badges[] = {"🔴 *P0*", "🟠 *P1*", "🟡 *P2*", "🔵 *P3*"};
    return priority >= 0 && priority <= 3 ? k_badges[priority] : "*P?*";
}

// `mrkdwn` is within k_max_section_text: built from captions cut to k_max_caption.
nlohmann::json section(const std::string& mrkdwn) {
    return {{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", mrkdwn}}}};
}

// A caption for mrkdwn: made chat-safe, cut, then escaped.
std::string caption_text(const std::string& caption) { return cut_escaped(chat_safe(caption), k_max_caption, escape_mrkdwn); }

bool has_english(const ChatMeme& meme) { return !meme.caption_en.empty() && meme.caption_en != meme.caption; }

std::string meme_text(const ChatMeme& meme) {
    std::string text = std::string(priority_badge(meme.priority)) + " `" + escape_mrkdwn(meme.reaction) + "`  " +
                       caption_text(meme.caption);
    if (has_english(meme)) text += "\n_" + caption_text(meme.caption_en) + "_";
    return text;
}

// What a phone's notification shows: both languages of the first meme.
std::string fallback_text(const std::vector<ChatMeme>& ordered) {
    if (ordered.empty()) return "MemeOps";
    const ChatMeme& first = ordered.front();
    std::string text = caption_text(first.caption);
    if (has_english(first)) text += "\n" + caption_text(first.caption_en);
    if (ordered.size() > 1) text = "MemeOps digest (" + std::to_string(ordered.size()) + "): " + text;
    return text;
}

}  // namespace

std::string escape_mrkdwn(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            default: out += c;
        }
    }
    return out;
}

nlohmann::json payload(const std::vector<ChatMeme>& memes, size_t* shown_out) {
    auto ordered = in_digest_order(memes);
    nlohmann::json blocks = nlohmann::json::array();
    bool digest = ordered.size() > 1;
    if (digest) blocks.push_back(section("*MemeOps digest*: " + std::to_string(ordered.size()) + " memes"));
    size_t shown = 0;
    size_t room = k_max_blocks - blocks.size() - (digest ? 1 : 0);  // keep one for "+N more"
    for (const auto& meme : ordered) {
        if (shown == room && shown < ordered.size()) break;
        blocks.push_back(section(meme_text(meme)));
        ++shown;
    }
    if (shown < ordered.size()) blocks.push_back(section(escape_mrkdwn(more_line(ordered.size() - shown))));
    if (shown_out) *shown_out = shown;
    return {{"text", fallback_text(ordered)}, {"blocks", blocks}};
}

}  // namespace memeops::delivery::slack
