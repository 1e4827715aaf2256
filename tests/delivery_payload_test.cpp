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

// `text` without the markup the payload builders add themselves (Slack's <!date^…|…>).
std::string without_own_markup(std::string text) {
    for (size_t at; (at = text.find("<!date^")) != std::string::npos;) text.erase(at, text.find('>', at) - at + 1);
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
            if (block["type"] == "header") REQUIRE(utf16_length(block["text"]["text"].get<std::string>()) <= slack::k_max_header_text);
            if (block["type"] != "section") continue;
            std::string text = block["text"]["text"];
            REQUIRE(utf16_length(text) <= slack::k_max_section_text);
            REQUIRE(text.find('<') == std::string::npos);  // no <!channel>, <@U…> or <url|x>
            REQUIRE(text.find('>') == std::string::npos);
        }
        REQUIRE(without_own_markup(s.dump()).find("<!") == std::string::npos);

        auto d = discord::payload(memes);
        REQUIRE(d["allowed_mentions"] == nlohmann::json{{"parse", nlohmann::json::array()}});
        REQUIRE(utf16_length(d.value("content", "")) <= discord::k_max_content);
        REQUIRE(d.contains("content") == (memes.size() > 1));  // no filler above a single meme
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
            REQUIRE_THAT(d.value("content", ""), Catch::Contains("+" + std::to_string(memes.size() - shown) + " more"));
    }
    CHECK(digests > 100);
}

TEST_CASE("delivery payloads: digests put P0 first and end with +N more when they must") {
    std::vector<ChatMeme> memes;
    for (int i = 0; i < 60; ++i) memes.push_back({"ci.passed", 3, "YYDS 👑 pipeline " + std::to_string(i), "green"});
    memes.push_back({"training.nan", 0, "救命 🆘 run-1 NaN", "Help: NaN"});
    auto s = slack::payload(memes);
    // The digest's line, then per meme a header, a section and a context line (a divider between):
    // 1 + 3 + 11 × 4 + "+N more" = 49 blocks of at most 50, 12 memes shown.
    CHECK(s["blocks"].size() == 49);
    CHECK_THAT(s["blocks"][1]["text"]["text"].get<std::string>(), Catch::Contains("救命 🆘 run-1 NaN"));
    CHECK_THAT(s["blocks"][3]["elements"][0]["text"].get<std::string>(), Catch::Contains("training.nan"));
    CHECK(s["blocks"][4]["type"] == "divider");
    CHECK_THAT(s["blocks"].back()["text"]["text"].get<std::string>(), Catch::Contains("+49 more"));
    auto d = discord::payload(memes);
    CHECK(d["embeds"][0]["color"] == discord::priority_colour(0));
    CHECK_THAT(d["embeds"][0]["title"].get<std::string>(), Catch::Contains("training.nan"));
    CHECK_THAT(d["content"].get<std::string>(), Catch::Contains("+51 more"));
}

TEST_CASE("delivery::slack::escape_mrkdwn escapes exactly &, < and >") {
    CHECK(slack::escape_mrkdwn("a & <!channel> > b") == "a &amp; &lt;!channel&gt; &gt; b");
    CHECK(slack::escape_mrkdwn("头秃 @everyone") == "头秃 @everyone");
}

TEST_CASE("delivery::slack::escape_mrkdwn_prose keeps user text from formatting, but not names or links") {
    const std::string star = "<!date^00000000^{_}|*>", under = "<!date^00000000^{_}|_>";
    CHECK(slack::escape_mrkdwn_prose("*bold*") == star + "bold" + star);
    CHECK(slack::escape_mrkdwn_prose("an _italic_ word") == "an " + under + "italic" + under + " word");
    CHECK(slack::escape_mrkdwn_prose("~gone~ `code`") ==
          "<!date^00000000^{_}|~>gone<!date^00000000^{_}|~> <!date^00000000^{_}|`>code<!date^00000000^{_}|`>");
    CHECK(slack::escape_mrkdwn_prose("resnet_50_v2 2*3") == "resnet_50_v2 2*3");  // inside a word: nothing to format
    CHECK(slack::escape_mrkdwn_prose("a & <!channel>") == "a &amp; &lt;!channel&gt;");
    CHECK(slack::escape_mrkdwn_prose("see https://ci.example/_team/*x* now *") ==
          "see https://ci.example/_team/*x* now " + star);  // a bare URL stays one link
    CHECK(slack::escape_mrkdwn_prose("头秃_了_") == "头秃" + under + "了" + under);
    // a code block stays one (only &, <, > escaped in it); an unclosed fence is prose
    CHECK(slack::escape_mrkdwn_prose("matrix *x*\n```\n  a_b  *c*  <d>\n```") ==
          "matrix " + star + "x" + star + "\n```\n  a_b  *c*  &lt;d&gt;\n```");
    CHECK(slack::escape_mrkdwn_prose("``` *") == "<!date^00000000^{_}|`><!date^00000000^{_}|`><!date^00000000^{_}|`> " + star);
}

