// memeops backfill: archives existing history, with a progress bar on a terminal.
#include <unistd.h>

#include <cstdio>

#include "cli/command.hpp"
#include "core/text.hpp"
#include "hooks/backfill.hpp"

namespace memeops::cli {
namespace {

struct BackfillOptions {
    std::optional<size_t> limit;
};

std::string progress_line(const hooks::BackfillProgress& p) {
    constexpr int k_width = 24;
    double fraction = p.total ? static_cast<double>(p.done) / static_cast<double>(p.total) : 1.0;
    int filled = static_cast<int>(fraction * k_width);
    std::string bar;
    for (int i = 0; i < k_width; ++i) bar += i < filled ? "█" : "░";
    double rate = p.seconds > 0 ? static_cast<double>(p.done) / p.seconds : 0;
    double eta = rate > 0 ? static_cast<double>(p.total - p.done) / rate : 0;
    char buf[160];
    std::snprintf(buf, sizeof buf, "\rbackfill %s %zu/%zu  %.0f commits/s  ETA %.0fs ", bar.c_str(),
                  p.done, p.total, rate, eta);
    return buf;
}

int run_backfill(Context& context, const BackfillOptions& options) {
    hooks::LibGit2 lib;
    auto repo = hooks::open_repository(context.global().repo_dir);
    auto archive = context.open_archive();
    bool bar = isatty(STDERR_FILENO) == 1;
    Io& io = context.io();
    auto result = hooks::backfill(repo.get(), *archive, options.limit, [&](const hooks::BackfillProgress& p) {
        if (bar) io.err << progress_line(p) << std::flush;
    });
    if (bar) io.err << "\n";
    double rate = result.seconds > 0 ? static_cast<double>(result.reachable) / result.seconds : 0;
    io.out << "backfill: " << core::count_of(result.inserted, "commit", "commits") << " archived, "
           << (result.reachable - result.inserted) << " already there, " << result.reachable
           << " reachable (" << static_cast<long>(rate) << " commits/s)\n";
    return 0;
}

}  // namespace

Handler define_backfill(CLI::App& app, Context& context) {
    auto options = std::make_shared<BackfillOptions>();
    app.add_option("-r,--repo", context.global().repo_dir, "The repository (default: the current one)");
    app.add_option("-n,--limit", options->limit, "At most this many commits, newest first");
    return [&context, options] { return run_backfill(context, *options); };
}

}  // namespace memeops::cli
