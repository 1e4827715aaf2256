#include "bot/http/transport.hpp"

#include "bot/http/body_stream.hpp"
#include "bot/http/read_deadlines.hpp"

#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "core/log.hpp"
#include "core/text.hpp"

namespace memeops::bot::http {
namespace {

// One request from its request line to its completion (libmicrohttpd's per-request context).
struct Exchange {
    Request request;
    size_t target_bytes = 0;
    const Route* route = nullptr;
    bool head_read = false;
    size_t body_bytes = 0;  // received so far, kept or not
    bool answered = false;  // a response is queued
    std::mutex mutex;       // guards the two below: a route may reply from another thread
    std::optional<Response> reply;
    bool suspended = false;
};

MHD_Result add_header(void* headers, MHD_ValueKind, const char* name, const char* value) {
    auto& map = *static_cast<std::map<std::string, std::string, CaseInsensitiveLess>*>(headers);
    map.emplace(name, value ? value : "");  // a repeated header keeps its first value
    return MHD_YES;
}

MHD_Result add_param(void* query, MHD_ValueKind, const char* name, const char* value) {
    static_cast<std::map<std::string, std::string>*>(query)->emplace(name, value ? value : "");
    return MHD_YES;
}

// The bytes of an HTTP/1.1 response, for the one case the library cannot send: a chunked body
// that passes the limit while it is read.
std::string raw_response(const Response& res) {
    std::string out = "HTTP/1.1 " + std::to_string(res.status) + " Request Entity Too Large\r\nContent-Type: " +
                      res.content_type + "\r\nContent-Length: " + std::to_string(res.body.size()) +
                      "\r\nConnection: close\r\n\r\n";
    return out + res.body;
}

// The deadlines of connection `c` (its socket context, set when it opened).
ReadDeadlines::Watched* watched(MHD_Connection* c) {
    const MHD_ConnectionInfo* info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info ? static_cast<ReadDeadlines::Watched*>(info->socket_context) : nullptr;
}

// A streamed answer's side of the library: its connection, resumed when bytes arrive.
struct Streaming {
    std::shared_ptr<BodyStream> stream;
    MHD_Connection* connection;
};

ssize_t read_stream(void* cls, uint64_t, char* out, size_t max) {
    auto& streaming = *static_cast<Streaming*>(cls);
    long n = streaming.stream->take(out, max, [&] { MHD_suspend_connection(streaming.connection); });
    return n < 0 ? MHD_CONTENT_READER_END_OF_STREAM : static_cast<ssize_t>(n);
}

void stream_finished(void* cls) {
    auto* streaming = static_cast<Streaming*>(cls);
    streaming->stream->detach();
    delete streaming;
}

int listening_socket(const std::string& host, int port) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    addrinfo* found = nullptr;
    std::string where = host + ":" + std::to_string(port);
    if (int failed = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found))
        throw core::Fatal("serve", "cannot listen on " + where + " : " + core::ascii_lower(gai_strerror(failed)));
    int sock = socket(found->ai_family, found->ai_socktype | SOCK_CLOEXEC, found->ai_protocol);
    int yes = 1;  // SO_REUSEADDR alone: a restart over TIME_WAIT, never a second listener (no SO_REUSEPORT)
    if (sock >= 0) setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    int failed = sock < 0 || ::bind(sock, found->ai_addr, found->ai_addrlen) != 0 || listen(sock, 1024) != 0 ? errno : 0;
    freeaddrinfo(found);
    if (failed) {
        if (sock >= 0) ::close(sock);
        throw core::Fatal("serve", "cannot listen on " + where + " : " + core::ascii_lower(std::strerror(failed)));
    }
    return sock;
}

int bound_port(int sock) {
    sockaddr_storage address{};
    socklen_t size = sizeof address;
    getsockname(sock, reinterpret_cast<sockaddr*>(&address), &size);
    if (address.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&address)->sin6_port);
    return ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port);
}

}  // namespace

struct Transport::Impl {
    Impl(const RouteTable& r, Limits l, std::function<void(int)> a) : routes(r), limits(l), answered(std::move(a)) {}

