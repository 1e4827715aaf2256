// memeops search TEXT: full-text search, Chinese included.
#include "cli/command.hpp"
#include "cli/entry_view.hpp"
#include "core/error.hpp"

namespace memeops::cli {
namespace {

struct SearchOptions {
    std::vector<std::string> words;
    int limit = 20;
    bool json = false;
};

int run_search(Context& context, const SearchOptions& options) {
    Io& io = context.io();
    std::string text;
    for (const auto& word : options.words) text += (text.empty() ? "" : " ") + word;
    auto archive = context.open_existing_archive(storage::Access::read_only);
    std::vector<storage::Entry> entries;
    if (archive) entries = archive->search(text, options.limit);
    if (options.json) print_entries_json(io.out, entries);
    else if (entries.empty()) io.out << "Nothing found for \"" << text << "\".\n";
    else print_entry_table(io.out, entries, io.terminal, core::now_ms());
    return 0;
}

}  // namespace

Handler define_search(CLI::App& app, Context& context) {
    auto options = std::make_shared<SearchOptions>();
    app.add_option("TEXT", options->words, "Words that must all appear (any language)")
        ->required();
    app.add_option("--limit", options->limit, "At most this many entries (default 20)")
        ->check(CLI::Range(1, 100000));
    app.add_flag("--json", options->json, "Print a JSON array of entries");
    return [&context, options] { return run_search(context, *options); };
}

}  // namespace memeops::cli
