// Training and evaluating the sarcasm model (meme/sarcasm.hpp) from a labelled dataset: what
// tools/sarcasm/train_sarcasm runs, and what the tests check the built-in model against.
//
// Deterministic: the same dataset gives the same weights on every machine, so the committed
// templates/sarcasm_model.json can be checked against a fresh training run.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "meme/sarcasm.hpp"

namespace memeops::meme {

struct LabelledText {
    bool sarcastic = false;
    std::string language;  // "en", "zh", "mix"
    std::string text;
};

// Reads a dataset: lines of "label<TAB>language<TAB>text", label 1 (sarcastic) or 0; blank lines
// and lines starting with "#" are skipped. Throws core::Fatal naming the file and line of a
// malformed line.
std::vector<LabelledText> read_sarcasm_dataset(const std::string& path);

// The held-out fifth of any dataset: chosen by a hash of the text, so adding examples never
// moves old ones between the splits.
bool is_held_out(const std::string& text);

struct TrainingOptions {
    int iterations = 4000;
    double learning_rate = 0.5;
    double l2 = 0.01;  // weight decay, keeps single words from dominating
    double threshold = 0.7;
};

// Logistic regression by full-batch gradient descent from zero weights.
SarcasmModel train_sarcasm_model(const std::vector<LabelledText>& examples, const TrainingOptions& options = {});

struct Evaluation {
    int true_positives = 0, false_positives = 0, true_negatives = 0, false_negatives = 0;
    double precision() const;
    double recall() const;
    double f1() const;
    double accuracy() const;
};

// How the model does on `examples` at its threshold.
Evaluation evaluate(const SarcasmModel& model, const std::vector<LabelledText>& examples);

// The model file: weights, bias and threshold, with the figures it was trained and tested with.
nlohmann::json model_to_json(const SarcasmModel& model, int training_examples, const Evaluation& held_out);

}  // namespace memeops::meme
