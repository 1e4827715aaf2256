// memeops tag [REV]: makes a commit a model version.
#include "cli/command.hpp"
#include "cli/metric_flags.hpp"
#include "core/destinations.hpp"
#include "core/error.hpp"
#include "hooks/capture.hpp"

namespace memeops::cli {
namespace {

struct TagOptions {
    std::string rev = "HEAD";
    std::optional<std::string> run;
    std::vector<std::string> metrics;
    bool dry_run = false;
    bool json = false;
};


int run_tag(Context& context, const TagOptions& options) {
    hooks::TagRequest request{options.run, parse_metric_flags(options.metrics),
                              options.dry_run ? hooks::DryRun::yes : hooks::DryRun::no};
    hooks::LibGit2 lib;
    auto repo = hooks::open_repository(context.global().repo_dir);
    auto commit = hooks::resolve_commit(repo.get(), options.rev);
    auto archive = context.open_archive();
    Io& io = context.io();
    hooks::CaptureContext capture{repo.get(), *archive, core::configured_destinations(context.settings()), io.out};
    auto result = hooks::tag_version(capture, commit.get(), request);
    if (options.json) {
        nlohmann::json out = meme::to_json(result.names);
        out.update({{"created", result.created}, {"dry_run", options.dry_run},
                    {"entry_id", result.entry_id ? nlohmann::json(result.entry_id) : nlohmann::json(nullptr)},
                    {"caption", result.caption}, {"caption_en", result.caption_en}});
        io.out << out.dump() << "\n";
        return 0;
    }
    std::string verb = options.dry_run ? "would tag" : (result.created ? "tagged" : "already tagged");
    io.out << verb << " " << io.terminal.paint(result.names.tag, "1;33") << "  " << result.names.display << "\n"
           << "  " << result.caption << "\n  " << io.terminal.paint(result.caption_en, "2") << "\n";
    return 0;
}

}  // namespace

Handler define_tag(CLI::App& app, Context& context) {
    auto options = std::make_shared<TagOptions>();
    app.add_option("REV", options->rev, "The commit (default HEAD)");
    app.add_option("--repo", context.global().repo_dir, "The repository (default: the current one)");
    app.add_option("--run", options->run, "The training run this version came from");
    app.add_option("--metric", options->metrics, "A metric as NAME=VALUE (repeatable)");
    app.add_flag("--dry-run", options->dry_run, "Show the names and caption; change nothing");
    app.add_flag("--json", options->json, "Print the result as JSON");
    return [&context, options] { return run_tag(context, *options); };
}

}  // namespace memeops::cli
