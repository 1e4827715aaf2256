#include "pipeline/handoff.hpp"

#include "delivery/http_client.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "core/time.hpp"
#include "meme/event.hpp"
#include "storage/spool_store.hpp"

namespace memeops::pipeline {
namespace {

constexpr int k_forward_batch = static_cast<int>(meme::k_max_batch);

std::string dump(const nlohmann::json& value) {
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// What went wrong, in one line without the bot's URL.
std::string failure_reason(const BotReply& reply) {
    if (reply.status == 0) return "cannot reach the bot: " + reply.error;
    std::string why = reply.body.is_object() && reply.body.contains("error") && reply.body["error"].is_string()
                          ? reply.body["error"].get<std::string>()
                          : "no reason given";
    return "the bot answered HTTP " + std::to_string(reply.status) + ": " + why;
}

// The bot's answers that refuse events for good (a bad field, too large, not JSON, unprocessable):
// sending them again gets the same answer. 401 and 403 (the token), 429 and 5xx are not: they
// pass once the bot or its setting is fixed.
bool is_refusal(int status) { return status == 400 || status == 413 || status == 415 || status == 422; }

nlohmann::json events_of(const std::vector<storage::SpooledEvent>& batch) {
    nlohmann::json events = nlohmann::json::array();
    for (const auto& e : batch) events.push_back(core::parse_json(e.body, core::k_max_stored_json_depth).value);
    return events;
}

std::vector<std::int64_t> ids_of(const std::vector<storage::SpooledEvent>& batch) {
    std::vector<std::int64_t> ids;
    for (const auto& e : batch) ids.push_back(e.id);
    return ids;
}

// Sends `batch`, which the bot refused as a whole, one event at a time: each event it takes
// leaves the spool, each it refuses is marked refused with its reason. Returns false, with the
// reason in `summary.error` and the failure recorded on the events not yet sent, when an answer
// is neither (the bot is down, the token wrong, …): they wait for the next try.
bool forward_one_by_one(storage::SpoolStore& spool, const BotLink& link,
                        const std::vector<storage::SpooledEvent>& batch, ForwardSummary& summary) {
    for (size_t i = 0; i < batch.size(); ++i) {
        BotReply reply = post_events(link, events_of({batch[i]}));
        if (reply.status == 202) {
            spool.remove({batch[i].id});
            ++summary.forwarded;
        } else if (is_refusal(reply.status)) {
            spool.refuse(batch[i].id, failure_reason(reply));
            ++summary.refused;
        } else {
            summary.error = failure_reason(reply);
            spool.record_failure(ids_of({batch.begin() + static_cast<std::ptrdiff_t>(i), batch.end()}), summary.error);
            return false;
        }
    }
    return true;
}

}  // namespace

BotLink bot_link(const std::string& bot_url, const std::optional<std::string>& token) {
    std::string url = bot_url;
    while (!url.empty() && url.back() == '/') url.pop_back();
    url += "/v1/events";
    if (!core::parse_url(url))
        throw core::Fatal("cannot hand events to the bot", "the bot URL is not an http(s) URL");
    return {url, token ? "Bearer " + *token : ""};
}

BotReply post_events(const BotLink& link, const nlohmann::json& events) {
    auto reply = delivery::post_json(link.events_url, dump(events), {link.connect_timeout_s, link.timeout_s},
                                          link.authorization);
    BotReply out{reply.status, core::parse_json(reply.body).value, reply.error};
    if (out.body.is_discarded()) out.body = nullptr;
    return out;
}

nlohmann::json with_id(nlohmann::json event) {
    if (!event.contains("id") || !event["id"].is_string()) event["id"] = "memeops-" + core::random_hex(16);
    return event;
}

void spool_events(storage::Archive& archive, const std::vector<nlohmann::json>& events) {
    storage::SpoolStore spool(archive);
    storage::Transaction transaction(archive.database());
    for (const auto& event : events) spool.add(dump(with_id(event)), core::now_ms());
    transaction.commit();
}

ForwardSummary forward_spool(storage::Archive& archive, const BotLink& link) {
    storage::SpoolStore spool(archive);
    ForwardSummary summary;
    for (auto batch = spool.oldest(k_forward_batch); !batch.empty(); batch = spool.oldest(k_forward_batch)) {
        BotReply reply = post_events(link, events_of(batch));
        if (reply.status == 202) {
            spool.remove(ids_of(batch));
            summary.forwarded += static_cast<int>(batch.size());
        } else if (is_refusal(reply.status)) {
            if (!forward_one_by_one(spool, link, batch, summary)) break;
        } else {
            summary.error = failure_reason(reply);
            spool.record_failure(ids_of(batch), summary.error);
            break;
        }
    }
    summary.waiting = spool.summary().waiting;
    return summary;
}

Handoff hand_to_bot(storage::Archive& archive, std::span<const meme::Event> local,
                    const std::vector<nlohmann::json>& outgoing, const BotLink& link, const std::string& key_source) {
    Handoff handoff;
    if (!local.empty() || !outgoing.empty()) {
        storage::Transaction transaction(archive.database());
        handoff.local = Pipeline(archive, {}).handle(local, key_source);
        spool_events(archive, outgoing);
        transaction.commit();
    }
    handoff.forwarded = forward_spool(archive, link);
    return handoff;
}

}  // namespace memeops::pipeline
