// The bot's own view of an HTTP exchange, independent of the library that carries it
// (bot/http/transport.hpp): routes read a Request and answer with a Response.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace memeops::bot::http {

class BodyStream;  // body_stream.hpp

// Header names compared without regard to case, as HTTP requires.
struct CaseInsensitiveLess {
    bool operator()(const std::string& a, const std::string& b) const;
};

struct Request {
    std::string method;  // as sent: "GET", "POST", "TRACE", …
    std::string path;    // percent-decoded, without the query
    std::map<std::string, std::string> query;  // decoded; the first of repeated names
    std::map<std::string, std::string, CaseInsensitiveLess> headers;
    std::vector<std::string> captures;  // what a prefix route matched after its prefix
    std::string body;                   // read whole only for routes that take one

    // The header's value, or "" when absent.
    std::string header(const std::string& name) const;
    bool has_header(const std::string& name) const { return headers.count(name) != 0; }
    // The query parameter's value, or nullopt when absent.
    std::optional<std::string> param(const std::string& name) const;
};

struct Response {
    int status = 200;
    std::string content_type = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    // Set: the body is this stream's bytes, sent as they are written (body_stream.hpp), and
    // `body` is ignored.
    std::shared_ptr<BodyStream> stream;
};

// A JSON answer (invalid UTF-8 replaced, never thrown on).
Response json_response(int status, const nlohmann::json& body);
// `{"error": message}`, plus `"field": field` when one is named: every error the bot sends.
Response error_response(int status, const std::string& message, const std::string& field = "");

// Hands a route's answer back to the transport. Call it exactly once, from any thread; a route
// that waits for something (the ingest's commit) keeps it and calls it later.
using Reply = std::function<void(Response)>;

}  // namespace memeops::bot::http
