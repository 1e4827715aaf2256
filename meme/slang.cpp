#include "meme/slang.hpp"

#include <algorithm>

#include "core/text.hpp"
#include "templates/templates.hpp"

namespace memeops::meme {
namespace {

bool is_ascii_word_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

struct SlangWord {
    const SlangEntry* entry;
    std::string lowered;  // the word with its Latin letters lower-cased, to match in any case
};

// Entries longest word first, for replacement.
const std::vector<SlangWord>& by_length() {
    static const std::vector<SlangWord> sorted = [] {
        std::vector<SlangWord> list;
        for (const auto& e : slang_lexicon()) list.push_back({&e, core::ascii_lower(e.word)});
        std::stable_sort(list.begin(), list.end(),
                         [](const SlangWord& a, const SlangWord& b) { return a.lowered.size() > b.lowered.size(); });
        return list;
    }();
    return sorted;
}

// True when `word` matches `lowered` (the text, lower-cased) at `pos`; an edge of the word that is
// a Latin letter or digit must not touch another one in the text. Chinese needs no such edge:
// it is written without spaces.
bool matches_at(const std::string& lowered, size_t pos, const std::string& word) {
    if (lowered.compare(pos, word.size(), word) != 0) return false;
    size_t end = pos + word.size();
    bool starts = !is_ascii_word_char(word.front()) || pos == 0 || !is_ascii_word_char(lowered[pos - 1]);
    bool ends = !is_ascii_word_char(word.back()) || end == lowered.size() || !is_ascii_word_char(lowered[end]);
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
        auto hit = std::find_if(by_length().begin(), by_length().end(),
                                [&](const SlangWord& w) { return matches_at(lowered, pos, w.lowered); });
        if (hit != by_length().end()) {
            out += hit->entry->emoji;
            pos += hit->lowered.size();
        } else {
            out += text[pos++];
        }
    }
    return out;
}

const SlangEntry& slang_for_subject(std::string_view subject) { return slang_for_subject(subject, {}); }

const SlangEntry& slang_for_subject(std::string_view subject, const std::vector<std::string_view>& tones) {
    auto wanted = [&](const SlangEntry& e) {
        return tones.empty() || std::find(tones.begin(), tones.end(), e.tone) != tones.end();
    };
    bool any = std::any_of(slang_lexicon().begin(), slang_lexicon().end(), wanted);
    const SlangEntry* best = nullptr;
    std::uint64_t best_score = 0;
    for (const auto& e : slang_lexicon()) {
        if (any && !wanted(e)) continue;
        std::string key = std::string(subject) + '\0' + e.word;  // NUL: "ab"+"c" differs from "a"+"bc"
        std::uint64_t score = core::stable_hash(key);
        if (!best || score > best_score) {
            best = &e;
            best_score = score;
        }
    }
    return *best;
}

std::uint64_t SlangPicker::next_value() {
    m_state ^= m_state >> 12;
    m_state ^= m_state << 25;
    m_state ^= m_state >> 27;
    return m_state * 0x2545F4914F6CDD1DULL;
}

const SlangEntry& SlangPicker::next(const std::string& tone) {
    std::uint64_t value = next_value();
    const auto& all = slang_lexicon();
    std::vector<const SlangEntry*> pool;
    for (const auto& e : all)
        if (tone.empty() || e.tone == tone) pool.push_back(&e);
    if (pool.empty())
        for (const auto& e : all) pool.push_back(&e);
    return *pool[value % pool.size()];
}

std::vector<const SlangEntry*> SlangPicker::distinct(size_t count) {
    std::vector<const SlangEntry*> pool;
    for (const auto& e : slang_lexicon()) pool.push_back(&e);
    count = std::min(count, pool.size());
    // The first `count` steps of a Fisher-Yates shuffle.
    for (size_t i = 0; i < count; ++i) std::swap(pool[i], pool[i + next_value() % (pool.size() - i)]);
    pool.resize(count);
    return pool;
}

}  // namespace memeops::meme
