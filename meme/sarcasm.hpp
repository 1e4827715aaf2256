// The sarcasm score of contract §3: how sarcastic a chat line is, from 0 to 1, for Chinese,
// English and mixed text, with the reasons.
//
// A line is described by a few named hand-written features (praise set against trouble, sarcasm
// markers, "again", signs that the trouble was fixed, deadpan lowercase, …), each 0 or 1, and by
// the n-grams learned from the data: its words and word pairs, the character n-grams of its
// Chinese (written without spaces) and its emoji. A logistic model turns them into a score. The
// weights are trained by tools/sarcasm/train_sarcasm from the labelled lines in
// tools/sarcasm/dataset.tsv and kept in templates/sarcasm_model.json. Pure: no I/O after the
// built-in model is parsed once; a score costs a few microseconds (it runs on every message).
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

// The learned features of a text, each once, named for people: `word:love`, `words:love how`
// (two words in a row), `chars:绝绝子` (1 to 3 Chinese characters in a row), `emoji:🙃`. Latin
// letters are lower-cased and a number stands as "#" ("900 lines" → `words:# lines`). Only
// ASCII letters, digits, "'", "_", Chinese characters and emoji appear in a name, so one is safe
// to print anywhere.
std::vector<std::string> sarcasm_ngrams(std::string_view text);

struct SarcasmModel {
    double bias = 0;
    std::map<std::string, double> weights;  // hand features by name; a missing name weighs 0
    std::map<std::string, double> ngrams;   // learned n-grams by name (see above); a missing one weighs 0
    double threshold = 0.7;                 // a text scoring at least this is sarcastic
};

// The model in templates/sarcasm_model.json.
const SarcasmModel& builtin_sarcasm_model();

// A feature that fired and what it added to the logit. The n-grams beyond the few that weigh
// most are summed into one reason, "other n-grams (N)", so the reasons add up to the score.
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

// The logit of `score_sarcasm` before the logistic: bias plus every contribution.
double sarcasm_logit(std::string_view text, const SarcasmModel& model);

// The logistic function, 1 / (1 + e^-x).
double logistic(double x);

}  // namespace memeops::meme
