// Slack incoming-webhook payloads (contract §5): blocks with a `text` fallback in both
// languages (what phone notifications show), user text made chat-safe (chat_text.hpp), cut on
// grapheme clusters, then escaped for mrkdwn (&, <, >) so nothing in it can become a link or a
// mention (<!channel>, <@U123>), nor bold, italic, struck or code; section text ≤ 3000 characters, ≤ 50 blocks. Pure: no I/O.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "delivery/chat_meme.hpp"

namespace memeops::delivery::slack {

inline constexpr size_t k_max_section_text = 3000;
inline constexpr size_t k_max_blocks = 50;
inline constexpr size_t k_max_fallback_text = 3000;
// Each language of a caption is cut to this (after chat_safe, counted once escaped), so a
// section with both, its badge and reaction stays within k_max_section_text.
inline constexpr size_t k_max_caption = 1400;
inline constexpr size_t k_max_header_text = 150;   // a header block's plain text
inline constexpr size_t k_max_field_text = 200;    // our cut of a subject field (Slack allows 2000)
inline constexpr size_t k_max_button_url = 3000;   // a button's URL; a longer link is left out
inline constexpr size_t k_max_alt_text = 2000;     // an image block's alt_text

// "&" → "&amp;", "<" → "&lt;", ">" → "&gt;": for link labels and code spans.
std::string escape_mrkdwn(std::string_view text);

// User prose for mrkdwn: escape_mrkdwn, and every *, _, ~ or ` that could start or end
// formatting (a backtick always; the others next to anything but an ASCII letter or digit, so
// "resnet_50_v2" stays as it is) sent as the fallback of a date token with no valid format,
// which Slack shows as plain text: mrkdwn has no escape character. Bare URLs are left whole, and
// so is a ``` code block (a confusion matrix, a traceback), where nothing formats anyway.
std::string escape_mrkdwn_prose(std::string_view text);

// One message for one meme or a digest of several, most urgent first; a digest too long for one
// message ends with "+N more".
// `shown_out`, when given, receives how many memes the message shows (the first ones in digest
// order); the rest are only counted in "+N more".
nlohmann::json payload(const std::vector<ChatMeme>& memes, size_t* shown_out = nullptr);

}  // namespace memeops::delivery::slack
