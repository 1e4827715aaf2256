// Trains the sarcasm model from a labelled dataset and writes the model file.
//
//   train_sarcasm [DATASET] [MODEL]
//     defaults: tools/sarcasm/dataset.tsv and templates/sarcasm_model.json (from the source root)
//
// Trains on four fifths of the dataset and calibrates on the held-out fifth, then prints
// precision, recall and accuracy per language (Chinese, English, mixed) on the training part (to
// show over-fitting), the held-out fifth and the two test sets it never sees,
// tools/sarcasm/heldout_easy.tsv (like the dataset) and tools/sarcasm/heldout_chat.tsv
// (realistic team chat); writes the weights with those figures.
#include <cstdio>
#include <fstream>
#include <iostream>

#include "core/error.hpp"
#include "meme/sarcasm_training.hpp"

using namespace memeops;

namespace {

const std::string k_tools = MEMEOPS_SOURCE_DIR "/tools/sarcasm/";

void print(const std::string& name, const meme::Evaluation& e) {
    std::printf("  %-5s accuracy %.3f  precision %.3f  recall %.3f  F1 %.3f  (TP %d FP %d TN %d FN %d)\n",
                name.c_str(), e.accuracy(), e.precision(), e.recall(), e.f1(), e.true_positives, e.false_positives,
                e.true_negatives, e.false_negatives);
}

// Prints the figures of one test set by language and returns them as JSON.
nlohmann::json report(const char* title, const meme::SarcasmModel& model, const std::vector<meme::LabelledText>& set) {
    std::printf("%s (%zu texts)\n", title, set.size());
    nlohmann::json figures = nlohmann::json::object();
    for (const auto& [language, e] : meme::evaluate_by_language(model, set)) {
        print(language, e);
        figures[language] = meme::evaluation_json(e);
    }
    return figures;
}

}  // namespace

int main(int argc, char** argv) try {
    std::string dataset = argc > 1 ? argv[1] : k_tools + "dataset.tsv";
    std::string output = argc > 2 ? argv[2] : MEMEOPS_SOURCE_DIR "/templates/sarcasm_model.json";
    std::vector<meme::LabelledText> train, held_out;
    meme::SarcasmModel model = meme::train_on_dataset(meme::read_sarcasm_dataset(dataset), train, held_out);
    std::printf("%zu examples: %zu for training, %zu held out; %zu n-grams learned; threshold %.2f\n",
                train.size() + held_out.size(), train.size(), held_out.size(), model.ngrams.size(), model.threshold);
    report("training", model, train);
    nlohmann::json figures{{"dataset_fifth", report("held-out fifth of the dataset", model, held_out)},
                           {"easy", report("heldout_easy.tsv", model, meme::read_sarcasm_dataset(k_tools + "heldout_easy.tsv"))},
                           {"chat", report("heldout_chat.tsv", model, meme::read_sarcasm_dataset(k_tools + "heldout_chat.tsv"))}};
    std::ofstream(output) << meme::model_to_json(model, static_cast<int>(train.size()), figures).dump(2) << '\n';
    std::printf("wrote %s\n", output.c_str());
    return 0;
} catch (const std::exception& e) {
    std::cerr << "train_sarcasm: " << e.what() << '\n';
    return 1;
}