TEST_CASE("delivery::cut_to counts UTF-16 units and never splits a character") {
    CHECK(utf16_length("💯") == 2);
    CHECK(utf16_length("头秃") == 2);
    CHECK(cut_to("💯💯💯", 4) == "💯…");
    CHECK(cut_to("abc", 3) == "abc");
}

TEST_CASE("delivery::cut_escaped cuts on grapheme clusters before escaping, never inside an escape or an emoji") {
    auto amp = [](std::string_view t) { return slack::escape_mrkdwn(t); };
    CHECK(cut_escaped("&&&&", 10, amp) == "&amp;…");
    CHECK(cut_escaped("&&", 10, amp) == "&amp;&amp;");
    std::string family = "👨‍👩‍👧";  // 8 UTF-16 units, one grapheme cluster
    CHECK(cut_to(family + family, 10) == family + "…");
    CHECK(cut_to(family, 5) == "…");
    CHECK(cut_to("🇨🇳🇺🇸", 6) == "🇨🇳…");       // a flag is a pair of regional indicators
    CHECK(cut_to("e\u0301e\u0301e", 3) == "e\u0301…");  // a combining accent stays on its letter
    CHECK(cut_to("👍🏽👍🏽", 5) == "👍🏽…");        // a skin tone stays on its hand
    // A caption cut after its link: the link is escaped as a link (its "_" kept), as uncut.
    std::string caption = "failed https://ci.example/my_team/runs/7 " + std::string(200, 'x');
    std::string cut = cut_escaped(caption, 60, discord::escape_markdown);
    CHECK_THAT(cut, Catch::StartsWith("failed https://ci.example/my_team/runs/7 xxx"));
    CHECK(utf16_length(cut) == 60);
    CHECK_THAT(cut_escaped("__" + caption, 60, discord::escape_markdown), Catch::StartsWith("\\_\\_failed https://ci.example/my_team/"));
}

TEST_CASE("delivery::chat_safe removes controls and bidirectional overrides, keeps lines") {
    CHECK(chat_safe("evil\u202Etxt.exe") == "eviltxt.exe");
    CHECK(chat_safe("a\u2066b\u2069c\u200Fd") == "abcd");
    CHECK(chat_safe("\x1b]0;title\x07x\x1b[2Jy") == "]0;titlex[2Jy");
    CHECK(chat_safe("line 1\nline\t2\r") == "line 1\nline 2");
    CHECK(chat_safe("\xC2\x9B" "31m") == "31m");  // C1 CSI
    CHECK(chat_safe("头秃了 💯") == "头秃了 💯");
}

TEST_CASE("delivery::discord::escape_markdown shows markdown and timestamps literally and keeps links working") {
    using discord::escape_markdown;
    CHECK(escape_markdown("[click](https://evil.example)") == "\\[click\\]\\(https://evil.example\\)");
    CHECK(escape_markdown("||spoiler|| **bold** `code` ~~x~~ __u__") ==
          "\\|\\|spoiler\\|\\| \\*\\*bold\\*\\* \\`code\\` \\~\\~x\\~\\~ \\_\\_u\\_\\_");
    CHECK(escape_markdown("<t:0:R> <@123> <#9>") == "\\<t:0:R\\> \\<@123\\> \\<\\#9\\>");
    CHECK(escape_markdown("# big\n> quote") == "\\# big\n\\> quote");
    CHECK(escape_markdown("run https://ci.example/a_b/runs/1?q=(1)|x done") ==
          "run https://ci.example/a_b/runs/1?q=%281%29%7Cx done");
}

TEST_CASE("delivery payloads: hostile captions reach Slack and Discord as text, in both languages") {
    ChatMeme meme{"message", 3, "[click](https://evil.example) ||x|| \u202Egnp.exe <t:0:R> & " + std::string(4000, '&'),
                  "English line"};
    auto s = slack::payload({meme});
    std::string section = s["blocks"][1]["text"]["text"];
    CHECK_THAT(s["blocks"][0]["text"]["text"].get<std::string>(), Catch::StartsWith("[click](https://evil.example) ||x|| gnp.exe &lt;t:0:R&gt; &amp;"));
    for (size_t at = section.find('&'); at != std::string::npos; at = section.find('&', at + 1))
        REQUIRE((section.compare(at, 5, "&amp;") == 0 || section.compare(at, 4, "&lt;") == 0 || section.compare(at, 4, "&gt;") == 0));
    CHECK(section.find("\u202E") == std::string::npos);
    CHECK_THAT(section, Catch::EndsWith("_English line_"));  // the English line survives the cut
    CHECK_THAT(s["text"].get<std::string>(), Catch::Contains("English line"));  // phones show both languages
    auto d = discord::payload({meme});
    std::string description = d["embeds"][0]["description"];
    CHECK_THAT(description, Catch::StartsWith("\\[click\\]\\(https://evil.example\\) \\|\\|x\\|\\| gnp.exe \\<t:0:R\\>"));
    CHECK_THAT(description, Catch::EndsWith("\nEnglish line"));
}

