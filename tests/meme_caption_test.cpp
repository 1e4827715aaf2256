// Captions put user text and data in as they are: only the template around empty placeholders is
// tidied. The same subject keeps its caption variant across releases.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <limits>
#include <random>

#include "core/text.hpp"
#include "meme/caption.hpp"
#include "meme/confusion.hpp"
#include "meme/event.hpp"
#include "meme/reactions.hpp"

using namespace memeops;

namespace {

// Every caption of `reaction` that subjects "a".."z" pick, both languages.
std::vector<std::string> captions_of(const std::string& reaction,
                                     const std::map<std::string, std::string>& values) {
    std::vector<std::string> out;
    for (char c = 'a'; c <= 'z'; ++c) {
        auto caption = meme::render_caption(reaction, std::string(1, c), values);
        out.push_back(caption.zh);
        out.push_back(caption.en);
    }
    return out;
}

}  // namespace

TEST_CASE("meme::render_caption keeps brackets, quotes and double spaces of the values") {
    const std::string pipeline = "fix  model.fit() “quoted” 「引用」 （全角）";
    for (const auto& caption :
         captions_of("ci.failed", {{"pipeline", pipeline}, {"where", "vision · main"}}))
        CHECK_THAT(caption, Catch::Contains(pipeline));
}

TEST_CASE("meme::render_caption keeps the confusion.matrix grid byte for byte") {
    meme::Event event;
    event.kind = "confusion.matrix";
    event.run = "eval-7";
    event.confusion =
        meme::confusion_from_counts({"cat", "dog", "hamster"}, {{50, 3, 0}, {2, 40, 8}, {0, 1, 9}});
    std::string grid = meme::render_confusion(*event.confusion);
    REQUIRE_THAT(
        grid, Catch::Contains("  "));  // aligned with runs of spaces: what tidying used to collapse
    auto reaction = meme::confusion_reaction(event);
    CHECK_THAT(reaction.caption.zh, Catch::Contains("```\n" + grid + "```"));
    CHECK_THAT(reaction.caption.en, Catch::Contains("```\n" + grid + "```"));
}

TEST_CASE(
    "meme::render_caption of a CI run with no repo or branch leaves no empty brackets or doubled "
    "spaces") {
    for (const char* reaction : {"ci.failed", "ci.fixed", "ci.passed"}) {
        for (const auto& caption :
             captions_of(reaction, {{"pipeline", "train"}, {"where", ""}, {"url", ""}})) {
            INFO(reaction << ": " << caption);
            CHECK(caption.find("()") == std::string::npos);
            CHECK(caption.find("（）") == std::string::npos);
            CHECK(caption.find("  ") == std::string::npos);
            CHECK(caption.back() != ' ');
            CHECK_THAT(caption, Catch::Contains("train"));
        }
    }
}

TEST_CASE("meme::fill_template tidies only around empty placeholders") {
    CHECK(meme::fill_template("{pipeline} failed ({where}) {url}", {{"pipeline", "a()  b"}}) ==
          "a()  b failed");
    CHECK(meme::fill_template("{pipeline} （{where}）", {{"pipeline", "x"}, {"where", "  ()"}}) ==
          "x （  ()）");
}

TEST_CASE("meme::render_caption picks the same variant for a subject as every release before") {
    // version.tagged has three variants; these subjects pick different ones with the caption
    // basis than with the standard FNV basis, so a change of basis shows here.
    std::map<std::string, std::string> values{{"tag", "v1"}, {"where", ""}};
    CHECK_THAT(meme::render_caption("version.tagged", "run-2", values).en,
               Catch::StartsWith("Absolutely iconic 💯"));
    CHECK_THAT(meme::render_caption("version.tagged", "run-3", values).en,
               Catch::StartsWith("So cool 😎"));
}

TEST_CASE("core::stable_hash is 64-bit FNV-1a, and starts from another basis when given one") {
    CHECK(core::stable_hash("") == 0xcbf29ce484222325ULL);
    CHECK(core::stable_hash("a") == 0xaf63dc4c8601ec8cULL);
    CHECK(core::stable_hash("foobar") == 0x85944171f73967e8ULL);
    CHECK(core::stable_hash("run-1", 1469598103934665603ULL) == 0x5bd0b4c76057302eULL);
    CHECK(core::stable_hash("", 42) == 42);
}

TEST_CASE("meme::format_metric writes what printf's %.4g and %+.4g write, for every kind of double") {
    std::vector<double> values{0.0, -0.0, 1.0, 0.1, 0.12345, 0.99995, 9.9995, 99995, 1e-5, 1.23456e-5, 123456, 1e15,
                               1e-300, 4.9e-324, 1.7976931348623157e308, 2.0 / 3.0, 1234.5, 12345.5, 0.00012345};
    std::mt19937_64 random(20261130);
    std::uniform_real_distribution<double> mantissa(-10.0, 10.0);
    std::uniform_int_distribution<int> exponent(-40, 40);
    for (int i = 0; i < 2000; ++i) values.push_back(std::ldexp(mantissa(random), exponent(random)));
    size_t count = values.size();
    for (size_t i = 0; i < count; ++i) values.push_back(-values[i]);
    for (double v : values)
        for (bool sign : {false, true}) {
            char expected[64];
            std::snprintf(expected, sizeof expected, sign ? "%+.4g" : "%.4g", v);
            INFO(v << (sign ? " signed" : ""));
            CHECK(meme::format_metric(v, sign) == expected);
        }
    CHECK(meme::format_metric(std::nan("")) == "NaN");
    CHECK(meme::format_metric(-std::numeric_limits<double>::infinity()) == "-inf");
}
