// memeops hook NAME [ARGS…]: what the hook launcher (memeops-hook) runs.
//
// It never makes a git command fail or hang. It runs in two halves:
// - the foreground, while git waits: post-commit tags HEAD when the tag policy makes it a model
//   version and prints that one line (a version costs a few milliseconds, an ordinary commit
//   only the check); every other hook prints nothing;
// - the background, detached from git (its own session, standard streams on /dev/null, none of
//   git's descriptors kept): the commit events go through the pipeline, or to the team's bot
//   (spooled while it is down), and the memes for chat destinations are delivered.
// Every failure becomes a line in the hook log (and on stderr while git still listens); the
// exit code is always 0; alarms end either half if anything takes too long.
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <mutex>

#include "delivery/drain.hpp"
#include "cli/command.hpp"
#include "cli/card_output.hpp"
#include "core/text.hpp"
#include "core/error.hpp"
#include "hooks/backfill.hpp"
#include "hooks/hook_events.hpp"
#include "hooks/hook_log.hpp"
#include "hooks/installer.hpp"
#include "pipeline/handoff.hpp"
#include "pipeline/pipeline.hpp"

namespace memeops::cli {
namespace {

constexpr int k_tag_check_busy_ms = 300;   // the foreground's look at the archive
constexpr int k_capture_busy_ms = 4000;    // the background's wait for the write lock
constexpr unsigned k_foreground_deadline_s = 3;
constexpr unsigned k_background_deadline_s = 120;
constexpr core::TimeMs k_delivery_budget_ms = 3000;  // one pass: what fails waits for the next hook, flush or serve

struct HookOptions {
    std::string name;
    std::vector<std::string> args;
};

struct HookRun {
    std::string name;
    hooks::Rewrites rewrites;                // post-rewrite's standard input
    std::optional<hooks::HeadVersion> head;  // the version tag post-commit made
    hooks::CarriedTags carried;              // the version tags post-rewrite moved
    std::vector<int> inherited_fds;          // descriptors git handed over (3 and up)
};

// The descriptors above stderr this process started with (git's, none of ours yet).
std::vector<int> open_descriptors() {
    std::vector<int> fds;
    DIR* dir = opendir("/proc/self/fd");
    if (!dir) return fds;
    int own = dirfd(dir);
    while (dirent* entry = readdir(dir)) {
        int fd = std::atoi(entry->d_name);
        if (fd > 2 && fd != own) fds.push_back(fd);
    }
    closedir(dir);
    return fds;
}

// Forks a detached worker: its own session, a grandchild (nobody waits for it), standard
// streams on /dev/null and git's descriptors closed, so `git commit | cat` ends when git does.
// Returns true in the worker, false in the caller (also when the fork failed: then no worker).
bool detach(const HookRun& run) {
    pid_t child = fork();
    if (child < 0) return false;
    if (child > 0) {
        waitpid(child, nullptr, 0);  // the intermediate child exits at once
        return false;
    }
    setsid();
    if (fork() != 0) _exit(0);
    int null_fd = open("/dev/null", O_RDWR);
    for (int fd : {0, 1, 2}) dup2(null_fd, fd);
    if (null_fd > 2) close(null_fd);
    for (int fd : run.inherited_fds) close(fd);
    alarm(k_background_deadline_s);
    return true;
}

// Whether the local archive gives `tag` to another commit; unknown (false) when it cannot say
// quickly. Only consulted when tagging.
hooks::TagTaken quick_archive_check(Context& context) {
    return [&context](const std::string& tag, const std::string& sha) {
        try {
            storage::ArchiveOptions options;
            options.access = storage::Access::read_only;  // a look, never the write lock
            options.busy_timeout_ms = k_tag_check_busy_ms;
            if (!std::filesystem::exists(context.archive_path())) return false;
            return storage::Archive::open(context.archive_path(), options)->tag_names_other_commit(tag, sha);
        } catch (const std::exception&) {
            return false;
        }
    };
}

void foreground(Context& context, HookRun& run, git_repository* repo) {
    if (run.name == "post-rewrite") run.carried = hooks::carry_over_tags(repo, run.rewrites);
    if (run.name != "post-commit") return;
    run.head = hooks::tag_head(repo, quick_archive_check(context));
    if (!run.head) return;
    context.io().out << hooks::tag_line(*run.head) << "\n" << std::flush;
    run.head->shown = context.io().out.good();
}

std::vector<meme::Event> parse_all(const std::vector<nlohmann::json>& documents) {
    std::vector<meme::Event> events;
    for (const auto& doc : documents) events.push_back(meme::parse_event(doc, core::now_ms()));
    return events;
}

// Local handling: memes wait for the destinations (a version line a foreground hook printed
// counts as its console delivery), and the chat ones are delivered now: this is the detached
// worker.
void handle_locally(Context& context, storage::Archive& archive, const std::vector<nlohmann::json>& documents,
                    std::vector<core::Destination> destinations) {
    pipeline::Pipeline(archive, destinations, context.detector_thresholds()).handle(parse_all(documents), "hook");
    std::erase_if(destinations, [](const auto& d) { return d.type == core::DestinationType::console; });
    if (destinations.empty() || archive.pending_deliveries() == 0) return;
    std::mutex console_mutex;
    delivery::Deliverer deliverer(archive, std::cerr, console_mutex, delivery_options(context));
    delivery::drain(deliverer, destinations, core::now_ms() + k_delivery_budget_ms);
}

// Team mode: a local copy for the archive's history (routed nowhere), and the events to the bot.
void hand_to_bot(storage::Archive& archive, const HookRun& run, const std::vector<nlohmann::json>& documents,
                 const pipeline::BotLink& bot) {
    std::vector<nlohmann::json> local, outgoing;
    for (const auto& doc : documents) {
        local.push_back(hooks::local_copy(doc));
        outgoing.push_back(hooks::for_the_bot(doc));
    }
    auto handoff = pipeline::hand_to_bot(archive, parse_all(local), outgoing, bot, "hook");
    if (!handoff.forwarded.error.empty())
        hooks::append_hook_log(run.name, handoff.forwarded.error + "; " + core::count_of(handoff.forwarded.waiting, "event waits", "events wait") +
                               " in the spool for the next hook, flush or emit");
}

void background(Context& context, const HookRun& run, git_repository* repo) {
    storage::ArchiveOptions options;
    options.busy_timeout_ms = k_capture_busy_ms;
    auto archive = storage::Archive::open(context.archive_path(), options);
    hooks::RepoFacts facts = hooks::repo_facts(repo);
    hooks::join_path_identity(*archive, facts);
    auto archived = [&](const std::string& sha) { return archive->git_entry_id(facts.identity, sha).has_value(); };
    auto taken = [&](const std::string& tag, const std::string& sha) { return archive->tag_names_other_commit(tag, sha); };
    auto documents = hooks::hook_events(repo, archived, run.head, run.rewrites, run.carried, taken);
    hooks::write_hook_cache(repo);
    if (auto bot = context.bot_link()) hand_to_bot(*archive, run, documents, *bot);
    else if (!documents.empty()) handle_locally(context, *archive, documents, context.destinations());
}

// Runs `step`; a failure becomes a line in the hook log, and on stderr while git listens.
template <typename Step>
void guarded(Context& context, const std::string& hook, bool git_listens, Step step) {
    try {
        step();
    } catch (const core::Fatal& e) {
        if (git_listens)
            context.io().err << "memeops: hook " << hook << " : " << e.subject() << " : " << e.reason()
                             << " (the git command is unaffected)\n";
        hooks::append_hook_log(hook, e.subject() + " : " + e.reason());
    } catch (const std::exception& e) {
        if (git_listens) context.io().err << "memeops: hook " << hook << " : " << e.what() << " (the git command is unaffected)\n";
        hooks::append_hook_log(hook, e.what());
    }
}

int run_hook(Context& context, const HookOptions& options) {
    if (core::env("MEMEOPS") == "0") return 0;
    signal(SIGPIPE, SIG_IGN);  // a closed terminal is a failed write, not the end of the hook
    HookRun run{options.name, {}, std::nullopt, {}, open_descriptors()};
    if (options.name == "post-rewrite") run.rewrites = hooks::read_rewrites(std::cin);
    // The launcher starts the background phase itself, detached, when there is nothing to print.
    bool background_only = core::env("MEMEOPS_HOOK_PHASE") == "background";
    alarm(k_foreground_deadline_s);
    hooks::LibGit2 lib;
    hooks::Repository repo;
    guarded(context, options.name, !background_only, [&] {
        repo = hooks::open_repository(std::nullopt);
        if (!background_only) foreground(context, run, repo.get());
    });
    if (!repo) return 0;
    bool in_foreground = core::env("MEMEOPS_HOOK_FOREGROUND") == "1";
    if (in_foreground || background_only) alarm(k_background_deadline_s);  // the launcher detached us
    else if (!detach(run)) return 0;
    guarded(context, options.name, in_foreground, [&] { background(context, run, repo.get()); });
    return 0;
}

}  // namespace

Handler define_hook(CLI::App& app, Context& context) {
    auto options = std::make_shared<HookOptions>();
    app.add_option("NAME", options->name, "The git hook: post-commit, post-merge, post-rewrite")->required();
    app.add_option("ARGS", options->args, "The hook's own arguments, as git passed them");
    app.prefix_command();
    return [&context, options] { return run_hook(context, *options); };
}

}  // namespace memeops::cli
