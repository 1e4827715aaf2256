#include "chat_standins.hpp"

#include <stdexcept>

namespace memeops::test {
namespace {

constexpr core::TimeMs k_discord_window_ms = 2000;
constexpr size_t k_discord_bucket = 5;
constexpr size_t k_discord_max_request = 10 * 1024 * 1024;  // 10 MiB, files and payload together
constexpr std::string_view k_png_signature = "\x89PNG\r\n\x1a\n";

bool is_png(const std::string& bytes) { return std::string_view(bytes).starts_with(k_png_signature); }

std::string text_of(const nlohmann::json& value) { return value.is_string() ? value.get<std::string>() : ""; }

}  // namespace

std::map<std::string, std::string> chat_bot_env(const TempDir& dir, const ChatStandIn& slack,
                                                const ChatStandIn& discord) {
    return {{"MEMEOPS_DB", dir.file("archive.db")},
            {"MEMEOPS_SLACK_WEBHOOK", slack.url()},
            {"MEMEOPS_DISCORD_WEBHOOK", discord.url()},
            {"HOME", dir.path().string()}};
}

int times_mentioned(const ChatStandIn& channel, const std::string& text) {
    int shown = 0;
    for (const auto& message : channel.message_texts()) shown += message.find(text) != std::string::npos;
    return shown;
}

size_t utf16_units(const std::string& text) {
    size_t units = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        auto byte = static_cast<unsigned char>(text[i]);
        if ((byte & 0xC0) == 0x80) continue;  // continuation byte
        units += byte >= 0xF0 ? 2 : 1;        // 4-byte sequences are surrogate pairs
    }
    return units;
}

ChatStandIn::ChatStandIn(Platform platform) : m_platform(platform) { start(0); }

ChatStandIn::~ChatStandIn() { stop_listening(); }

