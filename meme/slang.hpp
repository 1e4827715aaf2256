// The slang lexicon of templates/slang.json: 绝绝子, YYDS, 摆烂, 躺平, 栓Q, 泰裤辣, 破防了, …
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace memeops::meme {

struct SlangEntry {
    std::string word;    // as written in chat: "YYDS", "绝绝子"
    std::string pinyin;  // "yǒngyuǎn de shén"
    std::string emoji;   // "👑"
    std::string gloss;   // English meaning
    std::string tone;    // "praise", "sarcastic", "resigned", …
};

// Every entry, in the lexicon's order.
const std::vector<SlangEntry>& slang_lexicon();

// `text` with each slang word replaced by its emoji ("YYDS" → "👑"), longest words first so
// "破大防" is not read as "破防". ASCII words match case-insensitively.
std::string slang_to_emoji(const std::string& text);

// A slang picker that repeats for the same seed: tests and reruns say the same thing.
class SlangPicker {
public:
    explicit SlangPicker(std::uint64_t seed) : m_state(seed ? seed : 0x9E3779B97F4A7C15ULL) {}
    // The next entry; with `tone`, only entries of that tone (all when none has it).
    const SlangEntry& next(const std::string& tone = "");

private:
    std::uint64_t m_state;  // xorshift64*: small, and the same on every platform
};

}  // namespace memeops::meme
