// The rules for text that goes into a chat message, in one place: how long it is (in the
// UTF-16 units Slack and Discord count), how it is cut (on grapheme clusters, before it is
// escaped, so neither an emoji sequence nor an escape is ever split), and what user text may
// not carry (controls and bidirectional overrides that would reorder or hide what people read).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace memeops::delivery {

// Length in UTF-16 code units: what "characters" means to Slack and Discord.
size_t utf16_length(std::string_view text);

// How a platform escapes one piece of text for its markup.
using Escape = std::function<std::string(std::string_view)>;

// `text` escaped with `escape`, at most `limit` UTF-16 units long once escaped: when it does not
// fit, the longest run of whole grapheme clusters that does (escaped together, so a link in it
// stays one link), then "…".
// A family emoji (👨‍👩‍👧), a flag, a skin tone or a combining accent is kept whole or dropped whole.
std::string cut_escaped(std::string_view text, size_t limit, const Escape& escape);

// cut_escaped without escaping.
std::string cut_to(std::string_view text, size_t limit);

// User text as a chat may show it: control characters removed (C0 but newline, DEL, C1; a tab
// becomes a space) and so are the bidirectional embeddings, overrides and isolates
// (U+202A–U+202E, U+2066–U+2069) and marks (U+200E, U+200F, U+061C) that make text read
// differently from what it is. Invalid UTF-8 becomes U+FFFD.
std::string chat_safe(std::string_view text);

// True when a bare http:// or https:// URL starts at text[pos] (at the start or after white
// space): chats link it themselves, so escapes must leave it whole, up to the next white space.
bool url_starts_at(std::string_view text, size_t pos);

}  // namespace memeops::delivery