void ChatStandIn::start(int port) {
    m_server = std::make_unique<httplib::Server>();
    m_server->Post(".*", [this](const httplib::Request& req, httplib::Response& res) {
        if (int ms = m_delay_ms.load()) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
        handle(req, res);
    });
    if (port == 0) {
        m_port = m_server->bind_to_any_port("127.0.0.1");
    } else if (!m_server->bind_to_port("127.0.0.1", port)) {
        throw std::runtime_error("the stand-in cannot listen on its port again");
    }
    m_thread = std::thread([this] { m_server->listen_after_bind(); });
    while (!m_server->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void ChatStandIn::stop_listening() {
    if (!m_server) return;
    m_server->stop();
    m_thread.join();
    m_server.reset();
}

void ChatStandIn::go_down() { stop_listening(); }

void ChatStandIn::come_back() {
    if (!m_server) start(m_port);
}

std::string ChatStandIn::url() const {
    std::string base = "http://127.0.0.1:" + std::to_string(m_port);
    return m_platform == Platform::slack ? base + "/services/T0SECRET/B0SECRET/SECRETslacktoken"
                                         : base + "/api/webhooks/123456/SECRETdiscordtoken";
}

void ChatStandIn::delay_answers(int ms) { m_delay_ms = ms; }

void ChatStandIn::fail_next(int status, int count) {
    std::lock_guard lock(m_mutex);
    m_fail_status = status;
    m_fail_count = count;
}

void ChatStandIn::set_retry_after(int seconds) {
    std::lock_guard lock(m_mutex);
    m_retry_after_s = seconds;
}

int ChatStandIn::check_slack(const nlohmann::json& body, std::string& why) const {
    bool has_attachments = body.is_object() && body.contains("attachments") && !body["attachments"].empty();
    if (!body.is_object() || (text_of(body.value("text", nlohmann::json())).empty() && !has_attachments))
        return why = "no_text", 400;
    const auto& blocks = body.value("blocks", nlohmann::json::array());
    if (blocks.size() > 50) return why = "invalid_blocks", 400;
    for (const auto& block : blocks)
        if (utf16_units(text_of(block.value("text", nlohmann::json::object()).value("text", nlohmann::json()))) > 3000)
            return why = "invalid_blocks", 400;
    return 200;
}

int ChatStandIn::check_discord(const httplib::Request& req, const nlohmann::json& body, std::string& why) const {
    if (req.get_param_value("wait") != "true") return why = "expected wait=true", 400;
    if (!body.is_object() || !body.contains("allowed_mentions")) return why = "no allowed_mentions", 400;
    if (utf16_units(text_of(body.value("content", nlohmann::json()))) > 2000) return why = "content too long", 400;
    const auto& embeds = body.value("embeds", nlohmann::json::array());
    if (embeds.size() > 10) return why = "too many embeds", 400;
    size_t total = 0;
    for (const auto& e : embeds) {
        size_t title = utf16_units(text_of(e.value("title", nlohmann::json())));
        size_t description = utf16_units(text_of(e.value("description", nlohmann::json())));
        if (title > 256 || description > 4096) return why = "embed field too long", 400;
        total += title + description;
    }
    if (total > 6000) return why = "embeds over 6000 characters", 400;
    return 200;
}

int ChatStandIn::check_discord_parts(const httplib::Request& req, StandInRequest& record, std::string& why) const {
    if (req.get_header_value<std::uint64_t>("Content-Length") > k_discord_max_request)
        return why = R"({"message":"Request entity too large","code":40005})", 413;
    if (!req.has_file("payload_json") || !req.has_file("files[0]")) return why = "expected payload_json and files[0]", 400;
    record.body = nlohmann::json::parse(req.get_file_value("payload_json").content, nullptr, false);
    if (record.body.is_discarded()) return why = "payload_json is not JSON", 400;
    auto file = req.get_file_value("files[0]");
    if (file.filename.empty() || !is_png(file.content)) return why = "files[0] is not a named PNG", 400;
    record.file_name = file.filename;
    record.file = file.content;
    for (const auto& e : record.body.value("embeds", nlohmann::json::array()))
        if (e.contains("image") && e["image"].value("url", "") != "attachment://" + file.filename)
            return why = "an embed image names no attached file", 400;
    return check_discord(req, record.body, why);
}

std::string ChatStandIn::api_url() const { return "http://127.0.0.1:" + std::to_string(m_port) + "/api"; }

std::vector<SlackApiCall> ChatStandIn::api_calls() const {
    std::lock_guard lock(m_mutex);
    return m_api_calls;
}

std::string ChatStandIn::slack_api_error(const httplib::Request& req) {
    if (req.path.starts_with("/upload/")) {
        auto it = m_uploads.find(req.path.substr(8));
        if (it == m_uploads.end() || it->second.uploaded) return "no upload is waiting at this URL";
        if (req.body.size() != it->second.length || !is_png(req.body)) return "not the announced length of PNG bytes";
        it->second.bytes = req.body;
        it->second.uploaded = true;
        return "";
    }
    std::string auth = req.get_header_value("Authorization");
    if (auth.empty()) return "not_authed";
    if (auth != std::string("Bearer ") + k_bot_token) return "invalid_auth";
    if (req.path == "/api/files.getUploadURLExternal") {
        if (!req.has_param("filename") || !req.has_param("length")) return "invalid_arguments";
        std::string id = "F" + std::to_string(m_uploads.size() + 1);
        m_uploads[id] = {req.get_param_value("filename"), std::stoul(req.get_param_value("length")), "", false};
        return "";
    }
    if (req.path != "/api/files.completeUploadExternal") return "unknown_method";
    auto files = nlohmann::json::parse(req.get_param_value("files"), nullptr, false);
    auto blocks = nlohmann::json::parse(req.has_param("blocks") ? req.get_param_value("blocks") : "[]", nullptr, false);
    if (!files.is_array() || files.size() != 1 || !req.has_param("channel_id") || !blocks.is_array()) return "invalid_arguments";
    auto it = m_uploads.find(files[0].value("id", ""));
    if (it == m_uploads.end() || !it->second.uploaded) return "file_not_found";
    nlohmann::json message{{"text", "file"}, {"blocks", blocks}, {"channel_id", req.get_param_value("channel_id")}};
    std::string why;
    if (check_slack(message, why) != 200) return why;
    m_requests.push_back({core::now_ms(), 200, 0, req.target, message, it->second.filename, it->second.bytes});
    return "";
}

bool ChatStandIn::handle_slack_api(const httplib::Request& req, httplib::Response& res) {
    bool upload = req.path.starts_with("/upload/");
    if (!upload && !req.path.starts_with("/api/")) return false;
    std::string error = slack_api_error(req);
    m_api_calls.push_back({req.path, error});
    if (upload) {
        res.status = error.empty() ? 200 : 400;
        res.set_content(error.empty() ? "OK - " + std::to_string(req.body.size()) : error, "text/plain");
        return true;
    }
    nlohmann::json answer{{"ok", error.empty()}};
    if (!error.empty()) answer["error"] = error;
    else if (req.path == "/api/files.getUploadURLExternal") {
        std::string id = "F" + std::to_string(m_uploads.size());
        answer["file_id"] = id;
        answer["upload_url"] = "http://127.0.0.1:" + std::to_string(m_port) + "/upload/" + id;
    }
    res.status = 200;  // Slack's Web API answers its errors with 200
    res.set_content(answer.dump(), "application/json");
    return true;
}

void ChatStandIn::handle(const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(m_mutex);
    bool slack = m_platform == Platform::slack;
    if (slack && handle_slack_api(req, res)) return;
    core::TimeMs now = core::now_ms();
    bool multipart = !slack && req.is_multipart_form_data();
    StandInRequest record{now, 200, 0, req.target, multipart ? nlohmann::json() : nlohmann::json::parse(req.body, nullptr, false)};
    std::string why;
    if (m_fail_count > 0) {
        --m_fail_count;
        record.status = m_fail_status;
        why = "scripted failure";
        if (m_fail_status == 429) {
            record.retry_after = m_retry_after_s * 1000;
            res.set_header("Retry-After", std::to_string(m_retry_after_s));
        }
    } else if (multipart) {
        record.status = check_discord_parts(req, record, why);
    } else if (req.get_header_value("Content-Type").rfind("application/json", 0) != 0 || record.body.is_discarded()) {
        record.status = 400;
        why = "invalid_payload";
    } else {
        record.status = slack ? check_slack(record.body, why) : check_discord(req, record.body, why);
    }
    if (record.status == 200 && slack && m_last_accepted && now - m_last_accepted < 1000) {
        record.status = 429;
        record.retry_after = m_retry_after_s * 1000;
        res.set_header("Retry-After", std::to_string(m_retry_after_s));
        why = "rate_limited";
    }
    if (!slack) {
        while (!m_bucket.empty() && now - m_bucket.front() >= k_discord_window_ms) m_bucket.pop_front();
        if (record.status == 200 && m_bucket.size() >= k_discord_bucket) {
            record.status = 429;
            record.retry_after = k_discord_window_ms - (now - m_bucket.front());
            why = nlohmann::json{{"message", "You are being rate limited."},
                                 {"retry_after", static_cast<double>(record.retry_after) / 1000.0},
                                 {"global", false}}
                      .dump();
        }
        if (record.status == 200) m_bucket.push_back(now);
        size_t remaining = k_discord_bucket - std::min(k_discord_bucket, m_bucket.size());
        core::TimeMs reset_after = m_bucket.empty() ? 0 : k_discord_window_ms - (now - m_bucket.front());
        res.set_header("X-RateLimit-Limit", std::to_string(k_discord_bucket));
        res.set_header("X-RateLimit-Remaining", std::to_string(remaining));
        res.set_header("X-RateLimit-Reset-After", std::to_string(static_cast<double>(reset_after) / 1000.0));
    }
    if (record.status == 200) m_last_accepted = now;
    res.status = record.status;
    if (record.status == 200) res.set_content(slack ? "ok" : R"({"id":"1"})", slack ? "text/plain" : "application/json");
    else res.set_content(why, why.starts_with("{") ? "application/json" : "text/plain");
    m_requests.push_back(std::move(record));
}

std::vector<StandInRequest> ChatStandIn::requests() const {
    std::lock_guard lock(m_mutex);
    return m_requests;
}

std::vector<nlohmann::json> ChatStandIn::messages() const {
    std::vector<nlohmann::json> out;
    for (const auto& r : requests())
        if (r.status == 200) out.push_back(r.body);
    return out;
}

int ChatStandIn::count_status(int status) const {
    int n = 0;
    for (const auto& r : requests()) n += r.status == status;
    return n;
}

std::vector<std::string> ChatStandIn::message_texts() const {
    std::vector<std::string> texts;
    for (const auto& m : messages()) {
        std::string text;
        if (m_platform == Platform::slack) {
            for (const auto& block : m.value("blocks", nlohmann::json::array()))
                text += text_of(block.value("text", nlohmann::json::object()).value("text", nlohmann::json())) + "\n";
            for (const auto& attachment : m.value("attachments", nlohmann::json::array()))
                text += text_of(attachment.value("title", nlohmann::json())) + "\n" +
                        text_of(attachment.value("text", nlohmann::json())) + "\n";
        } else {
            text += text_of(m.value("content", nlohmann::json())) + "\n";
            for (const auto& e : m.value("embeds", nlohmann::json::array()))
                text += text_of(e.value("title", nlohmann::json())) + "\n" + text_of(e.value("description", nlohmann::json())) + "\n";
        }
        texts.push_back(std::move(text));
    }
    return texts;
}

std::string ChatStandIn::all_text() const {
    std::string text;
    for (const auto& t : message_texts()) text += t;
    return text;
}

}  // namespace memeops::test
