// memeops replay FILE: what the training detectors would post for a metrics log. Posts nothing.
#include <filesystem>
#include <fstream>

#include "cli/command.hpp"
#include "cli/table.hpp"
#include "core/error.hpp"
#include "meme/caption.hpp"
#include "meme/detectors.hpp"
#include "meme/metrics_log.hpp"
#include "storage/entry.hpp"

namespace memeops::cli {
namespace {

struct ReplayOptions {
    std::string file;
    std::optional<std::string> run;
    bool json = false;
};

int run_replay(Context& context, const ReplayOptions& options) {
    std::ifstream in(options.file);
    if (!in) throw core::Fatal("cannot read " + options.file, "no such file or not readable");
    meme::MetricsLog log;
    try {
        log = meme::parse_metrics_log(in);
    } catch (const std::runtime_error& e) {
        throw core::Fatal("cannot replay " + options.file, e.what());
    }
    std::string run = options.run.value_or(log.run.value_or(std::filesystem::path(options.file).stem().string()));
    meme::TrainingDetector detector;
    Io& io = context.io();
    Table table({"EPOCH", "PRIORITY", "REACTION", "CAPTION"});
    for (const auto& epoch : log.epochs) {
        for (const auto& d : detector.feed(epoch)) {
            std::string spark = meme::sparkline(detector.series(d.metric));
            auto caption = meme::detection_caption(d, run, spark);
            if (options.json) {
                io.out << nlohmann::json{{"run", run}, {"epoch", d.epoch}, {"reaction", d.reaction},
                                         {"priority", storage::priority_label(d.priority)},
                                         {"metric", d.metric}, {"value", storage::metric_to_json(d.value)},
                                         {"caption", caption.zh}, {"caption_en", caption.en}}
                              .dump() << "\n";
            } else {
                table.add_row({std::to_string(d.epoch), storage::priority_label(d.priority), d.reaction, caption.zh});
            }
        }
    }
    if (!options.json) {
        if (table.empty()) io.out << "Nothing to react to in " << log.epochs.size() << " epochs of " << run << ".\n";
        else io.out << table.render(io.terminal);
    }
    return 0;
}

}  // namespace

Handler define_replay(CLI::App& app, Context& context) {
    auto options = std::make_shared<ReplayOptions>();
    app.add_option("FILE", options->file, "A Keras CSVLogger CSV, or JSON lines of training.epoch events")->required();
    app.add_option("--run", options->run, "The run's name in captions (default: from the file)");
    app.add_flag("--json", options->json, "One JSON line per reaction");
    return [&context, options] { return run_replay(context, *options); };
}

}  // namespace memeops::cli
