// How meme cards travel with chat messages (the message builders put them in place through
// ChatMeme::image_url):
//   Discord  the PNG as files[0] of a multipart message, the embed's image "attachment://meme-<id>.png";
//   Slack    with MEMEOPS_SLACK_BOT_TOKEN and MEMEOPS_SLACK_CHANNEL: uploaded through Slack's
//            external upload flow (files.getUploadURLExternal, the bytes to its upload_url,
//            files.completeUploadExternal sharing it to the channel with the message's blocks);
//            else with MEMEOPS_PUBLIC_URL: an image block linking the bot's signed card route
//            (card_link.hpp); else text alone.
// A message carries one card, its most urgent meme's (lowest P, then newest). A card that
// cannot be rendered or uploaded never holds the text back: the message goes without it, and a
// warning is logged. The bot token is a secret: it is sent only in the Authorization header and
// never appears in a log or an error.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "delivery/http_client.hpp"
#include "meme/detectors.hpp"
#include "storage/outbox.hpp"

namespace memeops::delivery {

inline constexpr const char* k_slack_api = "https://slack.com/api";

struct CardOptions {
    bool enabled = true;                         // false: text only (what MemeOps did before cards)
    std::optional<std::string> public_url;       // MEMEOPS_PUBLIC_URL
    std::optional<std::string> slack_bot_token;  // MEMEOPS_SLACK_BOT_TOKEN
    std::optional<std::string> slack_channel;    // MEMEOPS_SLACK_CHANNEL (an id: C0123…)
    std::string slack_api = k_slack_api;         // MEMEOPS_SLACK_API_URL (a Slack-compatible gateway, tests)
    meme::DetectorThresholds thresholds;         // which epoch a curve marks
    core::TimeMs render_limit_ms = 3000;         // a card slower to render is left out

    // Slack gets cards through the upload flow.
    bool slack_uploads() const { return slack_bot_token && slack_channel; }
};

// The card settings from the environment (unset and empty variables alike are absent).
CardOptions card_options_from_env();

// Which of `items` a message's card shows: the most urgent, then the newest. REQUIRES: not empty.
size_t card_item(const std::vector<storage::OutboxItem>& items);

// The file name a card goes by in chat: "meme-<id>.png".
std::string card_file_name(std::int64_t meme_id);

// Uploads `png` as `file_name` to the options' channel through the external upload flow, the
// message (a Slack payload: its "blocks") with it. A reply of status 200 once Slack said ok to
// all three calls; otherwise status 0 and the step and Slack's error in `error`, the token
// redacted.
HttpReply slack_upload(const CardOptions& cards, const std::string& png, const std::string& file_name,
                       const nlohmann::json& message, const PostOptions& http);

}  // namespace memeops::delivery
