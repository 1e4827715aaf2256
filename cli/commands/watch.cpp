// memeops watch FILE: follows a Keras CSVLogger file (or JSON lines of training.epoch events)
// while training writes it, and sends each new epoch as a training.epoch event the way `emit`
// does: to the team's bot (spooled while it is down), or through this machine's pipeline. Runs
// until SIGINT or SIGTERM, or --idle-exit seconds without a new epoch.
//
// Each event's id is derived from the run and the line it came from, so watching the same file
// again (after a restart of `watch`) sends nothing twice. A file that is truncated or replaced
// (rotated) is read again from its start; its epochs continue the run, or start a new fit
// ("run#2", as in `replay`) when the epoch column starts over.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <utility>

#include "cli/command.hpp"
#include "cli/event_submit.hpp"
#include "core/crypto.hpp"
#include "core/destinations.hpp"
#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/file_follower.hpp"
#include "core/stop_signals.hpp"
#include "core/text.hpp"
#include "meme/metrics_log.hpp"
#include "meme/reactions.hpp"
#include "storage/entry.hpp"

namespace memeops::cli {
namespace {

using Clock = std::chrono::steady_clock;

struct WatchOptions {
    std::string file;
    std::optional<std::string> run;
    double interval_s = 0.5;
    std::optional<double> idle_exit_s;
    bool json = false;
};

// An epoch ready to send, and what to say of it.
struct PendingEpoch {
    std::string run;
    int epoch = 0;
    storage::Metrics metrics;  // by their canonical names, for the line shown
    nlohmann::json event;
    bool shown = false;  // its line was printed (once, however many times it is sent)
};

struct Tally {
    long sent = 0;
    long memes = 0;
    long refused = 0;
    std::string last_error;  // of the last failed send, printed once until it changes
    // After a failed send: when to try again, and the wait after the next failure (doubling
    // from the poll interval up to k_max_retry_wait).
    Clock::time_point retry_at{};
    std::chrono::milliseconds retry_wait{0};
};

// Epochs kept while they cannot be sent: past this, the file is not read further until they
// go (it keeps them), so an archive that stays locked cannot grow watch's memory.
constexpr size_t k_max_pending = 10'000;
constexpr std::chrono::milliseconds k_max_retry_wait{30'000};

std::string run_of(const WatchOptions& options, const meme::GrowingMetricsLog& log) {
    return options.run.value_or(log.run().value_or(core::input_stem(options.file)));
}

PendingEpoch to_event(const std::string& run, const meme::GrowingMetricsLog& log, const meme::GrownEpoch& grown) {
    nlohmann::json metrics = nlohmann::json::object();
    storage::Metrics shown;
    for (const auto& [name, value] : grown.epoch.metrics) {
        metrics[name] = storage::metric_to_json(value);
        shown[meme::canonical_metric_name(name)] = value;
    }
    std::string fit_run = meme::fit_run_name(run, grown.fit);
    std::string id = "watch-" + core::sha256_hex(fit_run + "\n" + log.header() + "\n" + grown.line).substr(0, 32);
    return {fit_run, grown.epoch.epoch, std::move(shown),
            {{"kind", "training.epoch"}, {"id", id}, {"run", fit_run}, {"epoch", grown.epoch.epoch}, {"metrics", metrics}}};
}

// The epochs `lines` add; a bad line is reported on stderr and skipped.
std::vector<PendingEpoch> read_epochs(const WatchOptions& options, meme::GrowingMetricsLog& log,
                                      const std::vector<std::string>& lines, Io& io) {
    std::vector<PendingEpoch> out;
    for (const auto& line : lines) {
        try {
            if (auto grown = log.add_line(line)) out.push_back(to_event(run_of(options, log), log, *grown));
        } catch (const std::runtime_error& e) {
            io.err << "memeops: watch " << core::terminal_safe(options.file) << " : " << core::terminal_safe(e.what())
                   << " (skipped)\n";
        }
    }
    return out;
}

// The epochs about to be sent that were not shown yet, one line each, before the memes they
// make are shown.
void show_epochs(Io& io, std::vector<PendingEpoch>& pending) {
    for (auto& p : pending) {
        if (std::exchange(p.shown, true)) continue;
        io.out << io.terminal.paint(core::terminal_safe(meme::epoch_summary(p.run, p.epoch, p.metrics)), "2") << "\n";
    }
    io.out.flush();  // a follower's output is read as it comes (a pipe, a log file)
}

// After a failed send: the next try waits twice as long as the last, up to k_max_retry_wait.
void back_off(Tally& tally, std::chrono::milliseconds interval) {
    tally.retry_wait = std::min(k_max_retry_wait, std::max(interval, tally.retry_wait * 2));
    tally.retry_at = Clock::now() + tally.retry_wait;
}

void report_sent(Io& io, const WatchOptions& options, const std::vector<PendingEpoch>& sent, const Submission& s, Tally& tally) {
    std::string to = s.bot_answer ? "bot" : s.spooled ? "spool" : "archive";
    for (size_t i = 0; i < sent.size(); ++i) {
        const pipeline::HandledEvent* handled = i < s.outcomes.size() ? &s.outcomes[i] : nullptr;
        nlohmann::json memes = nlohmann::json::array();
        if (handled)
            for (const auto& m : handled->memes) memes.push_back({{"reaction", m.reaction}, {"priority", storage::priority_label(m.priority)}});
        tally.memes += static_cast<long>(memes.size());
        if (options.json)
            io.out << nlohmann::json{{"run", sent[i].run}, {"epoch", sent[i].epoch}, {"id", sent[i].event["id"]}, {"to", to},
                                     {"duplicate", handled && handled->duplicate}, {"memes", memes}}
                          .dump()
                   << "\n";
    }
    if (s.spooled)
        io.err << "memeops: watch : the bot cannot be reached (" << core::terminal_safe(s.spool_reason) << "); "
               << core::count_of(s.spool_waiting, "event waits", "events wait") << " in the spool\n";
    tally.sent += static_cast<long>(sent.size());
    io.out.flush();
}

// Sends `pending`; keeps them for a later try (backing off) when the archive could not take
// them, drops them when the bot refused them (sending again would not help).
void send(Context& context, const WatchOptions& options, std::vector<PendingEpoch>& pending, Tally& tally,
          std::chrono::milliseconds interval) {
    if (pending.empty()) return;
    Io& io = context.io();
    if (!options.json) show_epochs(io, pending);
    if (Clock::now() < tally.retry_at) return;
    std::vector<nlohmann::json> events;
    for (const auto& p : pending) events.push_back(p.event);
    try {
        Submission s = submit_events(context, events, options.json ? io.err : io.out);
        report_sent(io, options, pending, s, tally);
        pending.clear();
        tally.last_error.clear();
        tally.retry_wait = {};
        tally.retry_at = {};
    } catch (const EventsRefused& e) {
        io.err << "memeops: watch : " << core::terminal_safe(e.what()) << "\n";
        tally.refused += static_cast<long>(pending.size());
        pending.clear();
    } catch (const std::exception& e) {
        if (e.what() != tally.last_error) io.err << "memeops: watch : " << core::terminal_safe(e.what()) << " (trying again)\n";
        tally.last_error = e.what();
        back_off(tally, interval);
    }
}

void say_restarted(Context& context, const WatchOptions& options, bool first) {
    if (options.json) return;
    auto& err = context.io().err;
    if (!first) {
        err << core::terminal_safe(options.file) << " was truncated or replaced: reading it from the start\n";
        return;
    }
    auto bot = context.bot_link();
    err << "Watching " << core::terminal_safe(options.file) << ": epochs go to "
        << (bot ? "the bot at " + core::terminal_safe(core::redact_url(bot->events_url)) : "this machine's archive and chat")
        << " (Ctrl-C to stop)\n";
}

int run_watch(Context& context, const WatchOptions& options) {
    if (options.file == "-") throw core::UsageError("watch follows a file; to read standard input once, use replay -");
    core::StopSignals stop;
    core::FileFollower follower(options.file);
    meme::GrowingMetricsLog log;
    std::vector<PendingEpoch> pending;
    Tally tally;
    Io& io = context.io();
    bool seen = false;
    auto last_news = Clock::now();
    auto interval = std::chrono::milliseconds(static_cast<long>(options.interval_s * 1000));
    if (!std::filesystem::exists(options.file) && !options.json)
        io.err << "Waiting for " << core::terminal_safe(options.file) << " to appear… (Ctrl-C to stop)\n";
    for (;;) {
        // While too many epochs wait to be sent, the rest stays in the file, read later.
        auto news = pending.size() < k_max_pending ? follower.poll() : core::FileFollower::News{};
        if (news.restarted) {
            say_restarted(context, options, !seen);
            seen = true;
            log.restart();
        }
        auto epochs = read_epochs(options, log, news.lines, io);
        if (!epochs.empty()) last_news = Clock::now();
        pending.insert(pending.end(), std::make_move_iterator(epochs.begin()), std::make_move_iterator(epochs.end()));
        send(context, options, pending, tally, interval);
        if (options.idle_exit_s && Clock::now() - last_news >= std::chrono::duration<double>(*options.idle_exit_s)) break;
        if (stop.wait_for(interval)) break;
    }
    if (!options.json)
        io.err << "Sent " << core::count_of(tally.sent, "epoch", "epochs") << " of " << core::terminal_safe(options.file)
               << (tally.memes ? "; " + core::count_of(tally.memes, "meme", "memes") : "")
               << (pending.empty() ? "" : "; " + core::count_of(static_cast<long>(pending.size()), "epoch", "epochs") + " could not be sent")
               << ".\n";
    return pending.empty() && tally.refused == 0 ? 0 : 1;
}

}  // namespace

Handler define_watch(CLI::App& app, Context& context) {
    auto o = std::make_shared<WatchOptions>();
    app.add_option("FILE", o->file, "A Keras CSVLogger file (or JSON lines of training.epoch events), existing or not yet")
        ->required();
    app.add_option("--run", o->run, "The run's name (default: the file's name without its extension)");
    app.add_option("--interval", o->interval_s, "Seconds between looks at the file (default 0.5)")
        ->check(CLI::Range(0.05, 60.0));
    app.add_option("--idle-exit", o->idle_exit_s, "Stop after this many seconds without a new epoch (default: never)")
        ->check(CLI::PositiveNumber);
    app.add_flag("-j,--json", o->json, "One JSON line per epoch sent: run, epoch, id, where it went, its memes");
    return [&context, o] { return run_watch(context, *o); };
}

}  // namespace memeops::cli
