// Training and evaluating the sarcasm model (meme/sarcasm.hpp) from a labelled dataset: what
// tools/sarcasm/train_sarcasm runs, and what the tests check the built-in model against.
//
// Deterministic: the same dataset gives the same weights on every machine, so the committed
// templates/sarcasm_model.json can be checked against a fresh training run.
#pragma once

#include <map>
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
    int iterations = 3000;
    double learning_rate = 0.3;  // AdaGrad's base step
    double l2 = 0.001;           // weight decay of the hand features
    double ngram_l2 = 0.0005;    // of the learned n-grams: keeps the rare ones small
    int min_ngram_texts = 2;  // an n-gram in fewer training texts is not learned
    double threshold = 0.7;   // contract §3: sarcastic from 0.7
    // The bias is shifted so that, on the calibration texts, texts at the threshold are called
    // sarcastic with at least this precision: a sincere bug report called sarcastic is the worse
    // error.
    double target_precision = 0.9;
};

// Logistic regression by full-batch AdaGrad from zero weights over the hand features
// and the n-grams of at least `min_ngram_texts` training texts, then calibrated on
// `calibration` (texts it did not train on; none: no calibration). Weights are rounded to 1e-7
// so the model file reads the same on every machine.
SarcasmModel train_sarcasm_model(const std::vector<LabelledText>& examples,
                                 const std::vector<LabelledText>& calibration = {}, const TrainingOptions& options = {});

// The model the committed templates/sarcasm_model.json is: trained on the dataset's four fifths
// and calibrated on its held-out fifth. Returns the two parts in `train` and `held_out`.
SarcasmModel train_on_dataset(const std::vector<LabelledText>& dataset, std::vector<LabelledText>& train,
                              std::vector<LabelledText>& held_out);

struct Evaluation {
    int true_positives = 0, false_positives = 0, true_negatives = 0, false_negatives = 0;
    double precision() const;
    double recall() const;
    double f1() const;
    double accuracy() const;
};

// How the model does on `examples` at its threshold.
Evaluation evaluate(const SarcasmModel& model, const std::vector<LabelledText>& examples);

// The same, for all of `examples` ("all") and for each language among them ("en", "zh", "mix").
std::map<std::string, Evaluation> evaluate_by_language(const SarcasmModel& model, const std::vector<LabelledText>& examples);

// An evaluation as JSON: precision, recall, f1, accuracy and the four counts.
nlohmann::json evaluation_json(const Evaluation& e);

// The model file: weights, n-grams, bias and threshold, with the number of training texts and
// the `figures` it was tested with (by test set, then by language).
nlohmann::json model_to_json(const SarcasmModel& model, int training_examples, const nlohmann::json& figures);

}  // namespace memeops::meme
