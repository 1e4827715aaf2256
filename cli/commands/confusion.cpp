// memeops confusion FILE|-: the emoji confusion matrix of a set of predictions.
#include <cstdio>

#include "cli/card_output.hpp"
#include "cli/command.hpp"
#include "cli/event_submit.hpp"
#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "meme/caption.hpp"
#include "meme/confusion.hpp"
#include "meme/reactions.hpp"
#include "storage/entry.hpp"

namespace memeops::cli {
namespace {

struct ConfusionOptions {
    std::string file;
    std::string labels;
    std::optional<std::string> run;
    bool post = false;
    bool json = false;
    std::optional<std::string> png;  // write the matrix's card here
};

// The matrix as a confusion.matrix event (contract §3), named after what it is about.
nlohmann::json matrix_event(const meme::ConfusionMatrix& matrix, const std::string& subject) {
    return {{"kind", "confusion.matrix"}, {"run", subject}, {"labels", matrix.labels}, {"matrix", matrix.counts}};
}

// --png FILE: the matrix's card, with the caption its chat post gets.
void write_matrix_card(Context& context, const ConfusionOptions& options, const meme::ConfusionMatrix& matrix) {
    meme::Event event;
    event.kind = "confusion.matrix";
    event.run = options.run.value_or(core::input_stem(options.file));
    event.confusion = matrix;
    auto reaction = meme::confusion_reaction(event);
    meme::card::Card card{reaction.reaction, reaction.priority, reaction.caption, {.run = event.run},
                          meme::card::GridPicture{matrix}};
    save_card(card, *options.png, context.io(), options.json ? context.io().err : context.io().out);
}

int run_confusion(Context& context, const ConfusionOptions& options) {
    Io& io = context.io();
    std::string text = core::read_input_file(options.file, *io.in);
    meme::ConfusionMatrix matrix;
    try {
        matrix = meme::confusion_matrix(meme::parse_predictions(text), core::split_commas(options.labels));
    } catch (const std::runtime_error& e) {
        throw core::Fatal("cannot read predictions from " + core::input_name(options.file), e.what());
    }
    if (options.png) write_matrix_card(context, options, matrix);
    std::optional<Submission> posted;
    if (options.post) {
        std::string subject = options.run.value_or(core::input_stem(options.file));
        posted = submit_events(context, {matrix_event(matrix, subject)}, options.json ? io.err : io.out);
    }
    if (options.json) {
        auto doc = meme::to_json(matrix);
        if (posted && !posted->outcomes.empty()) doc["posted"] = {{"entry_id", posted->outcomes.front().entry_id}};
        if (posted && (posted->bot_answer || posted->spooled)) doc["posted"] = {{"sent_to_bot", posted->bot_answer.has_value()}};
        io.out << doc.dump() << "\n";
        return 0;
    }
    io.out << meme::render_confusion(matrix);
    if (posted && !posted->outcomes.empty())
        io.out << "Archived as #" << posted->outcomes.front().entry_id << "; its meme is delivered or queued (see `memeops show #"
               << posted->outcomes.front().entry_id << "`).\n";
    else if (posted && posted->bot_answer) io.out << "Sent to the bot.\n";
    else if (posted) io.out << "The bot cannot be reached: the matrix waits in the spool.\n";
    return 0;
}

}  // namespace

Handler define_confusion(CLI::App& app, Context& context) {
    auto options = std::make_shared<ConfusionOptions>();
    app.add_option("FILE", options->file, "JSON [{\"label\":…,\"pred\":…}] or CSV label,pred; - reads standard input")
        ->required();
    app.add_option("--labels", options->labels, "Class order, comma-separated (binary: the second is positive)");
    app.add_option("--run", options->run, "What the matrix is about, named in the chat post (default: the file's name)");
    app.add_flag("--post", options->post, "Archive the matrix and queue it as a chat post");
    app.add_flag("-j,--json", options->json, "Print labels, matrix, per-class scores and accuracy as JSON");
    app.add_option("--png", options->png, "Also write the matrix's card (PNG) to this file");
    return [&context, options] { return run_confusion(context, *options); };
}

}  // namespace memeops::cli
