#include "bot/server.hpp"

#include <httplib.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "bot/webhooks.hpp"
#include "delivery/destination_view.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "core/log.hpp"
#include "core/text.hpp"
#include "meme/caption_templates.hpp"
#include "meme/event.hpp"
#include "storage/outbox.hpp"

namespace memeops::bot {
namespace {

using nlohmann::json;

void reply(httplib::Response& res, int status, const json& body) {
    res.status = status;
    res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
}

void error(httplib::Response& res, int status, const std::string& message) { reply(res, status, {{"error", message}}); }

// 400 for a body core::parse_json refused, naming the field where there is one, as for an
// invalid event.
void refuse_body(httplib::Response& res, const core::JsonError& why) {
    json body{{"error", why.message()}};
    if (!why.field.empty()) body["field"] = why.field;
    reply(res, 400, body);
}

bool is_json(const httplib::Request& req) {
    std::string type = core::ascii_lower(req.get_header_value("Content-Type"));
    return type == "application/json" || type.starts_with("application/json;");
}

std::optional<int> int_param(const httplib::Request& req, const char* name) {
    if (!req.has_param(name)) return std::nullopt;
    try {
        return std::stoi(req.get_param_value(name));
    } catch (const std::exception&) {
        throw meme::InvalidEvent(name, "must be an integer");
    }
}

// cpp-httplib's default sets SO_REUSEPORT on the listening socket, and Linux lets every socket
// with that option bind a port already listened on: a second `serve` would start and quietly
// share the port. SO_REUSEADDR alone still allows a restart over connections in TIME_WAIT.
void exclusive_listen_options(socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
}

// Why binding host:port fails, in the system's words ("address already in use"): cpp-httplib
// reports only that it failed, so the bind is tried again on a socket of our own.
std::string bind_failure(const std::string& host, int port) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    addrinfo* found = nullptr;
    if (int failed = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found))
        return core::ascii_lower(gai_strerror(failed));
    int sock = socket(found->ai_family, found->ai_socktype, found->ai_protocol);
    exclusive_listen_options(sock);
    int failed = sock < 0 || ::bind(sock, found->ai_addr, found->ai_addrlen) != 0 ? errno : 0;
    if (sock >= 0) close(sock);
    freeaddrinfo(found);
    return failed ? core::ascii_lower(std::strerror(failed)) : "the address is not available here";
}

// Reads the whole body into `body`. False when it cannot be: over 1 MiB (413), or the client
// stopped sending; `res` then holds the answer.
bool read_body(const httplib::ContentReader& read, std::string& body, httplib::Response& res) {
    bool whole = read([&body](const char* data, size_t size) {
        body.append(data, size);
        return true;
    });
    if (!whole && res.status != 413) error(res, 400, "the body could not be read");  // 413: the error handler says why
    return whole;
}

// Reads and drops the body of a request answered without it, so that the next request on the
// same connection starts where it should.
void discard_body(const httplib::ContentReader& read) {
    read([](const char*, size_t) { return true; });
}

// The delivery's own id: X-GitHub-Delivery, or GitLab's Idempotency-Key, else X-Gitlab-Event-UUID.
std::string delivery_id(const httplib::Request& req, bool github) {
    if (github) return req.get_header_value("X-GitHub-Delivery");
    return req.get_header_value(req.has_header("Idempotency-Key") ? "Idempotency-Key" : "X-Gitlab-Event-UUID");
}

json entries_json(const std::vector<storage::Entry>& entries) {
    json out = json::array();
    for (const auto& e : entries) out.push_back(storage::to_json(e));
    return out;
}

}  // namespace

bool is_loopback(const std::string& host) {
    return host == "localhost" || host == "::1" || host == "[::1]" || host.starts_with("127.");
}

Server::Server(ServerOptions options, std::ostream& console)
    : m_options(std::move(options)), m_console(console), m_http(std::make_unique<httplib::Server>()) {
    if (!is_loopback(m_options.host) && !m_options.token)
        throw core::Fatal("refusing to listen on " + m_options.host,
                          "a non-loopback address needs MEMEOPS_TOKEN, or anyone who can reach it could post");
    meme::caption_templates();  // a broken template override fails now, not at posting time
    m_ingest = std::make_unique<IngestQueue>(
        m_options.archive_path, m_options.destinations, m_options.thresholds,
        [this](const std::vector<pipeline::HandledEvent>& handled, const std::vector<meme::Event>& events) { committed(handled, events); });
    m_dispatcher = std::make_unique<delivery::Dispatcher>(m_options.archive_path, m_options.destinations,
                                                          m_options.scale_factor, m_console, m_metrics, m_options.delivery);
    routes();
}

