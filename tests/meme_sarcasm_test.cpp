#include <catch2/catch.hpp>
#include <string>

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

TEST_CASE("meme sarcasm dataset: at least 300 examples, both labels and languages balanced") {
    auto examples = read_sarcasm_dataset(k_dataset);
    CHECK(examples.size() >= 300);
    int sarcastic = 0, en = 0, zh = 0;
    for (const auto& e : examples) {
        sarcastic += e.sarcastic;
        en += e.language == "en";
        zh += e.language == "zh";
    }
    CHECK(sarcastic * 2 == static_cast<int>(examples.size()));
    CHECK(en >= 100);
    CHECK(zh >= 100);
}

TEST_CASE("meme sarcasm model: the built-in weights are what training on the dataset gives") {
    std::vector<LabelledText> train, held_out;
    for (auto& e : read_sarcasm_dataset(k_dataset)) (is_held_out(e.text) ? held_out : train).push_back(e);
    SarcasmModel fresh = train_sarcasm_model(train);
    const SarcasmModel& builtin = builtin_sarcasm_model();
    CHECK(builtin.threshold == Approx(0.7));
    CHECK(builtin.bias == Approx(fresh.bias).margin(1e-9));
    REQUIRE(builtin.weights.size() == sarcasm_feature_names().size());
    for (const auto& [name, weight] : fresh.weights) {
        INFO(name);
        CHECK(builtin.weights.at(name) == Approx(weight).margin(1e-9));
    }
    // The held-out figures the model file reports are the ones it really gets.
    Evaluation test = evaluate(builtin, held_out);
    const auto& recorded = memeops::templates::embedded_json("sarcasm_model.json").at("held_out");
    CHECK(test.f1() == Approx(recorded.at("f1").get<double>()));
    CHECK(test.precision() >= 0.85);
    CHECK(test.recall() >= 0.7);
    CHECK(test.f1() >= 0.8);
}

TEST_CASE("meme::read_sarcasm_dataset names the line of a malformed example") {
    std::string path = std::string(MEMEOPS_SOURCE_DIR) + "/tests/fixtures/sarcasm-bad.tsv";
    CHECK_THROWS_WITH(read_sarcasm_dataset(path), Catch::Contains("sarcasm-bad.tsv:3"));
}