    // libmicrohttpd's callbacks: a request line read, a request completed, each step between.
    static void* started(void* cls, const char* uri, MHD_Connection*);
    static void completed(void* cls, MHD_Connection*, void** context, MHD_RequestTerminationCode);
    static void connection_changed(void* cls, MHD_Connection* c, void** socket_context, MHD_ConnectionNotificationCode);
    static MHD_Result step(void* cls, MHD_Connection* c, const char* url, const char* method, const char*,
                           const char* data, size_t* size, void** context);

    const RouteTable& routes;
    Limits limits;
    std::function<void(int)> answered;
    ReadDeadlines deadlines{std::chrono::milliseconds(limits.head_timeout_ms),
                            std::chrono::milliseconds(limits.request_timeout_ms)};
    int listen_fd = -1;
    MHD_Daemon* daemon = nullptr;
    std::atomic<int> in_flight{0};
    std::mutex stop_mutex;
    std::condition_variable stopped;
    bool stop_requested = false;
    // Streamed answers in progress: `keeper` writes their keepalive, close() ends them.
    std::mutex streams_mutex;
    std::condition_variable keeper_wake;
    std::vector<std::weak_ptr<BodyStream>> streams;  // GUARDED_BY(streams_mutex)
    bool ending = false;  // GUARDED_BY(streams_mutex): closing; a stream that starts now ends at once
    std::thread keeper;

    MHD_Result on_request(MHD_Connection* c, const char* url, const char* method, const char* data, size_t* size,
                          Exchange& ex);
    MHD_Result on_head(MHD_Connection* c, const char* url, const char* method, Exchange& ex);
    std::optional<Response> refusal(Exchange& ex);
    MHD_Result on_body(MHD_Connection* c, const char* data, size_t* size, Exchange& ex);
    MHD_Result on_complete(MHD_Connection* c, Exchange& ex);
    MHD_Result queue(MHD_Connection* c, Exchange& ex, const Response& res);
    MHD_Response* streamed(MHD_Connection* c, const std::shared_ptr<BodyStream>& stream);
    void handle(MHD_Connection* c, Exchange& ex);
    void keep_streams_alive();
    void end_streams();
};

MHD_Result Transport::Impl::on_request(MHD_Connection* c, const char* url, const char* method, const char* data,
                                       size_t* size, Exchange& ex) {
    if (!ex.head_read) return on_head(c, url, method, ex);
    if (ex.answered) {
        *size = 0;
        return MHD_YES;
    }
    if (*size) return on_body(c, data, size, ex);
    if (auto* connection = watched(c)) deadlines.request_read(connection);
    return on_complete(c, ex);
}

MHD_Result Transport::Impl::on_head(MHD_Connection* c, const char* url, const char* method, Exchange& ex) {
    ex.head_read = true;
    if (auto* connection = watched(c)) deadlines.head_read(connection);
    ex.request.method = method;
    ex.request.path = url;
    MHD_get_connection_values(c, MHD_HEADER_KIND, add_header, &ex.request.headers);
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_param, &ex.request.query);
    if (auto refused = refusal(ex)) return queue(c, ex, *refused);
    return MHD_YES;  // the body (if any) comes next, then one call with nothing
}

// Everything a request is refused for on its head: limits, route, admission, body framing.
std::optional<Response> Transport::Impl::refusal(Exchange& ex) {
    if (auto refused = refuse_head(ex.request, ex.target_bytes, limits)) return refused;
    Response refused;
    ex.route = routes.match(ex.request, refused);
    if (!ex.route) return refused;
    if (ex.route->admit)
        if (auto not_admitted = ex.route->admit(ex.request)) return not_admitted;
    // A route without a body still gets the limits on one that comes anyway (it is dropped).
    bool body_coming = ex.request.has_header("Content-Length") || is_chunked(ex.request);
    if (ex.route->takes_body || body_coming) return refuse_body_framing(ex.request, limits);
    return std::nullopt;
}

