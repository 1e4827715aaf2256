// The bot's HTTP server: event loops (GNU libmicrohttpd, epoll, a small thread pool) that hold
// thousands of idle or slow connections without a thread each, apply limits.hpp to every
// request before and while reading it (read_deadlines.hpp cuts off clients that trickle), and
// hand complete requests to a RouteTable. No other file sees the library.
//
// Thread safety: bind, start, wait and close from one thread; stop from any (a signal thread).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "bot/http/limits.hpp"
#include "bot/http/routes.hpp"

namespace memeops::bot::http {

class Transport {
public:
    // `routes` must outlive the Transport. `answered` is told the status of every response
    // sent (metrics), on a loop thread.
    Transport(const RouteTable& routes, Limits limits, std::function<void(int status)> answered);
    ~Transport();
    Transport(const Transport&) = delete;
    Transport& operator=(const Transport&) = delete;

    // Binds host:port alone (a port another process listens on is refused, never shared) and
    // listens; connections wait in the backlog until start(). Returns the port (the chosen one
    // for port 0). Throws core::Fatal ("cannot listen on ADDR:PORT : address already in use").
    int bind(const std::string& host, int port);
    // Starts the event loops. Requires bind().
    void start();
    // Blocks until stop() has been called (also returns at once when it was called before).
    void wait();
    // Safe from any thread.
    void stop();
    // Stops accepting, ends every streamed answer (body_stream.hpp), gives the requests in flight
    // up to `grace_s` to be answered, then closes every connection. Every reply a route still holds must have been called before.
    void close(int grace_s = 5);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace memeops::bot::http
