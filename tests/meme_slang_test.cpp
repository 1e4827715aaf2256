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

TEST_CASE("meme::slang_to_emoji matches Latin slang in any case, never inside another word") {
    CHECK(slang_to_emoji("栓q, emo了, DdDd") == "🙏, 😶, 🤫");
    CHECK(slang_to_emoji("今天yyds绝绝子") == "今天👑💯");
    CHECK(slang_to_emoji("xYYDS, demo了, DDDDD, awslx") == "xYYDS, demo了, DDDDD, awslx");
    CHECK(slang_to_emoji("") == "");
}

TEST_CASE("meme::slang_for_subject picks by the subject alone, the same on every machine and release") {
    // Pinned: FNV-1a 64 of subject, NUL, word; the highest wins. Worked out independently (a few
    // lines of Python over templates/slang.json); a change here changes every posted 热词.
    CHECK(slang_for_subject("run-42").word == "emo了");
    CHECK(slang_for_subject("github/CI main").word == "吃瓜");
    CHECK(slang_for_subject("b16e8a7f-l0g1ts-emo").word == "好耶");
    CHECK(slang_for_subject("lab/vision-model").word == "稳了");
    CHECK(slang_for_subject("训练-3").word == "元气满满");
    CHECK(&slang_for_subject("run-42") == &slang_for_subject(std::string("run-") + "42"));
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) seen.insert(slang_for_subject("run-" + std::to_string(i)).word);
    CHECK(seen.size() == slang_lexicon().size());  // every word gets subjects
}

TEST_CASE("meme::SlangPicker::distinct gives different entries, bounded by the lexicon, repeatable") {
    auto five = SlangPicker(7).distinct(5);
    CHECK(five.size() == 5);
    CHECK(std::set<const SlangEntry*>(five.begin(), five.end()).size() == 5);
    CHECK(SlangPicker(7).distinct(5) == five);
    CHECK(SlangPicker(8).distinct(5) != five);
    auto all = SlangPicker(7).distinct(1000);
    CHECK(all.size() == slang_lexicon().size());
    CHECK(std::set<const SlangEntry*>(all.begin(), all.end()).size() == slang_lexicon().size());
    CHECK(SlangPicker(7).distinct(0).empty());
}
