// memeops confusion FILE: the emoji confusion matrix of a set of predictions.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "cli/command.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "meme/caption.hpp"
#include "meme/confusion.hpp"
#include "storage/entry.hpp"

namespace memeops::cli {
namespace {

struct ConfusionOptions {
    std::string file;
    std::string labels;
    std::optional<std::string> run;
    bool post = false;
    bool json = false;
};

constexpr int k_confusion_priority = 3;

// Archives the matrix as a message entry with a confusion.matrix meme queued for every
// destination that takes it. Returns the entry.
storage::Entry post_matrix(Context& context, const meme::ConfusionMatrix& matrix, const std::string& subject) {
    std::string grid = meme::render_confusion(matrix);
    char accuracy[16];
    std::snprintf(accuracy, sizeof accuracy, "%.3f", matrix.accuracy);
    auto caption = meme::render_caption("confusion.matrix", subject,
                                        {{"run", subject}, {"value", accuracy}, {"text", "```\n" + grid + "```"}});
    storage::Entry entry;
    entry.kind = storage::EntryKind::message;
    entry.time = core::now_ms();
    entry.run = subject;
    entry.summary = "confusion matrix of " + subject + ": accuracy " + accuracy;
    entry.body = grid;
    entry.details = {{"confusion", meme::to_json(matrix)}};
    storage::Meme meme{0, "confusion.matrix", k_confusion_priority, caption.zh, caption.en, entry.time, {}};
    for (const auto& name : core::routes_for(context.destinations(), meme.reaction, meme.priority))
        meme.deliveries.push_back({name, storage::DeliveryState::pending, 0, std::nullopt});
    entry.memes.push_back(std::move(meme));
    context.open_archive()->add(entry);
    return entry;
}

int run_confusion(Context& context, const ConfusionOptions& options) {
    std::ifstream in(options.file);
    if (!in) throw core::Fatal("cannot read " + options.file, "no such file or not readable");
    meme::ConfusionMatrix matrix;
    try {
        matrix = meme::confusion_matrix(meme::parse_predictions(in), core::split_commas(options.labels));
    } catch (const std::runtime_error& e) {
        throw core::Fatal("cannot read predictions from " + options.file, e.what());
    }
    std::optional<storage::Entry> posted;
    if (options.post)
        posted = post_matrix(context, matrix, options.run.value_or(std::filesystem::path(options.file).stem().string()));
    if (options.json) {
        auto doc = meme::to_json(matrix);
        if (posted) doc["posted"] = storage::to_json(*posted);
        context.io().out << doc.dump() << "\n";
        return 0;
    }
    context.io().out << meme::render_confusion(matrix);
    if (posted) {
        size_t queued = posted->memes[0].deliveries.size();
        context.io().out << "Archived as #" << posted->id << "; queued for " << queued
                         << (queued == 1 ? " destination" : " destinations") << " (sent by `memeops flush` or the bot).\n";
    }
    return 0;
}

}  // namespace

Handler define_confusion(CLI::App& app, Context& context) {
    auto options = std::make_shared<ConfusionOptions>();
    app.add_option("FILE", options->file, "JSON [{\"label\":…,\"pred\":…}] or CSV label,pred")->required();
    app.add_option("--labels", options->labels, "Class order, comma-separated (binary: the second is positive)");
    app.add_option("--run", options->run, "What the matrix is about, named in the chat post (default: the file's name)");
    app.add_flag("--post", options->post, "Archive the matrix and queue it as a chat post");
    app.add_flag("--json", options->json, "Print labels, matrix, per-class scores and accuracy as JSON");
    return [&context, options] { return run_confusion(context, *options); };
}

}  // namespace memeops::cli
