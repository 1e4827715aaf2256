// Richer words: at least three bilingual variants per reaction, the easter eggs and what
// triggers them, and the 热词 of the slang lexicon mixed into every caption.
#include <algorithm>
#include <catch2/catch.hpp>
#include <set>

#include "core/error.hpp"
#include "core/text.hpp"
#include "meme/caption.hpp"
#include "meme/caption_templates.hpp"
#include "meme/event.hpp"
#include "meme/reactions.hpp"
#include "meme/slang.hpp"
#include "templates/templates.hpp"

using namespace memeops;

namespace {

bool has_cjk(const std::string& text) {
    for (size_t pos = 0; pos < text.size();)
        if (core::is_cjk(core::next_code_point(text, pos))) return true;
    return false;
}

bool has_latin_word(const std::string& text) {
    return std::any_of(text.begin(), text.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); });
}

// A template's text without its {placeholders}: what a reader sees besides the values.
std::string without_placeholders(const std::string& text) {
    std::string out;
    for (size_t pos = 0; pos < text.size();) {
        size_t open = text.find('{', pos);
        out += text.substr(pos, open == std::string::npos ? std::string::npos : open - pos);
        if (open == std::string::npos) break;
        pos = text.find('}', open) + 1;
    }
    return out;
}

const std::map<std::string, std::string> k_values{
    {"run", "resnet-7"}, {"epoch", "12"}, {"metric", "val_loss"}, {"value", "0.31"}, {"delta", "-0.02"},
    {"since", "8"},      {"best", "0.29"}, {"best_epoch", "4"},    {"pipeline", "CI"}, {"where", "vision · main"}};

std::map<std::string, std::string> with(std::map<std::string, std::string> values, const std::string& name,
                                        const std::string& value) {
    values[name] = value;
    return values;
}

// How many of the subjects "a".."z" get a Chinese caption containing `needle`.
int subjects_with(const std::string& reaction, const std::map<std::string, std::string>& values,
                  const std::string& needle) {
    int count = 0;
    for (char c = 'a'; c <= 'z'; ++c)
        count += meme::render_caption(reaction, std::string(1, c), values).zh.find(needle) != std::string::npos;
    return count;
}

}  // namespace

TEST_CASE("meme captions: every reaction has at least 3 plain variants, each in Chinese and English") {
    const auto& templates = meme::caption_templates();
    for (const auto& reaction : meme::required_reactions()) {
        INFO(reaction);
        int plain = 0;
        for (const auto& variant : templates.at(reaction)) {
            plain += !variant.contains("when");
            std::string zh = without_placeholders(variant.at("zh").get<std::string>());
            std::string en = without_placeholders(variant.at("en").get<std::string>());
            INFO(zh << " | " << en);
            CHECK(has_cjk(zh));
            CHECK(has_latin_word(en));
            CHECK_FALSE(has_cjk(en));
        }
        CHECK(plain >= 3);
    }
}

// The longest fixed text of a variant's English template: what tells it from the others.
std::string signature(const nlohmann::json& variant) {
    std::string text = variant.at("en").get<std::string>(), longest;
    for (size_t pos = 0; pos <= text.size();) {
        size_t open = std::min(text.find('{', pos), text.size());
        if (open - pos > longest.size()) longest = text.substr(pos, open - pos);
        size_t close = text.find('}', open);
        pos = close == std::string::npos ? text.size() + 1 : close + 1;
    }
    return longest;
}

TEST_CASE("meme captions: the variant is chosen by the subject, the same every time, and every plain one is used") {
    for (const auto& reaction : meme::required_reactions()) {
        INFO(reaction);
        std::map<std::string, std::string> values;  // every placeholder filled: nothing is tidied away
        for (const auto& name : meme::known_placeholders())
            if (!name.starts_with("slang")) values[name] = "<" + name + ">";
        std::set<std::string> signatures, seen;
        for (const auto& variant : meme::caption_templates().at(reaction))
            if (!variant.contains("when")) signatures.insert(signature(variant));
        for (int i = 0; i < 200; ++i) {
            std::string subject = "run-" + std::to_string(i);
            auto first = meme::render_caption(reaction, subject, values);
            auto again = meme::render_caption(reaction, subject, values);
            CHECK(first.zh == again.zh);
            CHECK(first.en == again.en);
            for (const auto& s : signatures)
                if (first.en.find(s) != std::string::npos) seen.insert(s);
        }
        CHECK(seen == signatures);
    }
}

TEST_CASE("meme captions: the easter eggs and their triggers") {
    // A plateau always blames the scheduler; a falling val accuracy always loses hair.
    CHECK(subjects_with("training.plateau", k_values, "早该放弃学习率 scheduler了") == 26);
    CHECK(subjects_with("training.val_acc_streak", k_values, "头秃到怀疑人生了") == 26);
    // A crash with NaN or divergence: these parameters are hopeless. Any other crash: never.
    auto nan_crash = with(k_values, "text", "RuntimeError: Function 'MseLossBackward0' returned nan values");
    CHECK(subjects_with("training.crash", nan_crash, "这届参数不行啊") == 26);
    CHECK(meme::render_caption("training.crash", "x", nan_crash).en.starts_with("These hyperparameters are hopeless"));
    CHECK(subjects_with("training.crash", with(k_values, "text", "KeyError: 'label'"), "这届参数不行啊") == 0);
    CHECK(subjects_with("training.crash", with(k_values, "text", "loss diverged at step 300"), "这届参数不行啊") == 26);
    // Out of memory: the hairline battle.
    auto oom = with(k_values, "text", "torch.cuda.OutOfMemoryError: CUDA out of memory");
    CHECK(subjects_with("training.crash", oom, "发际线保卫战") == 26);
    // NaN in a metric: one of training.nan's variants says it too.
    CHECK(subjects_with("training.nan", k_values, "这届参数不行啊") > 0);
    // "nano" and "info" are no NaN or inf.
    CHECK(meme::easter_egg_triggers("training.crash", {{"text", "nano editor info"}}).empty());
}

