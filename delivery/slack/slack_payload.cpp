#include "delivery/slack/slack_payload.hpp"

#include <cctype>

#include "core/repo_identity.hpp"
#include "core/text.hpp"
#include "core/time.hpp"

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
std::string caption_text(const std::string& caption) { return cut_escaped(chat_safe(caption), k_max_caption, escape_mrkdwn_prose); }

bool has_english(const ChatMeme& meme) { return !meme.caption_en.empty() && meme.caption_en != meme.caption; }

std::string meme_text(const ChatMeme& meme) {
    std::string text = caption_text(meme.caption);
    if (has_english(meme)) text += "\n_" + caption_text(meme.caption_en) + "_";
    return text;
}

// A link in mrkdwn, <url|label>: the URL's own &, < and > as entities and "|" encoded, so
// neither can end the link early; the label escaped.
std::string mrkdwn_link(const std::string& url, const std::string& label) {
    std::string safe;
    for (char c : url) safe += c == '|' ? std::string("%7C") : escape_mrkdwn(std::string_view(&c, 1));
    return "<" + safe + "|" + escape_mrkdwn(label) + ">";
}

// `label` (made chat-safe and cut), linked to `url` when there is one short enough for a field.
std::string linked(const std::optional<std::string>& url, const std::string& label) {
    std::string safe_label = cut_to(chat_safe(label), k_max_field_text / 4);
    bool fits = url && utf16_length(*url) <= k_max_field_text;
    return fits ? mrkdwn_link(*url, safe_label) : escape_mrkdwn(safe_label);
}

nlohmann::json field(const std::string& name, const std::string& mrkdwn) {
    return {{"type", "mrkdwn"}, {"text", "*" + name + "*\n" + mrkdwn}};
}

// Repository, branch, commit (short sha, linked) and the run or pipeline, as far as known.
nlohmann::json subject_fields(const storage::MemeSubject& s) {
    nlohmann::json fields = nlohmann::json::array();
    auto plain = [](const std::string& text) { return cut_escaped(chat_safe(text), k_max_field_text, escape_mrkdwn_prose); };
    if (s.repo) fields.push_back(field("Repo", linked(repo_page(*s.repo), core::repo_short_name(*s.repo))));
    if (s.branch) fields.push_back(field("Branch", plain(*s.branch)));
    if (s.commit && s.commit->size() >= 7)
        fields.push_back(field("Commit", linked(s.repo ? commit_page(*s.repo, *s.commit) : std::nullopt, "`" + s.commit->substr(0, 7) + "`")));
    if (s.pipeline) fields.push_back(field("Pipeline", plain(*s.pipeline)));
    else if (s.run) fields.push_back(field("Run", plain(*s.run)));
    if (s.tag) fields.push_back(field("Version", plain(*s.tag)));
    return fields;
}

std::string link_label(const storage::MemeSubject& s) {
    if (s.kind == storage::EntryKind::ci) return "View pipeline";
    if (s.kind == storage::EntryKind::training) return "View run";
    return "Open link";
}

// "🔴 P0 · training.nan · <time>": the time in the reader's own time zone.
nlohmann::json context_line(const ChatMeme& meme) {
    std::string text = std::string(priority_badge(meme.priority)) + " · `" + escape_mrkdwn(meme.reaction) + "`";
    if (meme.subject.time > 0)
        text += " · <!date^" + std::to_string(meme.subject.time / 1000) + "^{date_short_pretty} {time}|" +
                core::format_iso8601(meme.subject.time) + ">";
    return {{"type", "context"}, {"elements", nlohmann::json::array({{{"type", "mrkdwn"}, {"text", text}}})}};
}

// One meme's blocks: its caption as the header, both languages and the subject's fields, its
// card when it has one, a button to its run or pipeline, and the priority and time.
std::vector<nlohmann::json> meme_blocks(const ChatMeme& meme) {
    std::vector<nlohmann::json> blocks;
    blocks.push_back({{"type", "header"},
                      {"text", {{"type", "plain_text"}, {"text", cut_escaped(core::first_line(chat_safe(meme.caption)), k_max_header_text, escape_mrkdwn)}, {"emoji", true}}}});
    nlohmann::json body = section(meme_text(meme));
    if (auto fields = subject_fields(meme.subject); !fields.empty()) body["fields"] = fields;
    blocks.push_back(body);
    if (meme.image_url)
        blocks.push_back({{"type", "image"},
                          {"image_url", *meme.image_url},
                          {"alt_text", cut_to(chat_safe(meme.caption_en.empty() ? meme.caption : meme.caption_en), k_max_alt_text)}});
    if (auto url = web_link(meme.subject.url); url && utf16_length(*url) <= k_max_button_url)
        blocks.push_back({{"type", "actions"},
                          {"elements", nlohmann::json::array({{{"type", "button"},
                                                               {"text", {{"type", "plain_text"}, {"text", link_label(meme.subject)}}},
                                                               {"url", *url}}})}});
    blocks.push_back(context_line(meme));
    return blocks;
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

bool formatting_character(char c) { return c == '*' || c == '_' || c == '~' || c == '`'; }

bool word_character(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// Whether text[pos], a formatting character, could open or close formatting.
bool could_format(std::string_view text, size_t pos) {
    if (text[pos] == '`') return true;
    bool word_before = pos > 0 && word_character(text[pos - 1]);
    bool word_after = pos + 1 < text.size() && word_character(text[pos + 1]);
    return !(word_before && word_after);
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

std::string escape_mrkdwn_prose(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    for (size_t pos = 0; pos < text.size();) {
        size_t fence_end = text.substr(pos, 3) == "```" ? text.find("```", pos + 3) : std::string_view::npos;
        if (fence_end != std::string_view::npos) {  // a code block (a confusion matrix): nothing formats in it
            out += "```" + escape_mrkdwn(text.substr(pos + 3, fence_end - pos - 3)) + "```";
            pos = fence_end + 3;
        } else if (url_starts_at(text, pos)) {
            size_t end = pos;
            while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end]))) ++end;
            out += escape_mrkdwn(text.substr(pos, end - pos));
            pos = end;
        } else if (formatting_character(text[pos]) && could_format(text, pos)) {
            out += std::string("<!date^00000000^{_}|") + text[pos++] + ">";
        } else {
            out += escape_mrkdwn(text.substr(pos++, 1));
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
    for (const auto& meme : ordered) {
        auto more = meme_blocks(meme);
        size_t divider = digest && shown > 0 ? 1 : 0;
        size_t reserve = shown + 1 < ordered.size() ? 1 : 0;  // room for "+N more" unless this is the last
        if (blocks.size() + divider + more.size() + reserve > k_max_blocks) break;
        if (divider) blocks.push_back({{"type", "divider"}});
        for (auto& block : more) blocks.push_back(std::move(block));
        ++shown;
    }
    if (shown < ordered.size()) blocks.push_back(section(escape_mrkdwn(more_line(ordered.size() - shown))));
    if (shown_out) *shown_out = shown;
    return {{"text", fallback_text(ordered)}, {"blocks", blocks}};
}

}  // namespace memeops::delivery::slack
