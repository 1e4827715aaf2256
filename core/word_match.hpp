// Finding a word in chat text, for the sarcasm score's lexicons and the captions' easter eggs.
#pragma once

#include <string_view>

namespace memeops::core {

// True when `word` occurs in `lowered` (text already lower-cased by ascii_lower). An ASCII word
// that starts and ends with a letter, digit, "'" or "_" must stand whole ("red" is not in
// "redis", "nan" not in "nano"); any other word (Chinese, emoji, "oh great,") may occur anywhere.
bool contains_word(std::string_view lowered, std::string_view word);

}  // namespace memeops::core
