// The dashboard's login: with MEMEOPS_TOKEN set, a browser posts the token once to /login and
// gets a session cookie, which the pages' JSON routes accept as they accept the bearer token.
//
// The cookie's value is an HMAC of the token, so it changes when the token does and never
// reveals it; it is HttpOnly (scripts cannot read it), SameSite=Strict (no other site's page
// sends it) and Secure when the request came over HTTPS (X-Forwarded-Proto from a proxy).
// Forms are CSRF-safe: SameSite, plus an Origin check on every POST.
#pragma once

#include <string>

#include "bot/http/message.hpp"

namespace memeops::bot::dashboard {

inline constexpr const char* k_session_cookie = "memeops_session";

// The session cookie's value for `token`.
std::string session_value(const std::string& token);

// True when `req` carries the session cookie of `token` (compared in constant time).
bool has_session(const http::Request& req, const std::string& token);

// True when the request was made over HTTPS, as a TLS-terminating proxy says (X-Forwarded-Proto).
bool came_over_https(const http::Request& req);

// The Set-Cookie value that starts a session for `token` (or ends it, with an empty token).
std::string session_cookie(const std::string& token, bool secure);

// True when a POST comes from a page of this server: its Origin names the Host it was sent to;
// without Origin (older browsers, curl), unless Sec-Fetch-Site says another site sent it.
bool same_origin(const http::Request& req);

// The `token` field of an application/x-www-form-urlencoded login form, "" when absent.
std::string posted_token(const std::string& body);

}  // namespace memeops::bot::dashboard
