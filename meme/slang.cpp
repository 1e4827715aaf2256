#include "meme/slang.hpp"

#include <algorithm>

#include "core/text.hpp"
#include "templates/templates.hpp"

namespace memeops::meme {
namespace {

bool is_ascii_word_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Entries longest word first, for replacement.
const std::vector<const SlangEntry*>& by_length() {
    static const std::vector<const SlangEntry*> sorted = [] {
        std::vector<const SlangEntry*> list;
        for (const auto& e : slang_lexicon()) list.push_back(&e);
        std::stable_sort(list.begin(), list.end(),
                         [](const SlangEntry* a, const SlangEntry* b) { return a->word.size() > b->word.size(); });
        return list;
    }();
    return sorted;
}

// True when `word` matches `text` at `pos`; ASCII words must stand alone and match any case.
bool matches_at(const std::string& text, const std::string& lowered, size_t pos, const std::string& word) {
    bool ascii = std::all_of(word.begin(), word.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    if (!ascii) return text.compare(pos, word.size(), word) == 0;
    if (lowered.compare(pos, word.size(), core::ascii_lower(word)) != 0) return false;
    bool starts = pos == 0 || !is_ascii_word_char(text[pos - 1]);
    bool ends = pos + word.size() == text.size() || !is_ascii_word_char(text[pos + word.size()]);
    return starts && ends;
}

}  // namespace

const std::vector<SlangEntry>& slang_lexicon() {
    static const std::vector<SlangEntry> entries = [] {
        std::vector<SlangEntry> list;
        for (const auto& e : templates::embedded_json("slang.json").at("entries"))
            list.push_back({e.at("word"), e.at("pinyin"), e.at("emoji"), e.at("gloss"), e.at("tone")});
        return list;
    }();
    return entries;
}

std::string slang_to_emoji(const std::string& text) {
    std::string lowered = core::ascii_lower(text);
    std::string out;
    for (size_t pos = 0; pos < text.size();) {
        const SlangEntry* hit = nullptr;
        for (const SlangEntry* e : by_length())
            if (matches_at(text, lowered, pos, e->word)) {
                hit = e;
                break;
            }
        if (hit) {
            out += hit->emoji;
            pos += hit->word.size();
        } else {
            out += text[pos++];
        }
    }
    return out;
}

const SlangEntry& SlangPicker::next(const std::string& tone) {
    m_state ^= m_state >> 12;
    m_state ^= m_state << 25;
    m_state ^= m_state >> 27;
    std::uint64_t value = m_state * 0x2545F4914F6CDD1DULL;
    const auto& all = slang_lexicon();
    std::vector<const SlangEntry*> pool;
    for (const auto& e : all)
        if (tone.empty() || e.tone == tone) pool.push_back(&e);
    if (pool.empty())
        for (const auto& e : all) pool.push_back(&e);
    return *pool[value % pool.size()];
}

}  // namespace memeops::meme
