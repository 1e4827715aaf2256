#include "delivery/http_client.hpp"

#include <httplib.h>

#include <filesystem>

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
    auto result = client.Post(url->target, headers, json_body, "application/json");
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