namespace {

ChatMeme ci_failure(const std::string& url) {
    ChatMeme meme{"ci.failed", 1, "Pipeline exploded, please send help 🚨 CI 挂了", "Pipeline exploded, please send help 🚨 CI failed"};
    meme.subject.kind = memeops::storage::EntryKind::ci;
    meme.subject.time = 1'764'460'800'000;  // 2025-11-30T00:00:00Z
    meme.subject.repo = "github.com/team/vision";
    meme.subject.branch = "main";
    meme.subject.commit = "b16e8f0c2a9d4e5f6a7b8c9d0e1f2a3b4c5d6e7f";
    meme.subject.pipeline = "CI";
    meme.subject.url = url;
    return meme;
}

}  // namespace

TEST_CASE("delivery::slack::payload lays a meme out as header, fields with links, a button and a context line") {
    auto s = slack::payload({ci_failure("https://github.com/team/vision/actions/runs/42")});
    const auto& blocks = s["blocks"];
    REQUIRE(blocks.size() == 4);
    CHECK(blocks[0]["type"] == "header");
    CHECK(blocks[0]["text"]["text"] == "Pipeline exploded, please send help 🚨 CI 挂了");
    CHECK(blocks[1]["type"] == "section");
    std::string fields = blocks[1]["fields"].dump();
    CHECK_THAT(fields, Catch::Contains("*Repo*\\n<https://github.com/team/vision|vision>"));
    CHECK_THAT(fields, Catch::Contains("*Branch*\\nmain"));
    CHECK_THAT(fields, Catch::Contains("*Commit*\\n<https://github.com/team/vision/commit/b16e8f0c2a9d4e5f6a7b8c9d0e1f2a3b4c5d6e7f|`b16e8f0`>"));
    CHECK_THAT(fields, Catch::Contains("*Pipeline*\\nCI"));
    CHECK(blocks[2]["type"] == "actions");
    CHECK(blocks[2]["elements"][0]["url"] == "https://github.com/team/vision/actions/runs/42");
    CHECK(blocks[2]["elements"][0]["text"]["text"] == "View pipeline");
    std::string context = blocks[3]["elements"][0]["text"];
    CHECK_THAT(context, Catch::Contains("🟠 *P1*") && Catch::Contains("<!date^1764460800^{date_short_pretty} {time}|2025-11-30T00:00:00"));
    CHECK_THAT(s["text"].get<std::string>(), Catch::Contains("CI 挂了") && Catch::Contains("CI failed"));
}

TEST_CASE("delivery::discord::payload gives a meme an embed with its link, fields, time and footer, and no filler") {
    auto d = discord::payload({ci_failure("https://github.com/team/vision/actions/runs/42")});
    CHECK_FALSE(d.contains("content"));
    const auto& e = d["embeds"][0];
    CHECK(e["url"] == "https://github.com/team/vision/actions/runs/42");
    CHECK(e["timestamp"].get<std::string>().starts_with("2025-11-30T00:00:00"));
    CHECK(e["footer"]["text"] == "MemeOps · P1 · ci.failed");
    CHECK(e["color"] == discord::priority_colour(1));
    std::string fields = e["fields"].dump();
    CHECK_THAT(fields, Catch::Contains("\"name\":\"Commit\"") &&
                           Catch::Contains("[b16e8f0](https://github.com/team/vision/commit/b16e8f0c2a9d4e5f6a7b8c9d0e1f2a3b4c5d6e7f)"));
    CHECK_THAT(fields, Catch::Contains("[vision](https://github.com/team/vision)"));
    CHECK(discord::embed_characters(e) <= discord::k_max_embed_total);
}

TEST_CASE("delivery payloads: a link that is not http(s) is never made a link, and a hostile one cannot end early") {
    auto s = slack::payload({ci_failure("javascript:alert(1)")});
    CHECK(s.dump().find("javascript") == std::string::npos);
    auto d = discord::payload({ci_failure("javascript:alert(1)")});
    CHECK_FALSE(d["embeds"][0].contains("url"));
    ChatMeme odd = ci_failure("https://ci.example/x");
    odd.subject.repo = "github.com/team/a|b>c";
    std::string fields = slack::payload({odd})["blocks"][1]["fields"].dump();
    CHECK_THAT(fields, Catch::Contains("<https://github.com/team/a%7Cb&gt;c|a|b&gt;c>"));
}

TEST_CASE("delivery payloads: a repository of 1,000 characters keeps every field within its limit") {
    ChatMeme meme = ci_failure("https://ci.example/1");
    meme.subject.repo = "github.com/team/" + std::string(1000, 'r') + "\u202E";
    const nlohmann::json slack_message = slack::payload({meme});
    for (const auto& field : slack_message["blocks"][1]["fields"]) {
        CHECK(utf16_length(field["text"].get<std::string>()) <= 2000);
        CHECK(field["text"].get<std::string>().find("\u202E") == std::string::npos);
    }
    const nlohmann::json discord_message = discord::payload({meme});
    for (const auto& field : discord_message["embeds"][0]["fields"])
        CHECK(utf16_length(field["value"].get<std::string>()) <= discord::k_max_field_value);
}
