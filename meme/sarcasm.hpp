// The sarcasm score of contract §3: how sarcastic a chat line is, from 0 to 1, for Chinese,
// English and mixed text, with the reasons.
//
// A line is described by a few named features (praise set against trouble, sarcasm markers,
// "again", signs that the trouble was fixed, …), each 0 or 1, and a logistic model turns them
// into a score. The weights are trained by tools/sarcasm/train_sarcasm from the labelled lines
// in tools/sarcasm/dataset.tsv and kept in templates/sarcasm_model.json. Pure: no I/O after the
// built-in model is parsed once.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace memeops::meme {

// One feature of a text: its value (0 or 1) and the words that made it fire.
struct SarcasmFeature {
    std::string name;
    double value = 0;
    std::vector<std::string> matched;
};

// Every feature of the model, in a fixed order, fired or not.
std::vector<SarcasmFeature> sarcasm_features(std::string_view text);

// The names of the features, in the order sarcasm_features gives them.
const std::vector<std::string>& sarcasm_feature_names();

struct SarcasmModel {
    double bias = 0;
    std::map<std::string, double> weights;  // by feature name; a missing name weighs 0
    double threshold = 0.7;                 // a text scoring at least this is sarcastic
};

// The model in templates/sarcasm_model.json.
const SarcasmModel& builtin_sarcasm_model();

// A feature that fired and what it added to the logit.
struct SarcasmReason {
    std::string feature;
    double contribution = 0;  // weight × value
    std::vector<std::string> matched;
};

struct SarcasmScore {
    double score = 0;  // in [0, 1]
    bool sarcastic = false;
    std::vector<SarcasmReason> reasons;  // fired features, largest contribution first
};

SarcasmScore score_sarcasm(std::string_view text, const SarcasmModel& model = builtin_sarcasm_model());

// The logistic function, 1 / (1 + e^-x).
double logistic(double x);

}  // namespace memeops::meme
