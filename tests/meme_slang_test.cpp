#include <catch2/catch.hpp>
#include <set>

#include "meme/slang.hpp"

using namespace memeops::meme;

TEST_CASE("meme::slang_lexicon has at least 40 complete entries") {
    const auto& lexicon = slang_lexicon();
    CHECK(lexicon.size() >= 40);
    std::set<std::string> words;
    for (const auto& e : lexicon) {
        CHECK(!e.word.empty());
        CHECK(!e.pinyin.empty());
        CHECK(!e.emoji.empty());
        CHECK(!e.gloss.empty());
        CHECK(!e.tone.empty());
        words.insert(e.word);
    }
    CHECK(words.size() == lexicon.size());
    for (const char* must : {"绝绝子", "YYDS", "摆烂", "躺平", "栓Q", "泰裤辣", "破防了", "咱就是说"}) CHECK(words.count(must));
}

TEST_CASE("meme::slang_to_emoji replaces slang, longest first, ASCII words whole") {
    CHECK(slang_to_emoji("YYDS") == "👑");
    CHECK(slang_to_emoji("this model is yyds!") == "this model is 👑!");
    CHECK(slang_to_emoji("YYDSX stays") == "YYDSX stays");
    CHECK(slang_to_emoji("绝绝子，破大防") == "💯，😭");
    CHECK(slang_to_emoji("no slang here") == "no slang here");
}

TEST_CASE("meme::SlangPicker repeats for a seed and honours tone") {
    SlangPicker a(42), b(42), c(43);
    std::vector<std::string> first, second, third;
    for (int i = 0; i < 20; ++i) {
        first.push_back(a.next().word);
        second.push_back(b.next().word);
        third.push_back(c.next().word);
    }
    CHECK(first == second);
    CHECK(first != third);
    SlangPicker sarcastic(1);
    for (int i = 0; i < 10; ++i) CHECK(sarcastic.next("sarcastic").tone == "sarcastic");
}
