#include "delivery/slack/slack_payload.hpp"

namespace memeops::delivery::slack {
namespace {

const char* priority_badge(int priority) {
    static const char* k_badges[] = {"🔴 *P0*", "🟠 *P1*", "🟡 *P2*", "🔵 *P3*"};
    return priority >= 0 && priority <= 3 ? k_badges[priority] : "*P?*";
}

nlohmann::json section(const std::string& mrkdwn) {
    return {{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", cut_to(mrkdwn, k_max_section_text)}}}};
}

std::string meme_text(const ChatMeme& meme) {
    std::string text = std::string(priority_badge(meme.priority)) + " `" + escape_mrkdwn(meme.reaction) + "`  " +
                       escape_mrkdwn(meme.caption);
    if (!meme.caption_en.empty() && meme.caption_en != meme.caption) text += "\n_" + escape_mrkdwn(meme.caption_en) + "_";
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
    std::string fallback = ordered.empty() ? "MemeOps" : escape_mrkdwn(ordered.front().caption_en.empty() ? ordered.front().caption : ordered.front().caption_en);
    if (digest) fallback = "MemeOps digest (" + std::to_string(ordered.size()) + "): " + fallback;
    if (shown_out) *shown_out = shown;
    return {{"text", cut_to(fallback, k_max_fallback_text)}, {"blocks", blocks}};
}

}  // namespace memeops::delivery::slack
