// Local stand-ins for Slack's and Discord's incoming webhooks, on 127.0.0.1, enforcing the real
// limits so delivery is tested against what the platforms would do:
//   Slack:   one message per second per webhook, else 429 with Retry-After; a JSON body with
//            `text`; ≤ 50 blocks; section text ≤ 3000 characters; else 400.
//   Discord: ?wait=true expected; content ≤ 2000, ≤ 10 embeds, title ≤ 256, description ≤ 4096,
//            ≤ 6000 embed characters; allowed_mentions present; a bucket of 5 requests per 2 s
//            announced in X-RateLimit-* headers, 429 with retry_after beyond it. A message with a
//            file comes as multipart/form-data: `payload_json` (valid JSON, checked as above)
//            and `files[0]` (a PNG with a file name), 413 over Discord's 10 MiB request limit.
//   Slack's Web API (api_url()): the external upload flow, in order and with the bot token
//            (else HTTP 200 {"ok":false,"error":"invalid_auth"}, as Slack answers):
//            files.getUploadURLExternal (filename, length) → the bytes POSTed to its upload_url
//            (exactly `length` of them, a PNG) → files.completeUploadExternal (files=[{id,title}]
//            of uploaded files, channel_id, blocks within the limits). A completed upload counts
//            as an accepted message whose body holds its blocks.
// Characters are counted in UTF-16 units, as the platforms count them. Scripted failures
// (a status to answer for the next N requests) test retries and disabling.
#pragma once

#include <httplib.h>

#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "core/time.hpp"
#include "test_support.hpp"

namespace memeops::test {

struct StandInRequest {
    core::TimeMs time = 0;
    int status = 0;               // what the stand-in answered
    core::TimeMs retry_after = 0;  // for a 429: what it asked to wait
    std::string target;           // path and query
    nlohmann::json body;          // a multipart message: its payload_json
    std::string file_name;        // a multipart message's files[0], or a completed upload's file
    std::string file;             // its bytes
};

// One call of Slack's Web API stand-in, or one upload to its upload URL.
struct SlackApiCall {
    std::string target;
    std::string error;  // Slack's "error", empty when ok
};

class ChatStandIn {
public:
    enum class Platform { slack, discord };

    explicit ChatStandIn(Platform platform);
    ~ChatStandIn();

    // The webhook URL (with a secret-looking token in the path).
    std::string url() const;
    // Answers `status` to the next `count` requests (before any other check).
    void fail_next(int status, int count);
    // Waits `ms` before answering each request from now on (a slow platform); 0 by default.
    void delay_answers(int ms);
    // Stops listening: connections are refused (the platform is down) until come_back().
    void go_down();
    // Listens again on the same port.
    void come_back();
    // Slack: the Retry-After (seconds) of its 429s; 1 by default.
    void set_retry_after(int seconds);
    // Slack: the Web API's base URL ("…/api") and the bot token it accepts.
    std::string api_url() const;
    static constexpr const char* k_bot_token = "xoxb-SECRETbottoken";
    // Slack: the Web API calls and uploads in the order they came.
    std::vector<SlackApiCall> api_calls() const;

    std::vector<StandInRequest> requests() const;
    // Bodies of the accepted (2xx) messages.
    std::vector<nlohmann::json> messages() const;
    int count_status(int status) const;
    // Each accepted message's text (Slack sections, or Discord content and embeds).
    std::vector<std::string> message_texts() const;
    // All of them, concatenated.
    std::string all_text() const;

private:
    void handle(const httplib::Request& req, httplib::Response& res);
    int check_slack(const nlohmann::json& body, std::string& why) const;
    int check_discord(const httplib::Request& req, const nlohmann::json& body, std::string& why) const;
    // A multipart message: its payload_json into `record.body` and files[0] into its file.
    int check_discord_parts(const httplib::Request& req, StandInRequest& record, std::string& why) const;
    // Slack's Web API and upload URL: answers and records the call; false for another path.
    bool handle_slack_api(const httplib::Request& req, httplib::Response& res);
    std::string slack_api_error(const httplib::Request& req);

    // Listens on `port` (0: any free one, then remembered) in a thread of its own.
    void start(int port);
    void stop_listening();

    Platform m_platform;
    std::unique_ptr<httplib::Server> m_server;
    int m_port = 0;
    std::thread m_thread;
    mutable std::mutex m_mutex;
    std::vector<StandInRequest> m_requests;
    int m_fail_status = 0;
    int m_fail_count = 0;
    int m_retry_after_s = 1;
    std::atomic<int> m_delay_ms{0};
    core::TimeMs m_last_accepted = 0;
    std::deque<core::TimeMs> m_bucket;  // Discord: accepted request times in the last 2 s
    struct PendingUpload {
        std::string filename;
        size_t length = 0;
        std::string bytes;
        bool uploaded = false;
    };
    std::map<std::string, PendingUpload> m_uploads;  // Slack: by file id
    std::vector<SlackApiCall> m_api_calls;
};

// The environment of a bot whose archive and home are in `dir` and which posts to `slack` and
// `discord`.
std::map<std::string, std::string> chat_bot_env(const TempDir& dir, const ChatStandIn& slack,
                                                const ChatStandIn& discord);

// How many accepted messages of `channel` mention `text`.
int times_mentioned(const ChatStandIn& channel, const std::string& text);

// Length in UTF-16 units, counted independently of the product's own function.
size_t utf16_units(const std::string& text);

}  // namespace memeops::test
