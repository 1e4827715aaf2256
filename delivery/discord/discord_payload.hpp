// Discord webhook payloads (contract §5): embeds coloured by priority, every message with
// "allowed_mentions": {"parse": []} so no @everyone, @here, role or user in user text pings;
// content ≤ 2000, ≤ 10 embeds, title ≤ 256, description ≤ 4096, ≤ 6000 embed characters in
// all. Pure: no I/O.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "delivery/chat_meme.hpp"

namespace memeops::delivery::discord {

inline constexpr size_t k_max_content = 2000;
inline constexpr size_t k_max_embeds = 10;
inline constexpr size_t k_max_title = 256;
inline constexpr size_t k_max_description = 4096;
inline constexpr size_t k_max_embed_total = 6000;
inline constexpr size_t k_max_field_value = 1024;
inline constexpr size_t k_max_url = 2048;  // an embed's link; a longer one is left out

// A caption's two languages together stay within the description: each is cut to this.
inline constexpr size_t k_max_caption = 2000;

// User text as Discord shows it literally: markdown (**bold**, ||spoilers||, `code`, # headings,
// > quotes, [masked](links)) and angle-bracket syntax (<t:0:R>, <@123>, <#channel>) escaped with
// a backslash. A URL stays a working link: inside it, only the characters that could close it
// or start markup ([ ] ( ) < > | ` \) are percent-encoded.
std::string escape_markdown(std::string_view text);

// The embed colour of a priority: P0 red, P1 orange, P2 yellow, P3 blue.
int priority_colour(int priority);

// One message for one meme or a digest of several, most urgent first; what does not fit is
// counted in a closing "+N more".
// `shown_out`, when given, receives how many memes the message shows (the first ones in digest
// order); the rest are only counted in "+N more".
nlohmann::json payload(const std::vector<ChatMeme>& memes, size_t* shown_out = nullptr);

// The characters an embed counts against the 6000 total (title, description, field names and
// values, footer).
size_t embed_characters(const nlohmann::json& embed);

}  // namespace memeops::delivery::discord
