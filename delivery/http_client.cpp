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

// Why a request got no answer, in words ("could not connect to hooks.slack.com:443"), where
// the library only names its error ("Connection").
std::string transport_error(httplib::Error error, const std::string& host, int port) {
    std::string where = host + ":" + std::to_string(port);
    switch (error) {
        case httplib::Error::Connection: return "could not connect to " + where + " (refused or unreachable)";
        case httplib::Error::ConnectionTimeout: return "connecting to " + where + " timed out";
        case httplib::Error::Read: return where + " did not answer in time, or closed the connection";
        case httplib::Error::Write: return "the connection to " + where + " broke while sending";
        case httplib::Error::Canceled: return "no answer from " + where + " within the delivery's time limit";
        case httplib::Error::SSLConnection: return "TLS handshake with " + where + " failed";
        case httplib::Error::SSLLoadingCerts: return "the system's CA certificates could not be loaded";
        case httplib::Error::SSLServerVerification: return where + "'s TLS certificate could not be verified";
        default: return httplib::to_string(error) + " error talking to " + where;
    }
}

httplib::Headers authorization_header(const std::string& authorization) {
    httplib::Headers headers;
    if (!authorization.empty()) headers.emplace("Authorization", authorization);
    return headers;
}

// Sends one POST to `url_text` through `send(client, target)` with the timeouts of `options`.
template <typename Send>
HttpReply post_with(const std::string& url_text, const PostOptions& options, Send send) {
    HttpReply reply;
    auto url = core::parse_url(url_text);
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
    auto result = [&] {
        Watchdog watchdog(client, options.total_timeout_ms);
        return send(client, url->target);
    }();
    if (!result) {
        reply.error = transport_error(result.error(), url->host, url->port);
        return reply;
    }
    reply.status = result->status;
    reply.body = result->body;
    for (const auto& [name, value] : result->headers) reply.headers[core::ascii_lower(name)] = value;
    return reply;
}

}  // namespace

HttpReply post_json(const std::string& url, const std::string& json_body, const PostOptions& options,
                    const std::string& authorization) {
    return post_body(url, json_body, "application/json", options, authorization);
}

HttpReply post_body(const std::string& url, const std::string& body, const std::string& content_type,
                    const PostOptions& options, const std::string& authorization) {
    httplib::Headers headers = authorization_header(authorization);
    return post_with(url, options, [&](httplib::Client& client, const std::string& target) {
        return client.Post(target, headers, body, content_type);
    });
}

HttpReply post_form(const std::string& url, const std::vector<std::pair<std::string, std::string>>& fields,
                    const PostOptions& options, const std::string& authorization) {
    httplib::Headers headers = authorization_header(authorization);
    httplib::Params params(fields.begin(), fields.end());
    return post_with(url, options, [&](httplib::Client& client, const std::string& target) {
        return client.Post(target, headers, params);
    });
}

HttpReply post_multipart(const std::string& url, const std::vector<FormPart>& parts, const PostOptions& options) {
    httplib::MultipartFormDataItems items;
    for (const auto& part : parts) items.push_back({part.name, part.content, part.filename, part.content_type});
    return post_with(url, options, [&](httplib::Client& client, const std::string& target) {
        return client.Post(target, items);
    });
}

}  // namespace memeops::delivery
