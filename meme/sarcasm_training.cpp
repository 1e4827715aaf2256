#include "meme/sarcasm_training.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>

#include "core/error.hpp"
#include "core/text.hpp"

namespace memeops::meme {
namespace {

using SparseRow = std::vector<std::pair<size_t, double>>;  // (feature index, value), nonzero only

double ratio(int num, int den) { return den == 0 ? 0.0 : static_cast<double>(num) / den; }

double rounded(double w) { return std::round(w * 1e7) / 1e7; }

// The n-grams of at least `min_texts` of `examples`, in name order: the learned vocabulary.
std::vector<std::string> ngram_vocabulary(const std::vector<LabelledText>& examples, int min_texts) {
    std::map<std::string, int> texts;
    for (const auto& e : examples)
        for (auto& name : sarcasm_ngrams(e.text)) ++texts[name];
    std::vector<std::string> vocabulary;
    for (const auto& [name, count] : texts)
        if (count >= min_texts) vocabulary.push_back(name);
    return vocabulary;
}

// A text as a sparse row: the hand features first, then the vocabulary's n-grams.
SparseRow feature_row(const std::string& text, const std::map<std::string, size_t>& ngram_index) {
    SparseRow row;
    auto features = sarcasm_features(text);
    for (size_t j = 0; j < features.size(); ++j)
        if (features[j].value != 0) row.emplace_back(j, features[j].value);
    for (const auto& name : sarcasm_ngrams(text))
        if (auto it = ngram_index.find(name); it != ngram_index.end()) row.emplace_back(it->second, 1.0);
    return row;
}

// Full-batch AdaGrad on the L2-regularised logistic loss from zero (a step per weight, so rare
// n-grams learn as fast as common features); returns the weights with the bias last.
std::vector<double> descend(const std::vector<SparseRow>& rows, const std::vector<LabelledText>& examples,
                            const std::vector<double>& l2, const TrainingOptions& options) {
    std::vector<double> w(l2.size() + 1, 0.0), grad(w.size()), squares(w.size(), 0.0);
    const size_t bias = l2.size();
    const double n = static_cast<double>(rows.size());
    for (int it = 0; it < options.iterations; ++it) {
        std::fill(grad.begin(), grad.end(), 0.0);
        for (size_t i = 0; i < rows.size(); ++i) {
            double logit = w[bias];
            for (auto [j, v] : rows[i]) logit += w[j] * v;
            double error = logistic(logit) - (examples[i].sarcastic ? 1.0 : 0.0);
            for (auto [j, v] : rows[i]) grad[j] += error * v;
            grad[bias] += error;
        }
        for (size_t j = 0; j <= bias; ++j) {
            double g = grad[j] / n + (j < bias ? l2[j] * w[j] : 0.0);
            squares[j] += g * g;
            if (squares[j] > 0) w[j] -= options.learning_rate * g / std::sqrt(squares[j]);
        }
    }
    return w;
}

// The cut on the logit that calls texts at or above it sarcastic with the best accuracy on
// `examples` among the cuts of at least `target` precision (the highest of equals); with none,
// the cut of the best precision.
double calibrated_cut(const SarcasmModel& model, const std::vector<LabelledText>& examples, double target) {
    std::vector<std::pair<double, bool>> scored;
    for (const auto& e : examples) scored.emplace_back(sarcasm_logit(e.text, model), e.sarcastic);
    std::sort(scored.begin(), scored.end());
    int positives = 0;
    for (const auto& s : scored) positives += s.second;
    double best_cut = scored.back().first + 1, best_accuracy = -1, best_precision = -1;
    bool best_meets = false;
    int tp = 0, fp = 0;  // above the cut, counted from the top down
    for (size_t i = scored.size(); i-- > 0;) {
        (scored[i].second ? tp : fp) += 1;
        if (i > 0 && scored[i - 1].first == scored[i].first) continue;
        double cut = i == 0 ? scored[0].first - 1 : (scored[i - 1].first + scored[i].first) / 2;
        double precision = ratio(tp, tp + fp);
        int true_negatives = static_cast<int>(i) - (positives - tp);  // below the cut, not sarcastic
        double correct = ratio(tp + true_negatives, static_cast<int>(scored.size()));
        bool meets = precision >= target;
        if ((meets && (!best_meets || correct > best_accuracy)) || (!best_meets && !meets && precision > best_precision)) {
            best_cut = cut;
            best_accuracy = correct;
            best_precision = precision;
            best_meets = meets;
        }
    }
    return best_cut;
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

SarcasmModel train_sarcasm_model(const std::vector<LabelledText>& examples,
                                 const std::vector<LabelledText>& calibration, const TrainingOptions& options) {
    const auto& names = sarcasm_feature_names();
    auto vocabulary = ngram_vocabulary(examples, options.min_ngram_texts);
    std::map<std::string, size_t> ngram_index;
    for (size_t k = 0; k < vocabulary.size(); ++k) ngram_index[vocabulary[k]] = names.size() + k;
    std::vector<SparseRow> rows;
    for (const auto& e : examples) rows.push_back(feature_row(e.text, ngram_index));
    std::vector<double> l2(names.size(), options.l2);
    l2.resize(names.size() + vocabulary.size(), options.ngram_l2);
    auto w = descend(rows, examples, l2, options);
    SarcasmModel model{rounded(w.back()), {}, {}, options.threshold};
    for (size_t j = 0; j < names.size(); ++j) model.weights[names[j]] = rounded(w[j]);
    for (size_t k = 0; k < vocabulary.size(); ++k)
        if (double weight = rounded(w[names.size() + k]); weight != 0) model.ngrams[vocabulary[k]] = weight;
    if (!calibration.empty()) {
        double cut = calibrated_cut(model, calibration, options.target_precision);
        model.bias = rounded(model.bias + std::log(options.threshold / (1 - options.threshold)) - cut);
    }
    return model;
}

SarcasmModel train_on_dataset(const std::vector<LabelledText>& dataset, std::vector<LabelledText>& train,
                              std::vector<LabelledText>& held_out) {
    train.clear();
    held_out.clear();
    for (const auto& e : dataset) (is_held_out(e.text) ? held_out : train).push_back(e);
    return train_sarcasm_model(train, held_out);
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

std::map<std::string, Evaluation> evaluate_by_language(const SarcasmModel& model, const std::vector<LabelledText>& examples) {
    std::map<std::string, std::vector<LabelledText>> parts;
    for (const auto& e : examples) {
        parts["all"].push_back(e);
        parts[e.language].push_back(e);
    }
    std::map<std::string, Evaluation> out;
    for (const auto& [language, part] : parts) out[language] = evaluate(model, part);
    return out;
}

nlohmann::json evaluation_json(const Evaluation& e) {
    return {{"precision", e.precision()},          {"recall", e.recall()},
            {"f1", e.f1()},                        {"accuracy", e.accuracy()},
            {"true_positives", e.true_positives},  {"false_positives", e.false_positives},
            {"true_negatives", e.true_negatives},  {"false_negatives", e.false_negatives}};
}

nlohmann::json model_to_json(const SarcasmModel& model, int training_examples, const nlohmann::json& figures) {
    nlohmann::json weights = nlohmann::json::object(), ngrams = nlohmann::json::object();
    for (const auto& [name, weight] : model.weights) weights[name] = weight;
    for (const auto& [name, weight] : model.ngrams) ngrams[name] = weight;
    return {{"about", "Weights of the sarcasm score, trained by tools/sarcasm/train_sarcasm from "
                      "tools/sarcasm/dataset.tsv. Generated: retrain instead of editing."},
            {"bias", model.bias},
            {"weights", weights},
            {"ngrams", ngrams},
            {"threshold", model.threshold},
            {"training_examples", training_examples},
            {"held_out", figures}};
}

}  // namespace memeops::meme
