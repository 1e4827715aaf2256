// memeops search TEXT: full-text search, Chinese included, with grep's exit codes: 0 found,
// 1 no match, 2 a query that cannot be run.
#include "cli/command.hpp"
#include "cli/entry_view.hpp"
#include "core/error.hpp"
#include "storage/search_query.hpp"

namespace memeops::cli {
namespace {

struct SearchOptions {
    std::vector<std::string> words;
    int limit = 20;
    bool json = false;
};

// The query as one text: the words, then the `-word` exclusions CLI11 took for unknown options.
std::string query_text(const SearchOptions& options, const std::vector<std::string>& extras) {
    std::string text;
    for (const auto& word : options.words) text += (text.empty() ? "" : " ") + word;
    for (const auto& extra : extras) {
        if (extra.rfind("--", 0) == 0) throw core::UsageError("search: unknown option " + extra);
        text += (text.empty() ? "" : " ") + extra;
    }
    if (text.empty()) throw core::UsageError("search: give the text to search for");
    return text;
}

std::vector<storage::Entry> find_entries(Context& context, const std::string& text, int limit) {
    try {
        auto archive = context.open_existing_archive(storage::Access::read_only);
        if (archive) return archive->search(text, limit);
        (void)storage::search_match_expression(text);  // a bad query is an error with no archive too
        return {};
    } catch (const storage::SearchQueryError& e) {
        throw core::UsageError(std::string("search: ") + e.what());
    }
}

int run_search(Context& context, const SearchOptions& options, const std::vector<std::string>& extras) {
    Io& io = context.io();
    auto entries = find_entries(context, query_text(options, extras), options.limit);
    if (options.json) print_entries_json(io.out, entries);
    else if (entries.empty()) io.err << "memeops: search : no matches\n";
    else print_entry_table(io.out, entries, io.terminal, core::now_ms());
    return entries.empty() ? 1 : 0;
}

}  // namespace

Handler define_search(CLI::App& app, Context& context) {
    auto options = std::make_shared<SearchOptions>();
    app.add_option("TEXT", options->words,
                   "Words that must all appear, as word prefixes (any language); -word excludes, "
                   "'\"a phrase\"' matches in order. Exits 1 when nothing matches.");
    app.add_option("--limit", options->limit, "At most this many entries (default 20)")
        ->check(CLI::Range(1, 100000).description(""));
    app.add_flag("--json", options->json, "Print a JSON array of entries ([] when nothing matches)");
    // `-nan` is an exclusion, not an option. What a subcommand does not know falls through to
    // the main command (which holds the global options); while `search` is parsed, the main
    // command keeps it as an extra argument instead of refusing it.
    CLI::App* main_command = app.get_parent();
    app.preparse_callback([main_command](size_t) { main_command->allow_extras(); });
    return [&context, options, main_command] { return run_search(context, *options, main_command->remaining()); };
}

}  // namespace memeops::cli
