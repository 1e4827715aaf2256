#include "cli/event_submit.hpp"
#include "cli/card_output.hpp"

#include <mutex>

#include "core/error.hpp"

namespace memeops::cli {
namespace {

constexpr core::TimeMs k_delivery_budget_ms = 30'000;

bool worth_spooling(const pipeline::BotReply& reply) { return reply.status == 0 || reply.status >= 500 || reply.status == 429; }

std::string refusal(const pipeline::BotReply& reply) {
    if (reply.body.is_object() && reply.body.contains("error") && reply.body["error"].is_string())
        return reply.body["error"].get<std::string>();
    return "no reason given";
}

Submission to_bot(Context& context, const std::vector<nlohmann::json>& documents, const pipeline::BotLink& bot) {
    Submission out;
    std::vector<nlohmann::json> keyed;
    for (const auto& doc : documents) keyed.push_back(pipeline::with_id(doc));
    auto archive = context.open_existing_archive();
    if (archive) pipeline::forward_spool(*archive, bot);  // older events first
    auto reply = pipeline::post_events(bot, keyed.size() == 1 ? keyed.front() : nlohmann::json(keyed));
    if (reply.status == 202) {
        out.bot_answer = reply.body;
        return out;
    }
    if (!worth_spooling(reply))
        throw EventsRefused(std::string("the bot refused the ") + (keyed.size() == 1 ? "event" : "events") + " (HTTP " +
                              std::to_string(reply.status) + ")",
                          refusal(reply));
    if (!archive) archive = context.open_archive();
    pipeline::spool_events(*archive, keyed);
    out.spooled = true;
    out.spool_reason = reply.status == 0 ? reply.error : "HTTP " + std::to_string(reply.status);
    out.spool_waiting = pipeline::forward_spool(*archive, bot).waiting;
    return out;
}

Submission here(Context& context, const std::vector<nlohmann::json>& documents, std::ostream& console) {
    Submission out;
    std::vector<meme::Event> events;
    for (const auto& doc : documents) events.push_back(meme::parse_event(doc, core::now_ms()));
    auto archive = context.open_archive();
    auto destinations = context.destinations();
    out.outcomes = pipeline::Pipeline(*archive, destinations, context.detector_thresholds()).handle(events, "event");
    std::mutex console_mutex;
    delivery::Deliverer deliverer(*archive, console, console_mutex, delivery_options(context));
    out.deliveries = delivery::drain(deliverer, destinations, core::now_ms() + k_delivery_budget_ms);
    return out;
}

}  // namespace

Submission submit_events(Context& context, const std::vector<nlohmann::json>& documents, std::ostream& console) {
    if (auto bot = context.bot_link()) return to_bot(context, documents, *bot);
    return here(context, documents, console);
}

}  // namespace memeops::cli
