// memeops replay FILE|-: what the training detectors would post for a metrics log. Posts nothing.
#include <cstdio>
#include <filesystem>

#include "cli/card_output.hpp"
#include "cli/command.hpp"
#include "cli/table.hpp"
#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "meme/caption.hpp"
#include "meme/card/sources.hpp"
#include "meme/detectors.hpp"
#include "meme/metrics_log.hpp"
#include "storage/entry.hpp"

namespace memeops::cli {
namespace {

struct ReplayOptions {
    std::string file;
    std::optional<std::string> run;
    bool json = false;
    bool explain = false;
    std::optional<std::string> png_dir;  // one card per reaction in this folder
};

meme::MetricsLog read_log(const std::string& file, std::istream& standard_input) {
    std::string text = core::read_input_file(file, standard_input);
    try {
        return meme::parse_metrics_log(text);
    } catch (const std::runtime_error& e) {
        throw core::Fatal("cannot replay " + core::input_name(file), e.what());
    }
}

void print_json(Io& io, const std::string& run, const meme::LogDetection& found, const meme::Caption& caption) {
    const auto& d = found.detection;
    nlohmann::json window = nlohmann::json::array();
    for (double v : d.window) window.push_back(storage::metric_to_json(v));
    io.out << nlohmann::json{{"run", run}, {"epoch", d.epoch}, {"reaction", d.reaction},
                             {"priority", storage::priority_label(d.priority)}, {"metric", d.metric},
                             {"value", storage::metric_to_json(d.value)}, {"caption", caption.zh},
                             {"caption_en", caption.en}, {"window", window}, {"why", d.why}}
                  .dump()
           << "\n";
}

// --explain: each reaction with the values its rule looked at and the thresholds they crossed.
void print_explained(Io& io, const std::string& run, const meme::LogDetection& found, const meme::Caption& caption) {
    const auto& d = found.detection;
    io.out << io.terminal.paint(core::terminal_safe(run) + " epoch " + std::to_string(d.epoch) + "  " +
                                    storage::priority_label(d.priority) + "  " + d.reaction,
                                "1")
           << "\n";
    io.out << "  caption: " << core::terminal_safe(caption.zh) << "\n";
    io.out << "           " << core::terminal_safe(caption.en) << "\n";
    if (!d.window.empty()) io.out << "  window:  " << core::terminal_safe(d.metric) << " " << meme::format_metrics(d.window) << "\n";
    io.out << "  why:     " << core::terminal_safe(d.why) << "\n\n";  // metric names come from the file
}

// --png DIR: the card of each reaction, its fit's curves with the firing epoch marked, as
// DIR/epoch-<N>-<reaction>.png (the fit's number after the epoch's for a second fit).
void write_cards(Context& context, const ReplayOptions& options, const std::string& run,
                 const meme::MetricsLog& log, const std::vector<meme::LogDetection>& found) {
    std::error_code error;
    std::filesystem::create_directories(*options.png_dir, error);
    if (error) throw core::Fatal("cannot write cards into " + *options.png_dir, error.message());
    auto fits = meme::split_fits(log.epochs);
    for (const auto& f : found) {
        const auto& d = f.detection;
        std::string name = meme::fit_run_name(run, f.fit);
        char file[64];
        std::snprintf(file, sizeof file, "epoch-%03d%s-", d.epoch, f.fit == 1 ? "" : ("-fit" + std::to_string(f.fit)).c_str());
        meme::card::Card card{d.reaction, d.priority, meme::detection_caption(d, name, f.spark), {.run = name},
                              meme::card::training_picture(d.reaction, fits[size_t(f.fit - 1)], d.epoch,
                                                           context.detector_thresholds())};
        save_card(card, (std::filesystem::path(*options.png_dir) / (file + d.reaction + ".png")).string(), context.io(),
                  options.json ? context.io().err : context.io().out);
    }
}

int run_replay(Context& context, const ReplayOptions& options) {
    meme::MetricsLog log = read_log(options.file, *context.io().in);
    std::string run = options.run.value_or(log.run.value_or(core::input_stem(options.file)));
    auto found = meme::detect_in_log(log.epochs, context.detector_thresholds());
    Io& io = context.io();
    Table table({"EPOCH", "PRIORITY", "REACTION", "CAPTION"});
    table.wrap_last_column();
    for (const auto& f : found) {
        std::string name = meme::fit_run_name(run, f.fit);
        auto caption = meme::detection_caption(f.detection, name, f.spark);
        if (options.json) print_json(io, name, f, caption);
        else if (options.explain) print_explained(io, name, f, caption);
        else {
            table.add_row({std::to_string(f.detection.epoch), storage::priority_label(f.detection.priority),
                           f.detection.reaction, caption.zh});
            if (caption.en != caption.zh) table.add_row({"", "", "", caption.en});
        }
    }
    if (options.png_dir) write_cards(context, options, run, log, found);
    if (options.json) return 0;  // (--json with --explain: the JSON lines carry window and why)
    size_t fits = meme::split_fits(log.epochs).size();
    std::string what = core::count_of(static_cast<std::int64_t>(log.epochs.size()), "epoch", "epochs") + " of " + core::terminal_safe(run) +
                       (fits > 1 ? " (" + std::to_string(fits) + " fits appended)" : "");
    if (found.empty()) return io.out << "Nothing to react to in " << what << ".\n", 0;
    if (!options.explain) io.out << table.render(io.terminal);
    char rate[32];
    std::snprintf(rate, sizeof rate, "%.1f", 100.0 * static_cast<double>(found.size()) / static_cast<double>(log.epochs.size()));
    io.out << core::count_of(static_cast<std::int64_t>(found.size()), "reaction", "reactions") << " in " << what << ": " << rate
           << " per 100 epochs.\n";
    return 0;
}

}  // namespace

Handler define_replay(CLI::App& app, Context& context) {
    auto options = std::make_shared<ReplayOptions>();
    app.add_option("FILE", options->file,
                   "A Keras CSVLogger CSV, or JSON lines of training.epoch events; - reads standard input")
        ->required();
    app.add_option("--run", options->run, "The run's name in captions (default: from the file)");
    app.add_flag("-j,--json", options->json, "One JSON line per reaction (with its window and why)");
    app.add_flag("--explain", options->explain,
                 "Show each reaction with the values its rule looked at and the thresholds they crossed");
    app.add_option("--png", options->png_dir, "Also write one card (PNG) per reaction into this folder");
    return [&context, options] { return run_replay(context, *options); };
}

}  // namespace memeops::cli