MHD_Result Transport::Impl::on_body(MHD_Connection* c, const char* data, size_t* size, Exchange& ex) {
    ex.body_bytes += *size;
    if (ex.body_bytes > limits.max_body_bytes) {
        // libmicrohttpd cannot queue a response in the middle of a body: the 413 is written
        // directly, then the connection is closed without reading the rest.
        std::string out = raw_response(body_too_large(limits));
        const MHD_ConnectionInfo* info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        if (info) (void)::send(info->connect_fd, out.data(), out.size(), MSG_NOSIGNAL);
        if (answered) answered(413);
        return MHD_NO;
    }
    if (ex.route->takes_body) ex.request.body.append(data, *size);
    *size = 0;
    return MHD_YES;
}

MHD_Result Transport::Impl::on_complete(MHD_Connection* c, Exchange& ex) {
    std::unique_lock lock(ex.mutex);
    if (ex.reply) {  // a route replied while the connection was suspended
        Response res = std::move(*ex.reply);
        lock.unlock();
        return queue(c, ex, res);
    }
    lock.unlock();
    handle(c, ex);
    lock.lock();
    if (ex.reply) {
        Response res = std::move(*ex.reply);
        lock.unlock();
        return queue(c, ex, res);
    }
    // Suspended under the lock: the reply, which resumes, cannot come between.
    ex.suspended = true;
    MHD_suspend_connection(c);
    return MHD_YES;
}

void Transport::Impl::handle(MHD_Connection* c, Exchange& ex) {
    Reply reply = [&ex, c](Response res) {
        std::lock_guard lock(ex.mutex);
        ex.reply = std::move(res);
        if (ex.suspended) {
            ex.suspended = false;
            MHD_resume_connection(c);
        }
    };
    try {
        ex.route->handle(ex.request, reply);
    } catch (const std::exception& e) {
        core::log(core::LogLevel::error, "http.error", {{"path", ex.request.path}, {"error", e.what()}});
        std::lock_guard lock(ex.mutex);
        if (!ex.reply) ex.reply = error_response(500, "internal error");
    }
}

MHD_Result Transport::Impl::queue(MHD_Connection* c, Exchange& ex, const Response& res) {
    ex.answered = true;
    MHD_Response* out = res.stream ? streamed(c, res.stream)
                                   : MHD_create_response_from_buffer(res.body.size(), const_cast<char*>(res.body.data()),
                                                                     MHD_RESPMEM_MUST_COPY);
    if (!out) return MHD_NO;
    MHD_add_response_header(out, MHD_HTTP_HEADER_CONTENT_TYPE, res.content_type.c_str());
    for (const auto& [name, value] : res.headers) MHD_add_response_header(out, name.c_str(), value.c_str());
    MHD_Result queued = MHD_queue_response(c, static_cast<unsigned>(res.status), out);
    MHD_destroy_response(out);
    if (answered) answered(res.status);
    return queued;
}

// A response of unknown length (chunked) that sends `stream` as it is written.
MHD_Response* Transport::Impl::streamed(MHD_Connection* c, const std::shared_ptr<BodyStream>& stream) {
    auto* streaming = new Streaming{stream, c};
    MHD_Response* out = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 8 * 1024, read_stream, streaming, stream_finished);
    if (!out) {
        delete streaming;
        return nullptr;
    }
    stream->attach([c] { MHD_resume_connection(c); });
    std::lock_guard lock(streams_mutex);
    // While closing, a stream (a browser reconnecting on a kept-alive connection, say) sends
    // what it holds and ends: it must never wait, suspended, for writes that will not come.
    if (ending) stream->close();
    else streams.push_back(stream);
    return out;
}

void Transport::Impl::keep_streams_alive() {
    auto quiet = std::chrono::milliseconds(limits.stream_keepalive_ms);
    auto tick = std::clamp(quiet, std::chrono::milliseconds(100), std::chrono::milliseconds(1000));
    std::unique_lock lock(streams_mutex);
    while (!keeper_wake.wait_for(lock, tick, [this] { return ending; })) {
        auto now = std::chrono::steady_clock::now();
        std::erase_if(streams, [&](const std::weak_ptr<BodyStream>& weak) {
            auto stream = weak.lock();
            return !stream || !stream->keep_alive(now, quiet);
        });
    }
}

