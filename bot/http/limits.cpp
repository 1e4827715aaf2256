#include "bot/http/limits.hpp"

#include <charconv>

#include "core/text.hpp"

namespace memeops::bot::http {
namespace {

std::string kib(size_t bytes) { return std::to_string(bytes / 1024) + " KiB"; }

size_t header_bytes(const Request& req) {
    size_t total = 0;
    for (const auto& [name, value] : req.headers) total += name.size() + value.size();
    return total;
}

}  // namespace

std::optional<Response> refuse_head(const Request& req, size_t target_bytes, const Limits& limits) {
    if (target_bytes > limits.max_target_bytes)
        return error_response(414, "the request target is longer than " + kib(limits.max_target_bytes), "target");
    if (req.headers.size() > limits.max_headers)
        return error_response(431, "more than " + std::to_string(limits.max_headers) + " header fields", "headers");
    if (header_bytes(req) > limits.max_header_bytes)
        return error_response(431, "the header fields are larger than " + kib(limits.max_header_bytes), "headers");
    return std::nullopt;
}

bool is_chunked(const Request& req) { return core::ascii_lower(req.header("Transfer-Encoding")).find("chunked") != std::string::npos; }

std::optional<Response> refuse_body_framing(const Request& req, const Limits& limits) {
    std::string encoding = core::ascii_lower(req.header("Content-Encoding"));
    if (!encoding.empty() && encoding != "identity")
        return error_response(415, "Content-Encoding " + encoding + " is not accepted: send the body uncompressed",
                              "Content-Encoding");
    if (is_chunked(req)) return std::nullopt;  // counted while read
    if (!req.has_header("Content-Length"))
        return error_response(411, "a body needs Content-Length or chunked Transfer-Encoding", "Content-Length");
    std::string length = req.header("Content-Length");
    unsigned long long bytes = 0;
    auto [end, failed] = std::from_chars(length.data(), length.data() + length.size(), bytes);
    if (failed == std::errc::result_out_of_range || (failed == std::errc() && bytes > limits.max_body_bytes))
        return body_too_large(limits);
    if (failed != std::errc() || end != length.data() + length.size())
        return error_response(400, "Content-Length must be a number of bytes", "Content-Length");
    return std::nullopt;
}

Response body_too_large(const Limits& limits) {
    return error_response(413, "the body is larger than " + std::to_string(limits.max_body_bytes / (1024 * 1024)) + " MiB",
                          "body");
}

}  // namespace memeops::bot::http
