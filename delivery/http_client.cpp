#include "delivery/http_client.hpp"

#include <httplib.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "core/text.hpp"

namespace memeops::delivery {
namespace {

constexpr const char* k_system_ca_bundle = "/etc/ssl/certs/ca-certificates.crt";
constexpr const char* k_system_ca_dir = "/etc/ssl/certs";

std::optional<int> parse_port(const std::string& text) {
    if (text.empty() || text.size() > 5 || text.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    int port = std::stoi(text);
    if (port < 1 || port > 65535) return std::nullopt;
    return port;
}

// Stops `client` (closing its socket, which ends a blocked read or write) once `limit_ms`
// passes, unless destroyed first. No thread at all when there is no limit.
class Watchdog {
public:
    Watchdog(httplib::Client& client, core::TimeMs limit_ms) {
        if (limit_ms <= 0) return;
        m_thread = std::thread([this, &client, limit_ms] {
            std::unique_lock lock(m_mutex);
            if (!m_done.wait_for(lock, std::chrono::milliseconds(limit_ms), [this] { return m_finished; })) client.stop();
        });
    }
    ~Watchdog() {
        if (!m_thread.joinable()) return;
        {
            std::lock_guard lock(m_mutex);
            m_finished = true;
        }
        m_done.notify_one();
        m_thread.join();
    }
    Watchdog(const Watchdog&) = delete;
    Watchdog& operator=(const Watchdog&) = delete;

private:
    std::mutex m_mutex;
    std::condition_variable m_done;
    bool m_finished = false;
    std::thread m_thread;
};

}  // namespace

std::optional<Url> parse_url(const std::string& text) {
    Url url;
    size_t scheme_end = text.find("://");
    if (scheme_end == std::string::npos) return std::nullopt;
    url.scheme = core::ascii_lower(text.substr(0, scheme_end));
    if (url.scheme != "http" && url.scheme != "https") return std::nullopt;
    size_t authority_start = scheme_end + 3;
    size_t path_start = text.find_first_of("/?", authority_start);
    std::string authority = text.substr(authority_start, path_start - authority_start);
    url.target = path_start == std::string::npos ? "/" : text.substr(path_start);
    if (url.target[0] == '?') url.target = "/" + url.target;
    if (authority.empty() || authority.find('@') != std::string::npos) return std::nullopt;
    size_t colon = authority.rfind(':');
    bool bracketed = authority[0] == '[';
    if (colon != std::string::npos && (!bracketed || authority.find(']') < colon)) {
        auto port = parse_port(authority.substr(colon + 1));
        if (!port) return std::nullopt;
        url.port = *port;
        authority = authority.substr(0, colon);
    } else {
        url.port = url.scheme == "https" ? 443 : 80;
    }
    url.host = bracketed ? authority.substr(1, authority.size() - 2) : authority;
    if (url.host.empty()) return std::nullopt;
    return url;
}

HttpReply post_json(const std::string& url_text, const std::string& json_body, const PostOptions& options,
                    const std::string& authorization) {
    HttpReply reply;
    auto url = parse_url(url_text);
    if (!url) {
        reply.error = "not an http(s) URL";
        return reply;
    }
    httplib::Client client(url->scheme + "://" + url->host + ":" + std::to_string(url->port));
    client.set_connection_timeout(options.connect_timeout_s);
    client.set_read_timeout(options.timeout_s);
    client.set_write_timeout(options.timeout_s);
    if (url->scheme == "https") {
        client.enable_server_certificate_verification(true);
        if (std::filesystem::exists(k_system_ca_bundle)) client.set_ca_cert_path(k_system_ca_bundle, k_system_ca_dir);
    }
    httplib::Headers headers;
    if (!authorization.empty()) headers.emplace("Authorization", authorization);
    auto result = [&] {
        Watchdog watchdog(client, options.total_timeout_ms);
        return client.Post(url->target, headers, json_body, "application/json");
    }();
    if (!result) {
        reply.error = httplib::to_string(result.error());
        return reply;
    }
    reply.status = result->status;
    reply.body = result->body;
    for (const auto& [name, value] : result->headers) reply.headers[core::ascii_lower(name)] = value;
    return reply;
}

}  // namespace memeops::delivery
