#include "delivery/discord/discord_payload.hpp"

#include <cctype>

#include "core/repo_identity.hpp"
#include "core/time.hpp"

namespace memeops::delivery::discord {
namespace {

std::string caption_text(const std::string& caption) {
    return cut_escaped(chat_safe(caption), k_max_caption, escape_markdown);
}

nlohmann::json embed_field(const std::string& name, const std::string& value) {
    return {{"name", name}, {"value", value}, {"inline", true}};
}

// `label` (made chat-safe and cut), linked to `url` when there is one short enough that the
// field stays within k_max_field_value.
std::string markdown_link(const std::optional<std::string>& url, const std::string& label) {
    std::string safe_label = cut_escaped(chat_safe(label), k_max_field_value / 4, escape_markdown);
    if (!url || utf16_length(*url) > k_max_field_value / 4) return safe_label;  // escaped, at most doubled
    return "[" + safe_label + "](" + escape_markdown(*url) + ")";
}

// Repository, branch, commit (short sha, linked), run or pipeline, version: as far as known.
nlohmann::json subject_fields(const storage::MemeSubject& s) {
    nlohmann::json fields = nlohmann::json::array();
    auto plain = [](const std::string& text) { return cut_escaped(chat_safe(text), k_max_field_value / 4, escape_markdown); };
    if (s.repo) fields.push_back(embed_field("Repo", markdown_link(repo_page(*s.repo), core::repo_short_name(*s.repo))));
    if (s.branch) fields.push_back(embed_field("Branch", plain(*s.branch)));
    if (s.commit && s.commit->size() >= 7)
        fields.push_back(embed_field("Commit", markdown_link(s.repo ? commit_page(*s.repo, *s.commit) : std::nullopt, s.commit->substr(0, 7))));
    if (s.pipeline) fields.push_back(embed_field("Pipeline", plain(*s.pipeline)));
    else if (s.run) fields.push_back(embed_field("Run", plain(*s.run)));
    if (s.tag) fields.push_back(embed_field("Version", plain(*s.tag)));
    return fields;
}

nlohmann::json embed(const ChatMeme& meme) {
    std::string title = "P" + std::to_string(meme.priority) + " · " + meme.reaction;
    std::string description = caption_text(meme.caption);
    if (!meme.caption_en.empty() && meme.caption_en != meme.caption) description += "\n" + caption_text(meme.caption_en);
    nlohmann::json e{{"title", cut_escaped(title, k_max_title, escape_markdown)},
                     {"description", description},  // within k_max_description: two captions and a newline
                     {"color", priority_colour(meme.priority)},
                     {"footer", {{"text", "MemeOps · " + storage::priority_label(meme.priority) + " · " + meme.reaction}}}};
    if (auto url = web_link(meme.subject.url); url && url->size() <= k_max_url) e["url"] = *url;
    if (auto fields = subject_fields(meme.subject); !fields.empty()) e["fields"] = fields;
    if (meme.image_url) e["image"] = {{"url", *meme.image_url}};
    if (meme.subject.time > 0) e["timestamp"] = core::format_iso8601(meme.subject.time);
    return e;
}

bool markdown_character(char c) { return std::string_view("\\*_~`|<>[]()#").find(c) != std::string_view::npos; }

bool closes_url(char c) { return std::string_view("[]()<>|`\\").find(c) != std::string_view::npos; }

// A URL at text[pos] (to the next white space), with its closing characters percent-encoded.
std::string safe_url(std::string_view text, size_t& pos) {
    static const char k_hex[] = "0123456789ABCDEF";
    std::string out;
    for (; pos < text.size() && !std::isspace(static_cast<unsigned char>(text[pos])); ++pos) {
        char c = text[pos];
        if (!closes_url(c)) {
            out += c;
            continue;
        }
        out += '%';
        out += k_hex[static_cast<unsigned char>(c) >> 4];
        out += k_hex[c & 0xF];
    }
    return out;
}

}  // namespace

std::string escape_markdown(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    for (size_t pos = 0; pos < text.size();) {
        if (url_starts_at(text, pos)) {
            out += safe_url(text, pos);
            continue;
        }
        if (markdown_character(text[pos])) out += '\\';
        out += text[pos++];
    }
    return out;
}

int priority_colour(int priority) {
    static const int k_colours[] = {0xE74C3C, 0xE67E22, 0xF1C40F, 0x3498DB};
    return priority >= 0 && priority <= 3 ? k_colours[priority] : 0x95A5A6;
}

size_t embed_characters(const nlohmann::json& e) {
    size_t total = utf16_length(e.value("title", "")) + utf16_length(e.value("description", ""));
    if (e.contains("footer")) total += utf16_length(e["footer"].value("text", ""));
    if (e.contains("fields"))
        for (const auto& f : e["fields"]) total += utf16_length(f.value("name", "")) + utf16_length(f.value("value", ""));
    return total;
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
    if (shown_out) *shown_out = shown;
    nlohmann::json message{{"embeds", embeds}, {"allowed_mentions", {{"parse", nlohmann::json::array()}}}};
    if (ordered.size() > 1) {  // a single meme is its embed alone: no filler text above it
        std::string content = "**MemeOps digest**: " + std::to_string(ordered.size()) + " memes";
        if (shown < ordered.size()) content += "\n" + more_line(ordered.size() - shown);
        message["content"] = cut_to(content, k_max_content);
    }
    return message;
}

}  // namespace memeops::delivery::discord
