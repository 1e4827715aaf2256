// memeops card REF|-: the meme of an archive entry, or of an event on stdin, as a PNG card.
#include "cli/card_output.hpp"
#include "cli/command.hpp"
#include "cli/event_preview.hpp"
#include "cli/repo_argument.hpp"
#include "core/error.hpp"
#include "meme/card/sources.hpp"
#include "meme/event.hpp"

namespace memeops::cli {
namespace {

struct CardOptions {
    std::string ref;
    std::optional<std::string> output;
    std::optional<std::string> reaction;
};

meme::card::Card card_of_entry(Context& context, const CardOptions& options) {
    auto archive = context.open_existing_archive(storage::Access::read_only);
    std::optional<storage::Entry> entry;
    if (archive) entry = entry_argument(*archive, options.ref);  // as `show` reads it: HEAD, HEAD~2, #42, a tag
    if (!entry) throw core::Fatal("no entry " + options.ref, "not a revision, tag, commit or entry id in " + context.archive_path());
    return entry_card(*archive, *entry, options.reaction, context.detector_thresholds());
}

// The events on stdin, previewed as `memeify` does: nothing is archived.
meme::card::Card card_of_events(Context& context) {
    auto card = preview_card(context, read_stdin_events(context.io()).events);
    if (!card) throw core::Fatal("no card", "nothing to react to in the event");
    return *card;
}

int run_card(Context& context, const CardOptions& options) {
    auto card = options.ref == "-" ? card_of_events(context) : card_of_entry(context, options);
    std::string path = options.output.value_or(meme::card::card_file_name(card.subject, card.reaction));
    save_card(card, path, context.io(), context.io().out);
    return 0;
}

}  // namespace

Handler define_card(CLI::App& app, Context& context) {
    auto options = std::make_shared<CardOptions>();
    app.footer("Without -o the card is written as memeops-<subject>-<reaction>.png in the current folder;\n"
               "-o - writes it to standard output (refused on a terminal). For example:\n"
               "  memeops card v1.2-rapid-raccoon -o release.png\n"
               "  echo '{\"kind\":\"training.epoch\",\"run\":\"r1\",\"epoch\":3,\"metrics\":{\"loss\":\"nan\"}}' | memeops card -");
    app.add_option("REF", options->ref,
                   "A pun tag, a full or short commit sha, an entry id (#42), or - for an event on stdin (as memeify reads it)")
        ->required();
    app.add_option("-o,--output", options->output, "Where to write the PNG (- for standard output)");
    app.add_option("--reaction", options->reaction, "Which of the entry's memes (default: the most urgent)");
    return [&context, options] { return run_card(context, *options); };
}

}  // namespace memeops::cli
