// memeops emit KIND: sends one event to the bot at the configured bot URL (with the token;
// spooled while it cannot be reached), or, with none, handles it here: archives it, queues its
// memes and delivers them.
#include "cli/command.hpp"
#include "core/text.hpp"
#include "cli/repo_argument.hpp"
#include "cli/event_submit.hpp"
#include "cli/metric_flags.hpp"
#include "core/error.hpp"

namespace memeops::cli {
namespace {

struct EmitOptions {
    std::string kind;
    std::optional<std::string> id, run, status, text, url, repo, branch, commit, name, provider;
    std::optional<int> epoch;
    std::vector<std::string> metrics;
    bool json = false;
};

nlohmann::json event_json(const EmitOptions& o) {
    nlohmann::json event{{"kind", o.kind}};
    auto set = [&](const char* key, const std::optional<std::string>& value) {
        if (value) event[key] = *value;
    };
    set("id", o.id);
    set("run", o.run);
    set("status", o.status);
    set("text", o.text);
    set("url", o.url);
    if (o.repo) event["repo"] = repo_argument(*o.repo);
    set("branch", o.branch);
    set("commit", o.commit);
    set("name", o.name);
    set("provider", o.provider);
    if (o.epoch) event["epoch"] = *o.epoch;
    if (!o.metrics.empty()) {
        nlohmann::json metrics = nlohmann::json::object();
        for (const auto& [k, v] : parse_metric_flags(o.metrics)) metrics[k] = storage::metric_to_json(v);
        event["metrics"] = metrics;
    }
    return event;
}

nlohmann::json outcome_json(const pipeline::HandledEvent& h) {
    nlohmann::json memes = nlohmann::json::array();
    for (const auto& m : h.memes) memes.push_back({{"reaction", m.reaction}, {"priority", storage::priority_label(m.priority)}});
    return {{"entry_id", h.entry_id}, {"duplicate", h.duplicate}, {"memes", memes}};
}

void print_json(Io& io, const Submission& s) {
    nlohmann::json out;
    if (s.bot_answer) out = {{"sent_to_bot", true}, {"bot", *s.bot_answer}};
    else if (s.spooled) out = {{"sent_to_bot", false}, {"spooled", true}, {"spool_waiting", s.spool_waiting}, {"reason", s.spool_reason}};
    else out = outcome_json(s.outcomes.front());
    io.out << out.dump() << "\n";
}

void print_for_people(Io& io, const Submission& s) {
    if (s.bot_answer) {
        io.out << "Sent to the bot: " << (s.bot_answer->value("duplicates", 0) ? "already received" : "accepted") << ".\n";
        return;
    }
    if (s.spooled) {
        io.out << "The bot cannot be reached (" << s.spool_reason << "): the event waits in the spool (" << s.spool_waiting
               << " waiting) for the next hook, flush or emit.\n";
        return;
    }
    const auto& h = s.outcomes.front();
    if (h.duplicate) io.out << "Already received (entry #" << h.entry_id << ").\n";
    else if (h.memes.empty()) io.out << "Archived as #" << h.entry_id << "; nothing to react to.\n";
    for (const auto& [name, d] : s.deliveries)
        if (!d.last_error.empty()) io.err << "memeops: delivery to " << name << " : " << core::terminal_safe(d.last_error) << "\n";
}

int run_emit(Context& context, const EmitOptions& options) {
    nlohmann::json event = event_json(options);
    try {
        meme::parse_event(event, core::now_ms());
    } catch (const meme::InvalidEvent& e) {
        throw core::UsageError(std::string("invalid event: ") + e.what());
    }
    Io& io = context.io();
    // With --json, stdout is the JSON alone: console memes go to stderr.
    Submission submission = submit_events(context, {event}, options.json ? io.err : io.out);
    if (options.json) print_json(io, submission);
    else print_for_people(io, submission);
    return 0;
}

}  // namespace

Handler define_emit(CLI::App& app, Context& context) {
    auto o = std::make_shared<EmitOptions>();
    app.add_option("KIND", o->kind, "training.epoch, training.end, training.crash, ci.pipeline, commit or message")->required();
    app.add_option("--id", o->id, "Idempotency key: the same id is accepted once");
    app.add_option("--run", o->run, "The training run");
    app.add_option("--epoch", o->epoch, "The epoch (training.epoch)");
    app.add_option("--metric", o->metrics, "A metric as NAME=VALUE (repeatable)");
    app.add_option("--status", o->status, "training.end: success, failure, cancelled; ci.pipeline: the pipeline's status");
    app.add_option("--text", o->text, "Free text: the message, the crash's error");
    app.add_option("--url", o->url, "A link to what the event is about");
    app.add_option("--name", o->name, "ci.pipeline: the pipeline or workflow name");
    app.add_option("--provider", o->provider, "ci.pipeline: github, gitlab or other");
    app.add_option("-r,--repo", o->repo, "The repository");
    app.add_option("--branch", o->branch, "The branch");
    app.add_option("--commit", o->commit, "The commit sha");
    app.add_flag("-j,--json", o->json, "Print the result as JSON");
    return [&context, o] { return run_emit(context, *o); };
}

}  // namespace memeops::cli