// Ends every streamed answer (each sends what it holds, then its end), and every one that
// starts from now on, and stops the keeper.
void Transport::Impl::end_streams() {
    {
        std::lock_guard lock(streams_mutex);
        for (const auto& weak : streams)
            if (auto stream = weak.lock()) stream->close();
        streams.clear();
        ending = true;
    }
    keeper_wake.notify_all();
    if (keeper.joinable()) keeper.join();
}

void* Transport::Impl::started(void* cls, const char* uri, MHD_Connection*) {
    ++static_cast<Impl*>(cls)->in_flight;
    auto* ex = new Exchange;
    ex->target_bytes = std::strlen(uri);
    return ex;
}

void Transport::Impl::completed(void* cls, MHD_Connection* c, void** context, MHD_RequestTerminationCode) {
    auto& impl = *static_cast<Impl*>(cls);
    delete static_cast<Exchange*>(*context);
    *context = nullptr;
    if (auto* connection = watched(c)) impl.deadlines.answered(connection);
    --impl.in_flight;
}

void Transport::Impl::connection_changed(void* cls, MHD_Connection* c, void** socket_context,
                                         MHD_ConnectionNotificationCode change) {
    auto& deadlines = static_cast<Impl*>(cls)->deadlines;
    if (change == MHD_CONNECTION_NOTIFY_STARTED) {
        const MHD_ConnectionInfo* info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        if (info) *socket_context = deadlines.opened(info->connect_fd);
    } else if (*socket_context) {  // closed, before the library closes the socket
        deadlines.closed(static_cast<ReadDeadlines::Watched*>(*socket_context));
        *socket_context = nullptr;
    }
}

MHD_Result Transport::Impl::step(void* cls, MHD_Connection* c, const char* url, const char* method, const char*,
                                 const char* data, size_t* size, void** context) {
    return static_cast<Impl*>(cls)->on_request(c, url, method, data, size, *static_cast<Exchange*>(*context));
}

Transport::Transport(const RouteTable& routes, Limits limits, std::function<void(int)> answered)
    : m_impl(std::make_unique<Impl>(routes, limits, std::move(answered))) {}

Transport::~Transport() {
    close(0);
    if (m_impl->listen_fd >= 0) ::close(m_impl->listen_fd);
}

int Transport::bind(const std::string& host, int port) {
    m_impl->listen_fd = listening_socket(host, port);
    return bound_port(m_impl->listen_fd);
}

void Transport::start() {
    auto& impl = *m_impl;
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME;
    impl.daemon = MHD_start_daemon(
        flags, 0, nullptr, nullptr, Impl::step, &impl, MHD_OPTION_LISTEN_SOCKET, impl.listen_fd,
        MHD_OPTION_THREAD_POOL_SIZE, impl.limits.threads, MHD_OPTION_CONNECTION_LIMIT, impl.limits.max_connections,
        MHD_OPTION_CONNECTION_TIMEOUT, impl.limits.idle_timeout_s, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        impl.limits.connection_memory_bytes, MHD_OPTION_URI_LOG_CALLBACK, Impl::started, &impl,
        MHD_OPTION_NOTIFY_COMPLETED, Impl::completed, &impl, MHD_OPTION_NOTIFY_CONNECTION, Impl::connection_changed,
        &impl, MHD_OPTION_END);
    if (!impl.daemon) throw core::Fatal("serve", "the HTTP server could not start");
    impl.listen_fd = -1;  // the daemon owns it now
    impl.keeper = std::thread([&impl] { impl.keep_streams_alive(); });
}

void Transport::wait() {
    std::unique_lock lock(m_impl->stop_mutex);
    m_impl->stopped.wait(lock, [this] { return m_impl->stop_requested; });
}

void Transport::stop() {
    {
        std::lock_guard lock(m_impl->stop_mutex);
        m_impl->stop_requested = true;
    }
    m_impl->stopped.notify_all();
}

void Transport::close(int grace_s) {
    auto& impl = *m_impl;
    if (!impl.daemon) return;
    MHD_socket listening = MHD_quiesce_daemon(impl.daemon);
    impl.end_streams();
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(grace_s);
    while (impl.in_flight > 0 && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    MHD_stop_daemon(impl.daemon);
    impl.daemon = nullptr;
    if (listening != MHD_INVALID_SOCKET) ::close(listening);
}

}  // namespace memeops::bot::http
