#include "delivery/discord/discord_payload.hpp"

namespace memeops::delivery::discord {
namespace {

nlohmann::json embed(const ChatMeme& meme) {
    std::string title = "P" + std::to_string(meme.priority) + " · " + meme.reaction;
    std::string description = meme.caption;
    if (!meme.caption_en.empty() && meme.caption_en != meme.caption) description += "\n" + meme.caption_en;
    return {{"title", cut_to(title, k_max_title)},
            {"description", cut_to(description, k_max_description)},
            {"color", priority_colour(meme.priority)}};
}

}  // namespace

int priority_colour(int priority) {
    static const int k_colours[] = {0xE74C3C, 0xE67E22, 0xF1C40F, 0x3498DB};
    return priority >= 0 && priority <= 3 ? k_colours[priority] : 0x95A5A6;
}

size_t embed_characters(const nlohmann::json& e) {
    return utf16_length(e.value("title", "")) + utf16_length(e.value("description", ""));
}

nlohmann::json payload(const std::vector<ChatMeme>& memes, size_t* shown_out) {
    auto ordered = in_digest_order(memes);
    nlohmann::json embeds = nlohmann::json::array();
    size_t total = 0;
    size_t shown = 0;
    for (const auto& meme : ordered) {
        nlohmann::json e = embed(meme);
        size_t size = embed_characters(e);
        if (embeds.size() == k_max_embeds || total + size > k_max_embed_total) break;
        total += size;
        embeds.push_back(std::move(e));
        ++shown;
    }
    std::string content = ordered.size() > 1 ? "**MemeOps digest**: " + std::to_string(ordered.size()) + " memes"
                                             : std::string("MemeOps");
    if (shown < ordered.size()) content += "\n" + more_line(ordered.size() - shown);
    if (shown_out) *shown_out = shown;
    return {{"content", cut_to(content, k_max_content)},
            {"embeds", embeds},
            {"allowed_mentions", {{"parse", nlohmann::json::array()}}}};
}

}  // namespace memeops::delivery::discord
