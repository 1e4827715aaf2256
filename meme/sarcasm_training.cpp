#include "meme/sarcasm_training.hpp"

#include <cstdint>
#include <fstream>

#include "core/error.hpp"
#include "core/text.hpp"

namespace memeops::meme {
namespace {

std::vector<double> feature_vector(const std::string& text) {
    std::vector<double> values;
    for (const auto& f : sarcasm_features(text)) values.push_back(f.value);
    return values;
}

double ratio(int num, int den) { return den == 0 ? 0.0 : static_cast<double>(num) / den; }

nlohmann::json evaluation_json(const Evaluation& e) {
    return {{"precision", e.precision()},          {"recall", e.recall()},
            {"f1", e.f1()},                        {"accuracy", e.accuracy()},
            {"true_positives", e.true_positives},  {"false_positives", e.false_positives},
            {"true_negatives", e.true_negatives},  {"false_negatives", e.false_negatives}};
}

}  // namespace

std::vector<LabelledText> read_sarcasm_dataset(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw core::Fatal("cannot read dataset " + path, "no such file");
    std::vector<LabelledText> examples;
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        if (line.empty() || line[0] == '#') continue;
        size_t tab1 = line.find('\t');
        size_t tab2 = tab1 == std::string::npos ? tab1 : line.find('\t', tab1 + 1);
        std::string label = line.substr(0, tab1);
        if (tab2 == std::string::npos || (label != "0" && label != "1") || tab2 + 1 >= line.size())
            throw core::Fatal("bad dataset line " + path + ":" + std::to_string(number),
                              "expected label (0 or 1), language and text separated by tabs");
        examples.push_back({label == "1", line.substr(tab1 + 1, tab2 - tab1 - 1), line.substr(tab2 + 1)});
    }
    return examples;
}

bool is_held_out(const std::string& text) { return core::stable_hash(text) % 5 == 0; }

SarcasmModel train_sarcasm_model(const std::vector<LabelledText>& examples, const TrainingOptions& options) {
    const auto& names = sarcasm_feature_names();
    std::vector<std::vector<double>> x;
    for (const auto& e : examples) x.push_back(feature_vector(e.text));
    std::vector<double> w(names.size(), 0.0);
    double bias = 0;
    const double n = static_cast<double>(examples.size());
    for (int it = 0; it < options.iterations; ++it) {
        std::vector<double> grad(w.size(), 0.0);
        double grad_bias = 0;
        for (size_t i = 0; i < examples.size(); ++i) {
            double logit = bias;
            for (size_t j = 0; j < w.size(); ++j) logit += w[j] * x[i][j];
            double error = logistic(logit) - (examples[i].sarcastic ? 1.0 : 0.0);
            for (size_t j = 0; j < w.size(); ++j) grad[j] += error * x[i][j];
            grad_bias += error;
        }
        for (size_t j = 0; j < w.size(); ++j) w[j] -= options.learning_rate * (grad[j] / n + options.l2 * w[j]);
        bias -= options.learning_rate * grad_bias / n;
    }
    SarcasmModel model{bias, {}, options.threshold};
    for (size_t j = 0; j < w.size(); ++j) model.weights[names[j]] = w[j];
    return model;
}

double Evaluation::precision() const { return ratio(true_positives, true_positives + false_positives); }
double Evaluation::recall() const { return ratio(true_positives, true_positives + false_negatives); }
double Evaluation::f1() const {
    double p = precision(), r = recall();
    return p + r == 0 ? 0.0 : 2 * p * r / (p + r);
}
double Evaluation::accuracy() const {
    return ratio(true_positives + true_negatives, true_positives + true_negatives + false_positives + false_negatives);
}

Evaluation evaluate(const SarcasmModel& model, const std::vector<LabelledText>& examples) {
    Evaluation e;
    for (const auto& example : examples) {
        bool predicted = score_sarcasm(example.text, model).sarcastic;
        if (predicted && example.sarcastic) ++e.true_positives;
        else if (predicted) ++e.false_positives;
        else if (example.sarcastic) ++e.false_negatives;
        else ++e.true_negatives;
    }
    return e;
}

nlohmann::json model_to_json(const SarcasmModel& model, int training_examples, const Evaluation& held_out) {
    nlohmann::json weights = nlohmann::json::object();
    for (const auto& [name, weight] : model.weights) weights[name] = weight;
    return {{"about", "Weights of the sarcasm score, trained by tools/sarcasm/train_sarcasm from "
                      "tools/sarcasm/dataset.tsv. Generated: retrain instead of editing."},
            {"bias", model.bias},
            {"weights", weights},
            {"threshold", model.threshold},
            {"training_examples", training_examples},
            {"held_out", evaluation_json(held_out)}};
}

}  // namespace memeops::meme
