// memeops tag [REV]: makes a commit a model version. The git side (the annotated pun-name tag)
// happens here; the archive side goes through the pipeline as a "commit" event with
// "version": true, locally or at the team's bot, like the hooks' events.
//
// Tagging is idempotent per commit: a commit keeps the tag it has. Run again with metrics, it
// updates the version's metrics in the archive and says which changed.
#include "cli/command.hpp"
#include "cli/repo_argument.hpp"
#include "core/text.hpp"
#include "cli/metric_flags.hpp"
#include "core/error.hpp"
#include "hooks/capture.hpp"
#include "hooks/version_tag.hpp"
#include "pipeline/pipeline.hpp"

namespace memeops::cli {
namespace {

struct TagOptions {
    std::string rev = "HEAD";
    std::optional<std::string> run;
    std::vector<std::string> metrics;
    bool dry_run = false;
    bool json = false;
};

struct TagReport {
    meme::PunName names;
    meme::Caption caption;
    bool created = false;                     // it became a version now
    std::vector<std::string> metrics_updated;  // of an existing version
    std::optional<std::int64_t> entry_id;
    bool sent_to_bot = false;
    std::optional<std::string> kept_run;       // the run an existing version keeps
    std::optional<std::string> asked_run;      // --run
};

nlohmann::json version_event(const hooks::CommitInfo& info, const hooks::RepoFacts& facts, const std::string& tag,
                             const TagOptions& options, const storage::Metrics& metrics) {
    nlohmann::json event = pipeline::with_id(hooks::commit_event(info, facts));
    event["version"] = true;
    event["tag"] = tag;
    if (options.run) event["run"] = *options.run;
    if (!metrics.empty()) {
        event["metrics"] = nlohmann::json::object();
        for (const auto& [name, value] : metrics) event["metrics"][name] = storage::metric_to_json(value);
    }
    return event;
}

// The archive side, locally: the version's entry, and its meme queued for the destinations.
void archive_version(Context& context, storage::Archive& archive, const nlohmann::json& event, TagReport& report) {
    std::vector<meme::Event> events{meme::parse_event(event, core::now_ms())};
    pipeline::Pipeline pipeline(archive, context.destinations(), context.detector_thresholds());
    // The caption printed below is the version meme, shown to whoever tagged.
    auto outcome = pipeline.handle(events, "tag", pipeline::Mode::apply, pipeline::ConsoleShown::yes).front();
    report.entry_id = outcome.entry_id;
    if (!outcome.version) return;
    report.created = outcome.version->made;
    report.metrics_updated = outcome.version->metrics_changed;
    report.names.tag = report.names.docker_tag = outcome.version->names.tag;
    report.kept_run = outcome.version->names.run;
}

// Team mode: the bot makes the version and its meme; this machine keeps the commit, and the
// event waits in the spool (in the same transaction) until the bot takes it.
void hand_to_bot(Context& context, storage::Archive& archive, const nlohmann::json& event, const pipeline::BotLink& bot,
                 TagReport& report) {
    std::vector<meme::Event> local{meme::parse_event(hooks::local_copy(event), core::now_ms())};
    auto handoff = pipeline::hand_to_bot(archive, local, {hooks::for_the_bot(event)}, bot, "tag");
    report.entry_id = handoff.local.front().entry_id;
    if (!handoff.forwarded.error.empty())
        context.io().err << "memeops: tag : " << handoff.forwarded.error << "; the version waits in the spool ("
                         << core::count_of(handoff.forwarded.waiting, "event", "events") << ") for the next hook, flush or emit\n";
}

void print_report(Io& io, const TagReport& report, bool dry_run) {
    std::string verb = dry_run ? "would tag" : (report.created ? "tagged" : "already tagged");
    io.out << verb << " " << io.terminal.paint(report.names.tag, "1;33") << "  " << report.names.display << "\n";
    if (report.sent_to_bot) io.out << "  handed to the team's bot, which keeps the version and posts its meme\n";
    if (!dry_run && !report.created && !report.sent_to_bot) {
        if (report.kept_run && report.asked_run && *report.kept_run != *report.asked_run)
            io.out << "  it keeps its run " << *report.kept_run << " (a version keeps the run it came from)\n";
        std::string names;
        for (const auto& name : report.metrics_updated) names += (names.empty() ? "" : ", ") + name;
        if (names.empty()) io.out << "  nothing changed\n";
        else io.out << "  updated " << names << " in the archive (the git tag keeps its first message)\n";
        return;
    }
    io.out << "  " << report.caption.zh << "\n  " << io.terminal.paint(report.caption.en, "2") << "\n";
}

void print_json(Io& io, const TagReport& report, bool dry_run) {
    nlohmann::json out = meme::to_json(report.names);
    out.update({{"created", report.created},
                {"dry_run", dry_run},
                {"metrics_updated", report.metrics_updated},
                {"entry_id", report.entry_id ? nlohmann::json(*report.entry_id) : nlohmann::json(nullptr)},
                {"sent_to_bot", report.sent_to_bot},
                {"caption", report.caption.zh},
                {"caption_en", report.caption.en}});
    io.out << out.dump() << "\n";
}

int run_tag(Context& context, const TagOptions& options) {
    storage::Metrics metrics = parse_metric_flags(options.metrics);
    hooks::LibGit2 lib;
    auto repo = hooks::open_repository(context.global().repo_dir);
    auto commit = commit_argument(repo.get(), options.rev, "tag");
    hooks::CommitInfo info = hooks::read_commit(repo.get(), commit.get());
    hooks::RepoFacts facts = hooks::repo_facts(repo.get());
    auto archive = options.dry_run ? context.open_existing_archive() : context.open_archive();
    TagReport report;
    report.names = hooks::choose_version_tag(repo.get(), info.sha, [&](const std::string& tag, const std::string& sha) {
        return archive && archive->tag_names_other_commit(tag, sha);
    });
    meme::Event subject;
    subject.repo = facts.identity;
    subject.branch = facts.branch;
    subject.commit = info.sha;
    storage::VersionNames names{report.names.tag, report.names.display, report.names.docker_tag, options.run};
    report.caption = meme::version_reaction(names, subject, info.summary).caption;
    if (!options.dry_run) {
        nlohmann::json event = version_event(info, facts, report.names.tag, options, metrics);
        report.asked_run = options.run;
        bool created_in_git = hooks::create_version_tag(repo.get(), commit.get(), report.names.tag,
                                                        hooks::format_tag_message({report.caption, options.run, metrics}));
        if (auto bot = context.bot_link()) {
            report.created = created_in_git;
            hand_to_bot(context, *archive, event, *bot, report);
            report.sent_to_bot = true;
        } else {
            archive_version(context, *archive, event, report);
        }
    }
    if (options.json) print_json(context.io(), report, options.dry_run);
    else print_report(context.io(), report, options.dry_run);
    return 0;
}

}  // namespace

Handler define_tag(CLI::App& app, Context& context) {
    auto options = std::make_shared<TagOptions>();
    app.add_option("REV", options->rev, "The commit (default HEAD)");
    app.add_option("-r,--repo", context.global().repo_dir, "The repository (default: the current one)");
    app.add_option("--run", options->run, "The training run this version came from");
    app.add_option("--metric", options->metrics, "A metric as NAME=VALUE (repeatable)");
    app.add_flag("--dry-run", options->dry_run, "Show the names and caption; change nothing");
    app.add_flag("-j,--json", options->json, "Print the result as JSON");
    return [&context, options] { return run_tag(context, *options); };
}

}  // namespace memeops::cli
