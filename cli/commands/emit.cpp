// memeops emit KIND: sends one event to the bot at the configured bot URL (with the token), or,
// with none, handles it here: archives it, queues its memes and delivers them.
#include <mutex>

#include "delivery/drain.hpp"
#include "bot/event_handler.hpp"
#include "cli/command.hpp"
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
    set("repo", o.repo);
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

int send_to_bot(Context& context, const std::string& bot_url, const nlohmann::json& event, bool json) {
    std::string url = bot_url;
    while (!url.empty() && url.back() == '/') url.pop_back();
    url += "/v1/events";
    auto parsed = delivery::parse_url(url);
    if (!parsed) throw core::Fatal("cannot send to the bot", "MEMEOPS_BOT_URL is not an http(s) URL");
    auto token = core::env("MEMEOPS_TOKEN");
    auto reply = delivery::post_json(url, event.dump(), {5, 30}, token ? "Bearer " + *token : "");
    if (reply.status == 0) throw core::Fatal("cannot reach the bot at " + core::redact_url(bot_url), reply.error);
    auto body = nlohmann::json::parse(reply.body, nullptr, false);
    if (reply.status != 202) {
        std::string why = body.is_object() && body.contains("error") ? body["error"].get<std::string>() : reply.body;
        throw core::Fatal("the bot refused the event (HTTP " + std::to_string(reply.status) + ")", why);
    }
    if (json) context.io().out << body.dump() << "\n";
    else context.io().out << "Sent to the bot: " << (body.value("duplicates", 0) ? "already received" : "accepted") << ".\n";
    return 0;
}

int handle_locally(Context& context, const nlohmann::json& doc, bool json) {
    auto events = meme::parse_events(doc, core::now_ms());
    auto archive = context.open_archive();
    auto destinations = context.destinations();
    bot::EventHandler handler(*archive, destinations, context.detector_thresholds());
    auto handled = handler.handle(events, "event");
    std::mutex console_mutex;
    delivery::Deliverer deliverer(*archive, context.io().out, console_mutex);
    auto summaries = delivery::drain(deliverer, destinations, core::now_ms() + 30'000);
    const auto& h = handled.front();
    if (json) {
        nlohmann::json memes = nlohmann::json::array();
        for (const auto& m : h.memes) memes.push_back({{"reaction", m.reaction}, {"priority", storage::priority_label(m.priority)}});
        context.io().out << nlohmann::json{{"entry_id", h.entry_id}, {"duplicate", h.duplicate}, {"memes", memes}}.dump() << "\n";
        return 0;
    }
    if (h.duplicate) context.io().out << "Already received (entry #" << h.entry_id << ").\n";
    else if (h.memes.empty()) context.io().out << "Archived as #" << h.entry_id << "; nothing to react to.\n";
    for (const auto& [name, s] : summaries)
        if (!s.last_error.empty()) context.io().err << "memeops: delivery to " << name << " : " << s.last_error << "\n";
    return 0;
}

int run_emit(Context& context, const EmitOptions& options) {
    nlohmann::json event = event_json(options);
    try {
        meme::parse_event(event, core::now_ms());
    } catch (const meme::InvalidEvent& e) {
        throw core::UsageError(std::string("invalid event: ") + e.what());
    }
    if (auto bot_url = context.settings().lookup(core::k_bot_url_setting, std::nullopt))
        return send_to_bot(context, *bot_url, event, options.json);
    return handle_locally(context, event, options.json);
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
    app.add_option("--repo", o->repo, "The repository");
    app.add_option("--branch", o->branch, "The branch");
    app.add_option("--commit", o->commit, "The commit sha");
    app.add_flag("--json", o->json, "Print the result as JSON");
    return [&context, o] { return run_emit(context, *o); };
}

}  // namespace memeops::cli