Server::~Server() {
    stop();
    m_ingest->stop();
    m_dispatcher->stop();
}

int Server::bind() {
    int threads = m_options.http_threads;
    m_http->new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
    m_http->set_payload_max_length(k_max_body_bytes);
    m_http->set_read_timeout(m_options.timeout_s);
    m_http->set_write_timeout(m_options.timeout_s);
    m_http->set_keep_alive_timeout(m_options.timeout_s);
    m_http->set_keep_alive_max_count(10000);  // clients such as training scripts keep one connection open
    m_http->set_tcp_nodelay(true);            // answers go out at once, not after a delayed ACK
    m_http->set_socket_options(exclusive_listen_options);
    int port = m_options.port;
    if (port == 0) port = m_http->bind_to_any_port(m_options.host);
    else if (!m_http->bind_to_port(m_options.host, port)) port = -1;
    if (port <= 0)
        throw core::Fatal("serve", "cannot listen on " + m_options.host + ":" + std::to_string(m_options.port) + " : " +
                                       bind_failure(m_options.host, m_options.port));
    m_options.port = port;
    return port;
}

void Server::run() {
    m_dispatcher->start();
    core::log(core::LogLevel::info, "serve.started",
              {{"listen", m_options.host + ":" + std::to_string(m_options.port)},
               {"destinations", std::to_string(m_options.destinations.size())},
               {"archive", m_options.archive_path}});
    m_http->listen_after_bind();
    // listen returns once stop() was called and the in-flight requests were answered.
    m_ingest->stop();
    m_dispatcher->stop();
    core::log(core::LogLevel::info, "serve.stopped", {});
}

void Server::stop() {
    if (m_http->is_running()) m_http->stop();
}

void Server::routes() {
    auto& http = *m_http;
    http.Post("/v1/events", [this](const httplib::Request& req, httplib::Response& res) { ingest(req, res); });
    http.Post("/memeify", [this](const httplib::Request& req, httplib::Response& res) { ingest(req, res); });
    for (const char* provider : {"github", "gitlab"}) {
        std::string path = std::string("/webhooks/") + provider;
        http.Post(path, [this, provider](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& read) {
            webhook(req, res, read, provider);
        });
        refuse_other_methods(path, "POST");
    }
    http.Get("/v1/history", [this](const httplib::Request& req, httplib::Response& res) { history(req, res); });
    http.Get("/v1/search", [this](const httplib::Request& req, httplib::Response& res) { search(req, res); });
    http.Get("/v1/entries/(.+)", [this](const httplib::Request& req, httplib::Response& res) { entry(req, res); });
    http.Get("/healthz", [this](const httplib::Request&, httplib::Response& res) { healthz(res); });
    http.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) { metrics(res); });
    http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
        bool api = req.path.starts_with("/v1/") || req.path == "/memeify";
        return api && !authorised(req, res) ? httplib::Server::HandlerResponse::Handled
                                            : httplib::Server::HandlerResponse::Unhandled;
    });
    http.set_error_handler([](const httplib::Request&, httplib::Response& res) {
        if (!res.body.empty()) return;
        if (res.status == 413) error(res, 413, "the body is larger than 1 MiB");
        else if (res.status == 404) error(res, 404, "no such route");
        else error(res, res.status, "request failed");
    });
    http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
        std::string why = "internal error";
        try {
            std::rethrow_exception(ep);
        } catch (const std::exception& e) {
            why = e.what();
        } catch (...) {
        }
        core::log(core::LogLevel::error, "http.error", {{"error", why}});
        error(res, 500, "internal error");
    });
    http.set_post_routing_handler([this](const httplib::Request&, httplib::Response& res) { m_metrics.count_request(res.status); });
}

