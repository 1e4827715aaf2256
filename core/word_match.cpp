#include "core/word_match.hpp"

#include <algorithm>

namespace memeops::core {
namespace {

bool is_word_byte(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '\'' || c == '_';
}

bool is_ascii_text(std::string_view word) {
    return std::all_of(word.begin(), word.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

}  // namespace

bool contains_word(std::string_view lowered, std::string_view word) {
    if (word.empty()) return false;
    bool whole_word = is_ascii_text(word) && is_word_byte(word.front()) && is_word_byte(word.back());
    for (size_t pos = lowered.find(word); pos != std::string_view::npos; pos = lowered.find(word, pos + 1)) {
        if (!whole_word) return true;
        bool starts = pos == 0 || !is_word_byte(lowered[pos - 1]);
        size_t end = pos + word.size();
        bool ends = end == lowered.size() || !is_word_byte(lowered[end]);
        if (starts && ends) return true;
    }
    return false;
}

}  // namespace memeops::core
