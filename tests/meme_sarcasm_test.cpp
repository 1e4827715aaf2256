#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <set>
#include <string>
#include <tuple>

#include "meme/sarcasm.hpp"
#include "meme/sarcasm_training.hpp"
#include "templates/templates.hpp"

using namespace memeops::meme;

namespace {

const std::string k_dataset = std::string(MEMEOPS_SOURCE_DIR) + "/tools/sarcasm/dataset.tsv";

bool fired(const SarcasmScore& s, const std::string& feature) {
    for (const auto& r : s.reasons)
        if (r.feature == feature) return true;
    return false;
}

}  // namespace

TEST_CASE("meme::score_sarcasm scores praise set against trouble as sarcastic, in both languages") {
    for (const char* text : {"Oh great, NaN loss again. Just what I needed.", "太好了，CI又红了 🙃",
                             "绝绝子，又OOM了", "Wow, the pipeline is red again. What a surprise."}) {
        INFO(text);
        SarcasmScore s = score_sarcasm(text);
        CHECK(s.score >= 0.7);
        CHECK(s.sarcastic);
        CHECK(fired(s, "trouble"));
    }
}

TEST_CASE("meme::score_sarcasm leaves sincere reports and plain praise alone") {
    for (const char* text : {"CI is green again after fixing the flaky test.", "训练完成，模型已经上传。",
                             "The loss is NaN at epoch 3, I'll lower the learning rate.", "Merged, thanks!",
                             "新模型在所有基准上都提高了3个点", ""}) {
        INFO(text);
        SarcasmScore s = score_sarcasm(text);
        CHECK(s.score >= 0.0);
        CHECK(s.score < 0.7);
        CHECK_FALSE(s.sarcastic);
    }
}

TEST_CASE("meme::score_sarcasm explains itself: fired features, their words, largest first") {
    SarcasmScore s = score_sarcasm("Oh great, NaN again 🙃");
    REQUIRE(!s.reasons.empty());
    for (size_t i = 1; i < s.reasons.size(); ++i) CHECK(s.reasons[i - 1].contribution >= s.reasons[i].contribution);
    bool named_nan = false;
    for (const auto& r : s.reasons)
        for (const auto& word : r.matched) named_nan = named_nan || word == "nan";
    CHECK(named_nan);
    CHECK(fired(s, "marker"));
    CHECK(fired(s, "praise_opens_then_trouble"));
    CHECK_FALSE(fired(s, "resolved"));
}

TEST_CASE("meme::sarcasm_features match ASCII words whole and any case") {
    auto features = sarcasm_features("The Redis cache is GREAT");
    for (const auto& f : features) {
        if (f.name == "trouble") CHECK(f.value == 0);  // "red" inside "Redis" is not trouble
        if (f.name == "praise") CHECK(f.matched == std::vector<std::string>{"great"});
    }
    CHECK(features.size() == sarcasm_feature_names().size());
}

TEST_CASE("meme sarcasm dataset: at least 1500 examples, both labels balanced, every language well represented") {
    auto examples = read_sarcasm_dataset(k_dataset);
    CHECK(examples.size() >= 1500);
    int sarcastic = 0;
    std::map<std::string, int> by_language;
    for (const auto& e : examples) {
        sarcastic += e.sarcastic;
        ++by_language[e.language];
    }
    CHECK(sarcastic * 2 == static_cast<int>(examples.size()));
    CHECK(by_language["en"] >= 400);
    CHECK(by_language["zh"] >= 400);
    CHECK(by_language["mix"] >= 250);
}

TEST_CASE("meme sarcasm model: the built-in weights are what training on the dataset gives") {
    std::vector<LabelledText> train, held_out;
    SarcasmModel fresh = train_on_dataset(read_sarcasm_dataset(k_dataset), train, held_out);
    const SarcasmModel& builtin = builtin_sarcasm_model();
    CHECK(builtin.threshold == Approx(0.7));
    CHECK(builtin.bias == Approx(fresh.bias).margin(1e-6));
    REQUIRE(builtin.weights.size() == sarcasm_feature_names().size());
    for (const auto& [name, weight] : fresh.weights) {
        INFO(name);
        CHECK(builtin.weights.at(name) == Approx(weight).margin(1e-6));
    }
    REQUIRE(builtin.ngrams.size() == fresh.ngrams.size());
    CHECK(builtin.ngrams.size() > 1000);  // learned from the data, not a hand list
    int differing = 0;
    for (const auto& [name, weight] : fresh.ngrams) {
        auto it = builtin.ngrams.find(name);
        differing += it == builtin.ngrams.end() || std::fabs(it->second - weight) > 1e-6;
    }
    CHECK(differing == 0);
    // The figures the model file reports for the held-out fifth are the ones it really gets.
    Evaluation test = evaluate(builtin, held_out);
    const auto& recorded = memeops::templates::embedded_json("sarcasm_model.json").at("held_out");
    CHECK(test.accuracy() == Approx(recorded.at("dataset_fifth").at("all").at("accuracy").get<double>()));
    CHECK(test.precision() >= 0.9);
}

