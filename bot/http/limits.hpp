// Limits on every request (contract §4, "Limits on every route"), all in this one place, and
// the checks that apply them to a request's head, before a byte of its body is read.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "bot/http/message.hpp"

namespace memeops::bot::http {

struct Limits {
    size_t max_body_bytes = 1024 * 1024;  // whatever the framing: Content-Length or chunked
    size_t max_target_bytes = 8 * 1024;   // the request target (path and query): 414 beyond
    size_t max_headers = 100;             // header fields: 431 beyond
    size_t max_header_bytes = 16 * 1024;  // names and values together: 431 beyond
    // What one connection may hold while its head is read (the transport's memory pool): a head
    // that does not fit gets 414 or 431 without being read further (the library's own short
    // answer, not JSON: only heads about twice the limits above get it). 32 KiB, not more: the
    // pool is cleared between requests, and 64 KiB cost about 4% more CPU per ingested event.
    size_t connection_memory_bytes = 32 * 1024;
    unsigned idle_timeout_s = 10;     // a connection silent this long (before or between requests) is closed
    // A request's head must arrive whole this long after the connection opened or its previous
    // answer was sent, and its body `request_timeout_ms` after that same start: a client that
    // trickles bytes (never idle) is cut off then (read_deadlines.hpp).
    unsigned head_timeout_ms = 10'000;
    unsigned request_timeout_ms = 30'000;
    // A streamed answer (body_stream.hpp) silent this long gets its keepalive bytes, so a client
    // that left is noticed and proxies do not close it.
    unsigned stream_keepalive_ms = 15'000;
    unsigned max_connections = 4096;  // open at once; more are refused at accept
    unsigned threads = 2;             // event loops; none is ever parked on an idle connection
};

// The 414 or 431 a request head deserves (`target_bytes`: its raw target's length), or nullopt.
std::optional<Response> refuse_head(const Request& req, size_t target_bytes, const Limits& limits);

// What a route that takes a body refuses before reading it, or nullopt: a Content-Encoding
// other than identity (415: bodies are never inflated), a Content-Length over the limit (413),
// neither a length nor chunked framing (411).
std::optional<Response> refuse_body_framing(const Request& req, const Limits& limits);

// True when the request's body comes chunked.
bool is_chunked(const Request& req);

// The 413 a body of more than limits.max_body_bytes gets, however it came.
Response body_too_large(const Limits& limits);

}  // namespace memeops::bot::http
