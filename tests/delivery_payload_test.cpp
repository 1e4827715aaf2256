#include <catch2/catch.hpp>
#include <random>

#include "delivery/discord/discord_payload.hpp"
#include "delivery/slack/slack_payload.hpp"

using namespace memeops::delivery;

namespace {

// Random user text: long runs, Chinese, emoji, mention syntax of both platforms, HTML specials.
std::string random_text(std::mt19937_64& rng) {
    static const std::vector<std::string> k_pieces{
        "loss", " ", "头秃了", "绝绝子 💯", "👑", "@everyone", "@here", "<!channel>", "<!here>", "<@123>",
        "<@&456>", "&", "<", ">", "&amp;", "<https://evil.example|click>", "\n", "咱就是说", "🧑‍🦲", "x"};
    std::string text;
    size_t pieces = rng() % 40 == 0 ? 3000 : rng() % 60;  // now and then far past every limit
    for (size_t i = 0; i < pieces; ++i) text += k_pieces[rng() % k_pieces.size()];
    return text;
}

ChatMeme random_meme(std::mt19937_64& rng) {
    return {"training.r" + std::to_string(rng() % 9), static_cast<int>(rng() % 4), random_text(rng), random_text(rng)};
}

}  // namespace

TEST_CASE("delivery payloads: 10,000 random memes stay within Slack and Discord limits and never ping") {
    std::mt19937_64 rng(7);
    int digests = 0;
    for (int n = 0; n < 10'000;) {
        size_t count = rng() % 8 == 0 ? 1 + rng() % 120 : 1;
        std::vector<ChatMeme> memes;
        for (size_t i = 0; i < count; ++i, ++n) memes.push_back(random_meme(rng));
        if (count > 1) ++digests;

        auto s = slack::payload(memes);
        REQUIRE(s.contains("text"));
        REQUIRE(!s["text"].get<std::string>().empty());
        REQUIRE(utf16_length(s["text"].get<std::string>()) <= slack::k_max_fallback_text);
        REQUIRE(s["blocks"].size() <= slack::k_max_blocks);
        for (const auto& block : s["blocks"]) {
            std::string text = block["text"]["text"];
            REQUIRE(utf16_length(text) <= slack::k_max_section_text);
            REQUIRE(text.find('<') == std::string::npos);  // no <!channel>, <@U…> or <url|x>
            REQUIRE(text.find('>') == std::string::npos);
        }
        REQUIRE(s.dump().find("<!") == std::string::npos);

        auto d = discord::payload(memes);
        REQUIRE(d["allowed_mentions"] == nlohmann::json{{"parse", nlohmann::json::array()}});
        REQUIRE(utf16_length(d["content"].get<std::string>()) <= discord::k_max_content);
        REQUIRE(d["embeds"].size() <= discord::k_max_embeds);
        size_t total = 0;
        for (const auto& e : d["embeds"]) {
            REQUIRE(utf16_length(e["title"].get<std::string>()) <= discord::k_max_title);
            REQUIRE(utf16_length(e["description"].get<std::string>()) <= discord::k_max_description);
            total += discord::embed_characters(e);
        }
        REQUIRE(total <= discord::k_max_embed_total);

        // Nothing is dropped silently: shown + "+N more" accounts for every meme.
        size_t shown = d["embeds"].size();
        if (shown < memes.size())
            REQUIRE_THAT(d["content"].get<std::string>(), Catch::Contains("+" + std::to_string(memes.size() - shown) + " more"));
    }
    CHECK(digests > 100);
}

TEST_CASE("delivery payloads: digests put P0 first and end with +N more when they must") {
    std::vector<ChatMeme> memes;
    for (int i = 0; i < 60; ++i) memes.push_back({"ci.passed", 3, "YYDS 👑 pipeline " + std::to_string(i), "green"});
    memes.push_back({"training.nan", 0, "救命 🆘 run-1 NaN", "Help: NaN"});
    auto s = slack::payload(memes);
    CHECK(s["blocks"].size() == slack::k_max_blocks);
    CHECK_THAT(s["blocks"][1]["text"]["text"].get<std::string>(), Catch::Contains("training.nan"));
    CHECK_THAT(s["blocks"].back()["text"]["text"].get<std::string>(), Catch::Contains("+13 more"));
    auto d = discord::payload(memes);
    CHECK(d["embeds"][0]["color"] == discord::priority_colour(0));
    CHECK_THAT(d["embeds"][0]["title"].get<std::string>(), Catch::Contains("training.nan"));
    CHECK_THAT(d["content"].get<std::string>(), Catch::Contains("+51 more"));
}

TEST_CASE("delivery::slack::escape_mrkdwn escapes exactly &, < and >") {
    CHECK(slack::escape_mrkdwn("a & <!channel> > b") == "a &amp; &lt;!channel&gt; &gt; b");
    CHECK(slack::escape_mrkdwn("头秃 @everyone") == "头秃 @everyone");
}

TEST_CASE("delivery::cut_to counts UTF-16 units and never splits a character") {
    CHECK(utf16_length("💯") == 2);
    CHECK(utf16_length("头秃") == 2);
    CHECK(cut_to("💯💯💯", 4) == "💯…");
    CHECK(cut_to("abc", 3) == "abc");
}
