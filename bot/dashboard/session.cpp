#include "bot/dashboard/session.hpp"

#include <httplib.h>

#include "core/crypto.hpp"
#include "core/text.hpp"

namespace memeops::bot::dashboard {
namespace {

std::string without_spaces(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return std::string(text);
}

}  // namespace

std::string session_value(const std::string& token) {
    return core::hmac_sha256_hex(token, "memeops dashboard session v1");
}

bool has_session(const http::Request& req, const std::string& token) {
    std::string cookies = req.header("Cookie");
    std::string prefix = std::string(k_session_cookie) + "=";
    size_t at = 0;
    while (at < cookies.size()) {
        size_t end = cookies.find(';', at);
        if (end == std::string::npos) end = cookies.size();
        std::string pair = without_spaces(cookies.substr(at, end - at));
        if (pair.starts_with(prefix) && core::constant_time_equal(pair.substr(prefix.size()), session_value(token)))
            return true;
        at = end + 1;
    }
    return false;
}

bool came_over_https(const http::Request& req) {
    return core::ascii_lower(without_spaces(req.header("X-Forwarded-Proto"))) == "https";
}

std::string session_cookie(const std::string& token, bool secure) {
    std::string value = token.empty() ? "" : session_value(token);
    std::string cookie = std::string(k_session_cookie) + "=" + value + "; Path=/; HttpOnly; SameSite=Strict";
    if (token.empty()) cookie += "; Max-Age=0";
    if (secure) cookie += "; Secure";
    return cookie;
}

bool same_origin(const http::Request& req) {
    std::string origin = req.header("Origin");
    if (origin.empty()) return core::ascii_lower(req.header("Sec-Fetch-Site")) != "cross-site";
    std::string host = req.header("Host");
    return !host.empty() && (origin == "http://" + host || origin == "https://" + host);
}

std::string posted_token(const std::string& body) {
    httplib::Params fields;
    httplib::detail::parse_query_text(body, fields);
    auto token = fields.find("token");
    return token == fields.end() ? "" : token->second;
}

}  // namespace memeops::bot::dashboard