TEST_CASE("meme captions: FROM scratch到崩溃 for a failed Docker build, by pipeline, job, step or text") {
    CHECK(subjects_with("ci.failed", with(k_values, "pipeline", "CI / docker-build"), "FROM scratch到崩溃") == 26);
    CHECK(subjects_with("ci.failed", with(k_values, "pipeline", "Build Image"), "FROM scratch到崩溃") == 26);
    CHECK(subjects_with("ci.failed", with(k_values, "text", "failed to solve: Dockerfile:12"), "FROM scratch到崩溃") == 26);
    CHECK(subjects_with("ci.failed", with(k_values, "pipeline", "unit tests"), "FROM scratch到崩溃") == 0);
    CHECK(subjects_with("ci.fixed", with(k_values, "pipeline", "docker build"), "FROM scratch到崩溃") == 0);

    // Through the reaction: a job or step named in the event's fields is enough.
    meme::Event event;
    event.kind = "ci.pipeline";
    event.name = "release";
    event.status = "failure";
    event.raw = {{"step", "Build and push image"}};
    auto reaction = meme::ci_pipeline_reaction(event, std::nullopt);
    REQUIRE(reaction);
    CHECK_THAT(reaction->caption.zh, Catch::Contains("FROM scratch到崩溃"));
    CHECK_THAT(reaction->caption.en, Catch::Contains("FROM scratch to meltdown"));
    CHECK_THAT(reaction->caption.en, Catch::Contains("release"));
    event.raw = {{"step", "pytest"}, {"job", "unit tests"}};
    CHECK_THAT(meme::ci_pipeline_reaction(event, std::nullopt)->caption.zh, !Catch::Contains("FROM scratch"));
}

TEST_CASE("meme captions: every caption carries one 热词 of the slang lexicon, placed by the variant") {
    int inline_words = 0;
    for (const auto& reaction : meme::required_reactions()) {
        for (char c = 'a'; c <= 'z'; ++c) {
            auto caption = meme::render_caption(reaction, std::string(1, c), k_values);
            bool trailing = false, glossed = false;  // a template may name slang of its own too
            for (const auto& e : meme::slang_lexicon()) {
                if (caption.zh.find(e.word + " " + e.emoji) == std::string::npos) continue;
                trailing |= caption.zh.ends_with(" #" + e.word + " " + e.emoji);
                glossed |= core::ascii_lower(caption.en).find(core::ascii_lower(e.gloss)) != std::string::npos;
            }
            INFO(reaction << ": " << caption.zh << " | " << caption.en);
            CHECK(caption.zh.find('{') == std::string::npos);
            if (!trailing) {
                ++inline_words;  // placed by {slang}: the English says what it means
                CHECK(glossed);
            }
        }
    }
    CHECK(inline_words > 26);
}

TEST_CASE("meme templates: an easter egg must name a known trigger, and a reaction needs a plain variant") {
    auto error_of = [](const std::string& text) -> std::string {
        try {
            meme::check_caption_templates(text, "captions.json");
        } catch (const core::Fatal& e) {
            return e.reason();
        }
        return "";
    };
    std::string good(templates::embedded("captions.json"));
    std::string unknown = good;
    size_t at = unknown.find("\"docker_build\"", unknown.find("\"ci.failed\""));
    unknown.replace(at, 14, "\"dockr\"");
    CHECK_THAT(error_of(unknown), Catch::Contains("ci.failed[3].when: unknown trigger"));

    auto doc = nlohmann::json::parse(good);
    for (auto& v : doc["ci.passed"]) v["when"] = "docker_build";
    CHECK_THAT(error_of(doc.dump()), Catch::Contains("ci.passed: needs a variant without \"when\""));
}

TEST_CASE("meme captions: a finished run names its headline metric, and one that ended without metrics says just that") {
    for (int i = 0; i < 30; ++i) {  // enough subjects for every variant
        meme::Event event;
        event.kind = "training.end";
        event.run = "resnet-" + std::to_string(i);
        event.status = "success";
        auto bare = meme::finished_reaction(event).caption;
        INFO(bare.zh << " / " << bare.en);
        for (const std::string& text : {bare.zh, bare.en}) {
            CHECK(text.find("status") == std::string::npos);
            CHECK(text.find("success") == std::string::npos);
            CHECK(text.find(" = ") == std::string::npos);
            CHECK(text.find("()") == std::string::npos);
            CHECK(text.find("（）") == std::string::npos);
            CHECK(text.find(*event.run) != std::string::npos);
        }
        event.metrics["val_accuracy"] = 0.931;
        auto full = meme::finished_reaction(event).caption;
        CHECK(full.zh.find("val_accuracy = 0.931") != std::string::npos);
        CHECK(full.en.find("val_accuracy = 0.931") != std::string::npos);
    }
}