TEST_CASE("meme sarcasm model: on the held-out sets it never saw, accuracy and precision reach their targets") {
    auto dataset = read_sarcasm_dataset(k_dataset);
    std::set<std::string> seen;
    for (const auto& e : dataset) seen.insert(e.text);
    const auto& recorded = memeops::templates::embedded_json("sarcasm_model.json").at("held_out");
    for (auto [name, accuracy, size] : {std::tuple{"easy", 0.88, size_t{150}}, std::tuple{"chat", 0.80, size_t{160}}}) {
        INFO(name);
        auto set = read_sarcasm_dataset(std::string(MEMEOPS_SOURCE_DIR) + "/tools/sarcasm/heldout_" + name + ".tsv");
        CHECK(set.size() >= size);
        int sarcastic = 0;
        for (const auto& e : set) {
            sarcastic += e.sarcastic;
            CHECK(seen.count(e.text) == 0);  // never trained on
        }
        CHECK(std::abs(2 * sarcastic - static_cast<int>(set.size())) <= static_cast<int>(set.size()) / 20);
        auto figures = evaluate_by_language(builtin_sarcasm_model(), set);
        const Evaluation& all = figures.at("all");
        CHECK(all.accuracy() >= accuracy);
        CHECK(all.precision() >= 0.9);
        for (const char* language : {"en", "zh", "mix"}) {
            INFO(language);
            REQUIRE(figures.count(language));
            CHECK(figures.at(language).accuracy() ==
                  Approx(recorded.at(name).at(language).at("accuracy").get<double>()));
        }
    }
}

TEST_CASE("meme::sarcasm_ngrams names words, word pairs, Chinese character n-grams and emoji readably") {
    auto grams = sarcasm_ngrams("Love how the GPU just sits there, 绝绝子 🙃 all 900 lines");
    auto has = [&](const std::string& name) { return std::find(grams.begin(), grams.end(), name) != grams.end(); };
    CHECK(has("word:love"));
    CHECK(has("words:love how"));
    CHECK(has("words:the gpu"));
    CHECK_FALSE(has("words:there 绝"));  // a comma breaks a pair
    CHECK(has("chars:绝"));
    CHECK(has("chars:绝绝"));
    CHECK(has("chars:绝绝子"));
    CHECK(has("emoji:🙃"));
    CHECK(has("words:# lines"));  // numbers stand as "#"
    CHECK(std::set<std::string>(grams.begin(), grams.end()).size() == grams.size());
    CHECK(sarcasm_ngrams("").empty());
}

TEST_CASE("meme::score_sarcasm explains with readable n-grams, and the reasons add up to the score") {
    for (const char* text : {"love how the gpu just sits there while we wait", "绝绝子，val acc 0.49，二分类",
                             "CI is green again after fixing the flaky test."}) {
        INFO(text);
        SarcasmScore s = score_sarcasm(text);
        double logit = builtin_sarcasm_model().bias;
        size_t ngram_reasons = 0;
        for (const auto& r : s.reasons) {
            logit += r.contribution;
            bool is_ngram = r.feature.find(':') != std::string::npos;
            ngram_reasons += is_ngram;
            if (is_ngram) {
                REQUIRE(r.matched.size() == 1);
                CHECK(r.feature.ends_with(":" + r.matched[0]));
            }
        }
        CHECK(logistic(logit) == Approx(s.score));
        CHECK(ngram_reasons <= 6);
    }
}

TEST_CASE("meme::score_sarcasm is fast enough for every message event", "[serial]") {
    const std::string text = "Oh great, the pipeline is red again 🙃 绝绝子，又OOM了，love that for us";
    auto start = std::chrono::steady_clock::now();
    double total = 0;
    for (int i = 0; i < 2000; ++i) total += score_sarcasm(text).score;
    auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    CHECK(total > 0);
    CHECK(elapsed < 2.0);  // under 1 ms a message even on a loaded machine; about 20 µs unloaded
}

TEST_CASE("meme::read_sarcasm_dataset names the line of a malformed example") {
    std::string path = std::string(MEMEOPS_SOURCE_DIR) + "/tests/fixtures/sarcasm-bad.tsv";
    CHECK_THROWS_WITH(read_sarcasm_dataset(path), Catch::Contains("sarcasm-bad.tsv:3"));
}