void Server::refuse_other_methods(const std::string& pattern, const std::string& allowed) {
    auto refuse = [allowed](const httplib::Request& req, httplib::Response& res) {
        res.set_header("Allow", allowed);
        error(res, 405, req.method + " is not allowed here: use " + allowed);
    };
    auto refuse_unread = [refuse](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& read) {
        discard_body(read);
        refuse(req, res);
    };
    auto& http = *m_http;
    if (allowed != "GET") http.Get(pattern, refuse);
    if (allowed != "POST") http.Post(pattern, refuse_unread);
    http.Put(pattern, refuse_unread);
    http.Patch(pattern, refuse_unread);
    http.Delete(pattern, refuse_unread);
    http.Options(pattern, refuse);
}

bool Server::authorised(const httplib::Request& req, httplib::Response& res) const {
    if (!m_options.token) return true;
    std::string header = req.get_header_value("Authorization");
    if (core::constant_time_equal(header, "Bearer " + *m_options.token)) return true;
    res.set_header("WWW-Authenticate", "Bearer");
    error(res, 401, header.empty() ? "missing token: send Authorization: Bearer <MEMEOPS_TOKEN>" : "wrong token");
    return false;
}

void Server::ingest(const httplib::Request& req, httplib::Response& res) {
    if (!is_json(req)) return error(res, 415, "Content-Type must be application/json");
    auto doc = meme::parse_event_document(req.body);
    if (!doc.ok()) return refuse_body(res, *doc.error);
    std::vector<meme::Event> events;
    try {
        events = meme::parse_events(doc.value, core::now_ms());
    } catch (const meme::InvalidEvent& e) {
        return reply(res, 400, {{"error", e.what()}, {"field", e.field()}});
    }
    std::string key = req.get_header_value("Idempotency-Key");
    if (!key.empty())
        for (size_t i = 0; i < events.size(); ++i)
            if (!events[i].id) events[i].id = events.size() == 1 ? key : key + "#" + std::to_string(i);
    accept_events(std::move(events), "event", res);
}

void Server::webhook(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& read,
                     const std::string& provider) {
    bool github = provider == "github";
    const auto& secret = github ? m_options.github_secret : m_options.gitlab_token;
    if (!secret) {
        discard_body(read);
        return error(res, 404, "no " + provider + " webhook secret is configured");
    }
    std::string body;
    if (!read_body(read, body, res)) return;
    bool valid = github ? github_signature_valid(*secret, body, req.get_header_value("X-Hub-Signature-256"))
                        : gitlab_token_valid(*secret, req.get_header_value("X-Gitlab-Token"));
    if (!valid) return error(res, 401, github ? "signature mismatch" : "wrong token");
    std::string kind = req.get_header_value(github ? "X-GitHub-Event" : "X-Gitlab-Event");
    if (github && kind == "ping") return reply(res, 200, {{"ok", true}});
    auto payload = webhook_document(body, req.get_header_value("Content-Type"));
    if (!payload.ok()) return refuse_body(res, *payload.error);
    auto mapped = github ? github_event(kind, payload.value, m_options.github_check_apps) : gitlab_event(kind, payload.value);
    if (!mapped) {
        res.status = 204;
        return;
    }
    if (auto id = delivery_id(req, github); !id.empty()) mapped->event["id"] = id;
    mapped->event["webhook"] = kind;
    try {
        auto events = meme::parse_events(mapped->event, core::now_ms());
        events.at(0).occurrence = mapped->occurrence;
        accept_events(std::move(events), provider, res);
    } catch (const meme::InvalidEvent& e) {
        reply(res, 400, {{"error", std::string("unusable ") + provider + " payload: " + e.what()}});
    }
}

void Server::accept_events(std::vector<meme::Event> events, const std::string& key_source, httplib::Response& res) {
    auto result = m_ingest->submit(std::move(events), key_source);
    if (!result.error.empty()) return error(res, 503, result.error);
    json ids = json::array();
    int duplicates = 0;
    for (const auto& h : result.handled) {
        ids.push_back(h.entry_id);
        duplicates += h.duplicate;
    }
    reply(res, 202, {{"accepted", static_cast<int>(result.handled.size()) - duplicates}, {"duplicates", duplicates}, {"ids", ids}});
}

