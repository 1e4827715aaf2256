// memeops history: archive entries, newest first, with filters.
#include "cli/command.hpp"
#include "cli/repo_argument.hpp"
#include "cli/entry_view.hpp"
#include "core/error.hpp"
#include "storage/history_filter.hpp"

namespace memeops::cli {
namespace {

struct HistoryOptions {
    std::optional<std::string> repo;
    std::optional<std::string> branch;
    std::optional<std::string> kind;
    std::optional<std::string> since;
    std::optional<std::string> until;
    int limit = 20;
    bool json = false;
};

core::TimeMs parse_bound(const std::string& flag, const std::string& text, core::TimeMs now) {
    auto bound = core::parse_time_bound(text, now);
    if (!bound)
        throw core::UsageError(flag + " " + text +
                               ": not a time (ISO-8601 like 2026-11-29T10:00Z, or relative like "
                               "7d, 12h, 30m)");
    return *bound;
}

storage::HistoryQuery to_query(const HistoryOptions& options, core::TimeMs now) {
    storage::HistoryQuery query;
    if (options.repo) query.repo = repo_argument(*options.repo);
    query.branch = options.branch;
    if (options.kind) {
        query.kind = storage::parse_entry_kind(*options.kind);
        if (!query.kind)
            throw core::UsageError("--kind " + *options.kind +
                                   ": not a kind (version, commit, training, ci, message)");
    }
    if (options.since) query.since = parse_bound("--since", *options.since, now);
    if (options.until) query.until = parse_bound("--until", *options.until, now);
    query.limit = options.limit;
    return query;
}

// "showing 20 of 57; use -n to see more" on stderr when --limit cut the list, so the table on
// stdout stays whole for a pipe.
void print_limit_footer(Io& io, storage::Archive& archive, const storage::HistoryQuery& query, size_t shown) {
    if (static_cast<int>(shown) < query.limit) return;
    std::int64_t total = storage::count_history(archive, query);
    if (total <= static_cast<std::int64_t>(shown)) return;
    io.err << "showing " << shown << " of " << total << "; use -n to see more\n";
}

int run_history(Context& context, const HistoryOptions& options) {
    core::TimeMs now = core::now_ms();
    storage::HistoryQuery query = to_query(options, now);
    Io& io = context.io();
    auto archive = context.open_existing_archive(storage::Access::read_only);
    std::vector<storage::Entry> entries;
    if (archive) entries = archive->history(query);
    if (options.json) {
        print_entries_json(io.out, entries);
    } else if (!archive) {
        io.out << "Nothing archived yet (no archive at " << context.archive_path()
               << "). Run `memeops install` in a repository to start.\n";
    } else if (entries.empty()) {
        io.out << "No entries match.\n";
    } else {
        print_entry_table(io.out, entries, io.terminal, now);
        print_limit_footer(io, *archive, query, entries.size());
    }
    return 0;
}

}  // namespace

Handler define_history(CLI::App& app, Context& context) {
    auto options = std::make_shared<HistoryOptions>();
    app.add_option("-r,--repo", options->repo, "Only this repository: its identity, URL, owner/name, short name, or a path (.)");
    app.add_option("-b,--branch", options->branch, "Only this branch");
    app.add_option("-k,--kind", options->kind, "Only this kind: version, commit, training, ci, message");
    app.add_option("--since", options->since, "From this time: ISO-8601, or relative (30m, 12h, 7d, 2w, 1y)");
    app.add_option("--until", options->until, "Up to this time: ISO-8601, or relative (30m, 12h, 7d, 2w, 1y)");
    app.add_option("-n,--limit", options->limit, "At most this many entries (default 20); when more match, a line on stderr says how many")
        ->check(CLI::Range(1, 100000).description(""));
    app.add_flag("-j,--json", options->json, "Print a JSON array of entries");
    return [&context, options] { return run_history(context, *options); };
}

}  // namespace memeops::cli
