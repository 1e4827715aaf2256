// memeops confusion FILE: the emoji confusion matrix of a set of predictions.
#include <fstream>

#include "cli/command.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "meme/confusion.hpp"

namespace memeops::cli {
namespace {

struct ConfusionOptions {
    std::string file;
    std::string labels;
    bool json = false;
};

int run_confusion(Context& context, const ConfusionOptions& options) {
    std::ifstream in(options.file);
    if (!in) throw core::Fatal("cannot read " + options.file, "no such file or not readable");
    meme::ConfusionMatrix matrix;
    try {
        matrix = meme::confusion_matrix(meme::parse_predictions(in), core::split_commas(options.labels));
    } catch (const std::runtime_error& e) {
        throw core::Fatal("cannot read predictions from " + options.file, e.what());
    }
    if (options.json) context.io().out << meme::to_json(matrix).dump() << "\n";
    else context.io().out << meme::render_confusion(matrix);
    return 0;
}

}  // namespace

Handler define_confusion(CLI::App& app, Context& context) {
    auto options = std::make_shared<ConfusionOptions>();
    app.add_option("FILE", options->file, "JSON [{\"label\":…,\"pred\":…}] or CSV label,pred")->required();
    app.add_option("--labels", options->labels, "Class order, comma-separated (binary: the second is positive)");
    app.add_flag("--json", options->json, "Print labels, matrix, per-class scores and accuracy as JSON");
    return [&context, options] { return run_confusion(context, *options); };
}

}  // namespace memeops::cli