void Server::committed(const std::vector<pipeline::HandledEvent>& handled, const std::vector<meme::Event>& events) {
    std::vector<std::string> woken;
    for (size_t i = 0; i < handled.size(); ++i) {
        const auto& h = handled[i];
        m_metrics.count_event(events[i].kind, h.duplicate);
        for (const auto& m : h.memes) {
            m_metrics.count_meme(m.reaction);
            for (const auto& d : m.deliveries) woken.push_back(d.destination);
        }
        if (core::log_level() <= core::LogLevel::info)
            core::log(core::LogLevel::info, "event",
                      {{"kind", events[i].kind}, {"id", events[i].id.value_or("")}, {"entry", std::to_string(h.entry_id)},
                       {"duplicate", h.duplicate ? "true" : "false"}, {"memes", std::to_string(h.memes.size())}});
    }
    if (!woken.empty()) m_dispatcher->wake(woken);
}

storage::Archive& Server::reader() {
    thread_local std::unique_ptr<storage::Archive> archive;
    thread_local std::string path;
    if (!archive || path != m_options.archive_path) {
        // GET routes only read: they never wait for the write lock of the ingest or the workers.
        storage::ArchiveOptions options;
        options.access = storage::Access::read_only;
        archive = storage::Archive::open(m_options.archive_path, options);
        path = m_options.archive_path;
    }
    return *archive;
}

void Server::history(const httplib::Request& req, httplib::Response& res) {
    storage::HistoryQuery query;
    try {
        if (req.has_param("repo")) query.repo = req.get_param_value("repo");
        if (req.has_param("branch")) query.branch = req.get_param_value("branch");
        if (req.has_param("kind")) {
            query.kind = storage::parse_entry_kind(req.get_param_value("kind"));
            if (!query.kind) throw meme::InvalidEvent("kind", "must be version, commit, training, ci or message");
        }
        for (const char* bound : {"since", "until"}) {
            if (!req.has_param(bound)) continue;
            auto t = core::parse_time_bound(req.get_param_value(bound), core::now_ms());
            if (!t) throw meme::InvalidEvent(bound, "must be ISO-8601 or relative like 7d");
            (std::string(bound) == "since" ? query.since : query.until) = t;
        }
        query.limit = std::clamp(int_param(req, "limit").value_or(20), 1, 1000);
    } catch (const meme::InvalidEvent& e) {
        return error(res, 400, e.what());
    }
    reply(res, 200, entries_json(reader().history(query)));
}

void Server::search(const httplib::Request& req, httplib::Response& res) {
    std::string q = req.get_param_value("q");
    if (q.empty()) return error(res, 400, "q: the text to search for is required");
    int limit = 20;
    try {
        limit = std::clamp(int_param(req, "limit").value_or(20), 1, 1000);
    } catch (const meme::InvalidEvent& e) {
        return error(res, 400, e.what());
    }
    reply(res, 200, entries_json(reader().search(q, limit)));
}

void Server::entry(const httplib::Request& req, httplib::Response& res) {
    try {
        auto found = reader().find(req.matches[1].str());
        if (!found) return error(res, 404, "no entry " + req.matches[1].str());
        reply(res, 200, storage::to_json(*found));
    } catch (const core::Fatal& e) {
        error(res, 400, e.reason());
    }
}

void Server::healthz(httplib::Response& res) {
    try {
        storage::Outbox outbox(reader());
        json destinations = json::array();
        std::int64_t pending = 0;
        for (const auto& view : delivery::destination_views(outbox, m_options.destinations)) {
            pending += view.pending;
            destinations.push_back({{"name", view.name ? json(*view.name) : json()},
                                    {"key", view.key},
                                    {"type", view.type},
                                    {"configured", view.configured()},
                                    {"state", view.disabled ? "disabled" : "enabled"},
                                    {"pending", view.pending},
                                    {"last_error", view.last_error ? json(*view.last_error) : json()}});
        }
        reply(res, 200, {{"status", "ok"}, {"outbox_pending", pending}, {"destinations", destinations}});
    } catch (const std::exception& e) {
        reply(res, 503, {{"status", "unavailable"}, {"error", core::redact_urls(e.what())}});
    }
}

void Server::metrics(httplib::Response& res) {
    std::map<std::string, long> pending;
    std::map<std::string, bool> up;
    try {
        storage::Outbox outbox(reader());
        for (const auto& view : delivery::destination_views(outbox, m_options.destinations)) {
            pending[view.label()] = static_cast<long>(view.pending);
            up[view.label()] = !view.disabled;
        }
    } catch (const std::exception&) {
        res.status = 503;
    }
    res.set_content(m_metrics.render(pending, up), "text/plain; version=0.0.4");
}

}  // namespace memeops::bot
