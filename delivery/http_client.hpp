// Posting JSON, forms, files and multipart messages to a webhook or API URL over HTTP or HTTPS (cpp-httplib with OpenSSL). HTTPS verifies
// the server's certificate against the system CA store. Errors never carry the URL: it is a
// secret.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/url.hpp"
#include "delivery/outcome.hpp"

namespace memeops::delivery {

struct PostOptions {
    int connect_timeout_s = 5;
    int timeout_s = 10;  // read and write, each
    // The whole request at most this long (0: no limit beyond the above): a peer that keeps
    // answering slowly is cut off, so a send never outlives its outbox lease.
    core::TimeMs total_timeout_ms = 0;
};

// POSTs `json_body` with Content-Type application/json (and `authorization` as the
// Authorization header when not empty); a network failure comes back as status 0 with the
// reason in `error` (a request cut off by total_timeout_ms too: whether it arrived is unknown).
HttpReply post_json(const std::string& url, const std::string& json_body, const PostOptions& options = {},
                    const std::string& authorization = "");

// The same with any body and Content-Type (a form, a file's bytes).
HttpReply post_body(const std::string& url, const std::string& body, const std::string& content_type,
                    const PostOptions& options = {}, const std::string& authorization = "");

// POSTs `fields` as application/x-www-form-urlencoded (Slack's Web API), as post_json does
// otherwise.
HttpReply post_form(const std::string& url, const std::vector<std::pair<std::string, std::string>>& fields,
                    const PostOptions& options = {}, const std::string& authorization = "");

// One part of a multipart/form-data body: a field (no filename) or a file.
struct FormPart {
    std::string name;          // "payload_json", "files[0]"
    std::string content;
    std::string filename;      // empty for a plain field
    std::string content_type;  // empty: none given
};

// POSTs `parts` as multipart/form-data, as post_json does otherwise.
HttpReply post_multipart(const std::string& url, const std::vector<FormPart>& parts, const PostOptions& options = {});

}  // namespace memeops::delivery
