// Trains the sarcasm model from a labelled dataset and writes the model file.
//
//   train_sarcasm [DATASET] [MODEL]
//     defaults: tools/sarcasm/dataset.tsv and templates/sarcasm_model.json (from the source root)
//
// Trains on four fifths of the dataset, prints precision, recall and F1 on the held-out fifth
// (and on the training part, to show over-fitting), and writes the weights with those figures.
#include <cstdio>
#include <fstream>
#include <iostream>

#include "core/error.hpp"
#include "meme/sarcasm_training.hpp"

using namespace memeops;

namespace {

void print(const char* name, const meme::Evaluation& e) {
    std::printf("%-9s precision %.3f  recall %.3f  F1 %.3f  accuracy %.3f  (TP %d FP %d TN %d FN %d)\n", name,
                e.precision(), e.recall(), e.f1(), e.accuracy(), e.true_positives, e.false_positives,
                e.true_negatives, e.false_negatives);
}

}  // namespace

int main(int argc, char** argv) try {
    std::string dataset = argc > 1 ? argv[1] : MEMEOPS_SOURCE_DIR "/tools/sarcasm/dataset.tsv";
    std::string output = argc > 2 ? argv[2] : MEMEOPS_SOURCE_DIR "/templates/sarcasm_model.json";
    std::vector<meme::LabelledText> train, held_out;
    for (auto& e : meme::read_sarcasm_dataset(dataset)) (meme::is_held_out(e.text) ? held_out : train).push_back(e);
    meme::SarcasmModel model = meme::train_sarcasm_model(train);
    meme::Evaluation test = meme::evaluate(model, held_out);
    std::printf("%zu examples: %zu for training, %zu held out; threshold %.2f\n", train.size() + held_out.size(),
                train.size(), held_out.size(), model.threshold);
    print("training", meme::evaluate(model, train));
    print("held out", test);
    std::ofstream(output) << meme::model_to_json(model, static_cast<int>(train.size()), test).dump(2) << '\n';
    std::printf("wrote %s\n", output.c_str());
    return 0;
} catch (const std::exception& e) {
    std::cerr << "train_sarcasm: " << e.what() << '\n';
    return 1;
}
