// The slang lexicon of templates/slang.json: 绝绝子, YYDS, 摆烂, 躺平, 栓Q, 泰裤辣, 破防了, …
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
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

// `text` with each slang word replaced by its emoji ("YYDS" → "👑", "绝绝子" → "💯"), longest
// words first so "破大防" is not read as "破防". Latin letters match in any case ("yyds", "栓q"),
// and a word that begins or ends with a Latin letter or digit matches only where that edge is not
// inside another word ("YYDSX" and "demo了" stay as they are).
std::string slang_to_emoji(const std::string& text);

// The 热词 a meme about `subject` (a run, a pipeline and branch, a tag) carries: one lexicon
// entry chosen by the subject alone, the same on every machine and release. Each entry is
// scored by a stable hash of subject and word and the highest wins (rendezvous hashing), so a
// word added to the lexicon takes over only the subjects it wins, and the order of the lexicon
// does not matter. Pure.
const SlangEntry& slang_for_subject(std::string_view subject);
// The same pick among the entries whose tone is one of `tones` (all entries when none is).
const SlangEntry& slang_for_subject(std::string_view subject, const std::vector<std::string_view>& tones);

// A slang picker that repeats for the same seed: tests and reruns say the same thing.
class SlangPicker {
public:
    explicit SlangPicker(std::uint64_t seed) : m_state(seed ? seed : 0x9E3779B97F4A7C15ULL) {}
    // The next entry; with `tone`, only entries of that tone (all when none has it).
    const SlangEntry& next(const std::string& tone = "");
    // `count` different entries (all of them when the lexicon has fewer), in the picked order.
    std::vector<const SlangEntry*> distinct(size_t count);

private:
    std::uint64_t next_value();
    std::uint64_t m_state;  // xorshift64*: small, and the same on every platform
};

}  // namespace memeops::meme
