#include "delivery/card_post.hpp"

#include "core/log.hpp"
#include "core/settings.hpp"

namespace memeops::delivery {
namespace {

// `text` with every occurrence of `secret` replaced.
std::string without(std::string text, const std::string& secret) {
    if (secret.empty()) return text;
    for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) text.replace(at, secret.size(), "[redacted]");
    return text;
}

// The JSON answer of a Slack Web API call when it says ok, else nullopt with `why` set.
std::optional<nlohmann::json> slack_ok(const HttpReply& reply, const std::string& step, std::string& why) {
    if (reply.status != 200) {
        why = step + ": " + (reply.status ? "HTTP " + std::to_string(reply.status) : reply.error);
        return std::nullopt;
    }
    auto answer = nlohmann::json::parse(reply.body, nullptr, false);
    if (answer.is_object() && answer.value("ok", false)) return answer;
    why = step + ": " + (answer.is_object() ? answer.value("error", std::string("not ok")) : std::string("not JSON"));
    return std::nullopt;
}

HttpReply upload_failed(const CardOptions& cards, const std::string& why) {
    HttpReply reply;
    reply.error = core::redact_urls(without("Slack card upload failed at " + why, *cards.slack_bot_token));
    return reply;
}

}  // namespace

CardOptions card_options_from_env() {
    CardOptions cards;
    cards.public_url = core::env("MEMEOPS_PUBLIC_URL");
    cards.slack_bot_token = core::env("MEMEOPS_SLACK_BOT_TOKEN");
    cards.slack_channel = core::env("MEMEOPS_SLACK_CHANNEL");
    cards.slack_api = core::env("MEMEOPS_SLACK_API_URL").value_or(k_slack_api);
    while (cards.slack_api.ends_with('/')) cards.slack_api.pop_back();
    return cards;
}

size_t card_item(const std::vector<storage::OutboxItem>& items) {
    size_t best = 0;
    for (size_t i = 1; i < items.size(); ++i) {
        const auto& a = items[i];
        const auto& b = items[best];
        if (a.priority < b.priority || (a.priority == b.priority && a.meme_id > b.meme_id)) best = i;
    }
    return best;
}

std::string card_file_name(std::int64_t meme_id) { return "meme-" + std::to_string(meme_id) + ".png"; }

HttpReply slack_upload(const CardOptions& cards, const std::string& png, const std::string& file_name,
                       const nlohmann::json& message, const PostOptions& http) {
    const std::string authorization = "Bearer " + *cards.slack_bot_token;
    std::string why;
    auto started = slack_ok(post_form(cards.slack_api + "/files.getUploadURLExternal",
                                      {{"filename", file_name}, {"length", std::to_string(png.size())}}, http, authorization),
                            "files.getUploadURLExternal", why);
    if (!started) return upload_failed(cards, why);
    std::string upload_url = started->value("upload_url", "");
    std::string file_id = started->value("file_id", "");
    HttpReply uploaded = post_body(upload_url, png, "image/png", http);
    if (uploaded.status != 200)
        return upload_failed(cards, "the upload: " + (uploaded.status ? "HTTP " + std::to_string(uploaded.status) : uploaded.error));
    nlohmann::json files = nlohmann::json::array({{{"id", file_id}, {"title", file_name}}});
    std::vector<std::pair<std::string, std::string>> fields{{"files", files.dump()}, {"channel_id", *cards.slack_channel}};
    if (message.contains("blocks")) fields.emplace_back("blocks", message["blocks"].dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    HttpReply completed = post_form(cards.slack_api + "/files.completeUploadExternal", fields, http, authorization);
    if (!slack_ok(completed, "files.completeUploadExternal", why)) return upload_failed(cards, why);
    return completed;
}

}  // namespace memeops::delivery
