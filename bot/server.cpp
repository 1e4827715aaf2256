#include "bot/server.hpp"

#include <charconv>

#include "bot/dashboard/dashboard.hpp"
#include "bot/webhooks.hpp"
#include "delivery/card_link.hpp"
#include "delivery/destination_view.hpp"
#include "delivery/meme_card.hpp"
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
using http::error_response;
using http::json_response;

// 400 for a body core::parse_json refused, naming the field where there is one, as for an
// invalid event.
http::Response refused_json(const core::JsonError& why) { return error_response(400, why.message(), why.field); }

bool is_json(const http::Request& req) {
    std::string type = core::ascii_lower(req.header("Content-Type"));
    return type == "application/json" || type.starts_with("application/json;");
}

// The `limit` query parameter: an integer from 1 to 1000 written as digits only, else
// meme::InvalidEvent naming it; `fallback` when absent.
int limit_param(const http::Request& req, int fallback) {
    auto text = req.param("limit");
    if (!text) return fallback;
    int value = 0;
    auto [end, failed] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (failed != std::errc() || end != text->data() + text->size() || text->empty() || (*text)[0] == '-' ||
        value < 1 || value > 1000)
        throw meme::InvalidEvent("limit", "must be an integer from 1 to 1000");
    return value;
}

http::Response invalid(const meme::InvalidEvent& e) { return error_response(400, e.what(), e.field()); }

// The delivery's own id: X-GitHub-Delivery, or GitLab's Idempotency-Key, else X-Gitlab-Event-UUID.
std::string delivery_id(const http::Request& req, bool github) {
    if (github) return req.header("X-GitHub-Delivery");
    return req.header(req.has_header("Idempotency-Key") ? "Idempotency-Key" : "X-Gitlab-Event-UUID");
}

// {"accepted":N,"duplicates":M,"ids":[…]}, written directly: it is made on the ingest's one
// writer thread, for every request.
std::string accepted_body(const std::vector<pipeline::HandledEvent>& handled) {
    std::string ids;
    int duplicates = 0;
    for (const auto& h : handled) {
        ids += (ids.empty() ? "" : ",") + std::to_string(h.entry_id);
        duplicates += h.duplicate;
    }
    return "{\"accepted\":" + std::to_string(static_cast<int>(handled.size()) - duplicates) +
           ",\"duplicates\":" + std::to_string(duplicates) + ",\"ids\":[" + ids + "]}";
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
    : m_options(std::move(options)), m_console(console) {
    if (!is_loopback(m_options.host) && !m_options.token)
        throw core::Fatal("refusing to listen on " + m_options.host,
                          "a non-loopback address needs MEMEOPS_TOKEN, or anyone who can reach it could post");
    meme::caption_templates();  // a broken template override fails now, not at posting time
    m_ingest = std::make_unique<IngestQueue>(
        m_options.archive_path, m_options.destinations, m_options.thresholds,
        [this](const std::vector<pipeline::HandledEvent>& handled, const std::vector<meme::Event>& events) { committed(handled, events); },
        [this] { archive_lost(); });
    m_dispatcher = std::make_unique<delivery::Dispatcher>(m_options.archive_path, m_options.destinations,
                                                          m_options.scale_factor, m_console, m_metrics, m_options.delivery);
    routes();
    m_http = std::make_unique<http::Transport>(m_routes, m_options.limits, [this](int status) { m_metrics.count_request(status); });
}

Server::~Server() {
    stop();
    m_ingest->stop();
    m_dispatcher->stop();
}

int Server::bind() {
    m_options.port = m_http->bind(m_options.host, m_options.port);
    return m_options.port;
}

void Server::run() {
    m_http->start();
    m_dispatcher->start();
    core::log(core::LogLevel::info, "serve.started",
              {{"listen", m_options.host + ":" + std::to_string(m_options.port)},
               {"destinations", std::to_string(m_options.destinations.size())},
               {"archive", m_options.archive_path}});
    m_http->wait();
    m_ingest->stop();  // answers everything submitted, so no route still holds a reply
    m_http->close();   // then the answers in flight go out
    m_dispatcher->stop();
    core::log(core::LogLevel::info, "serve.stopped", {});
}

void Server::stop() { m_http->stop(); }

void Server::archive_lost() {
    if (m_archive_replaced.exchange(true)) return;
    core::log(core::LogLevel::warn, "serve.archive_replaced",
              {{"archive", m_options.archive_path}, {"action", "reopening the archive at its path"}});
    stop();
}

http::Route Server::route(std::string method, std::string path, http::Response (Server::*handler)(const http::Request&)) {
    http::Route r{std::move(method), std::move(path)};
    r.handle = [this, handler](http::Request& req, const http::Reply& reply) { reply((this->*handler)(req)); };
    return r;
}

void Server::routes() {
    auto api = [this](const http::Request& req) { return refuse_unauthorised(req); };
    auto events_api = [this](const http::Request& req) -> std::optional<http::Response> {
        if (auto refused = refuse_unauthorised(req)) return refused;
        if (!is_json(req)) return error_response(415, "Content-Type must be application/json", "Content-Type");
        return std::nullopt;
    };
    for (const char* path : {"/v1/events", "/memeify"})
        m_routes.add({"POST", path, false, true, events_api,
                      [this](http::Request& req, const http::Reply& reply) { ingest(req, reply); }});
    for (std::string provider : {"github", "gitlab"})
        m_routes.add({"POST", "/webhooks/" + provider, false, true,
                      [this, provider](const http::Request&) { return refuse_unconfigured_webhook(provider); },
                      [this, provider](http::Request& req, const http::Reply& reply) { webhook(req, reply, provider); }});
    for (auto r : {route("GET", "/v1/history", &Server::history), route("GET", "/v1/search", &Server::search),
                   route("GET", "/v1/entries/", &Server::entry)}) {
        r.prefix = r.path.ends_with('/');
        r.admit = api;
        m_routes.add(std::move(r));
    }
    auto card = route("GET", std::string(delivery::k_card_route), &Server::meme_card);
    card.prefix = true;  // no admit: Slack fetches it without the token; the signed path is the credential
    m_routes.add(std::move(card));
    m_dashboard = std::make_unique<dashboard::Dashboard>(dashboard::DashboardOptions{
        m_options.token, [this]() -> storage::Database& { return reader().database(); },
        [this](const http::Request& req) { return authorised(req); }, [this] { return health_detail(); }});
    m_dashboard->add_routes(m_routes);
    m_routes.add(route("GET", "/healthz", &Server::healthz));
    m_routes.add(route("GET", "/metrics", &Server::metrics));
}

bool Server::authorised(const http::Request& req) const {
    return !m_options.token || core::constant_time_equal(req.header("Authorization"), "Bearer " + *m_options.token);
}

std::optional<http::Response> Server::refuse_unauthorised(const http::Request& req) const {
    if (authorised(req)) return std::nullopt;
    bool missing = req.header("Authorization").empty();
    auto res = error_response(401, missing ? "missing token: send Authorization: Bearer <MEMEOPS_TOKEN>" : "wrong token",
                              "Authorization");
    res.headers.emplace_back("WWW-Authenticate", "Bearer");
    return res;
}

std::optional<http::Response> Server::refuse_unconfigured_webhook(const std::string& provider) const {
    if (provider == "github" ? m_options.github_secret.has_value() : m_options.gitlab_token.has_value()) return std::nullopt;
    return error_response(404, "no " + provider + " webhook secret is configured");
}

void Server::ingest(const http::Request& req, const http::Reply& reply) {
    auto doc = meme::parse_event_document(req.body);
    if (!doc.ok()) return reply(refused_json(*doc.error));
    std::vector<meme::Event> events;
    try {
        events = meme::parse_events(std::move(doc.value), core::now_ms());
    } catch (const meme::InvalidEvent& e) {
        return reply(invalid(e));
    }
    std::string key = req.header("Idempotency-Key");
    if (!key.empty())
        for (size_t i = 0; i < events.size(); ++i)
            if (!events[i].id) events[i].id = events.size() == 1 ? key : key + "#" + std::to_string(i);
    accept_events(std::move(events), "event", reply);
}

void Server::webhook(const http::Request& req, const http::Reply& reply, const std::string& provider) {
    bool github = provider == "github";
    const std::string& secret = *(github ? m_options.github_secret : m_options.gitlab_token);  // admitted: configured
    bool valid = github ? github_signature_valid(secret, req.body, req.header("X-Hub-Signature-256"))
                        : gitlab_token_valid(secret, req.header("X-Gitlab-Token"));
    if (!valid) return reply(error_response(401, github ? "signature mismatch" : "wrong token"));
    std::string kind = req.header(github ? "X-GitHub-Event" : "X-Gitlab-Event");
    if (github && kind == "ping") return reply(json_response(200, {{"ok", true}}));
    auto payload = webhook_document(req.body, req.header("Content-Type"));
    if (!payload.ok()) return reply(refused_json(*payload.error));
    auto mapped = github ? github_event(kind, payload.value, m_options.github_check_apps) : gitlab_event(kind, payload.value);
    if (!mapped) return reply(http::Response{204, "application/json", {}, ""});
    if (auto id = delivery_id(req, github); !id.empty()) mapped->event["id"] = id;
    mapped->event["webhook"] = kind;
    try {
        auto events = meme::parse_events(std::move(mapped->event), core::now_ms());
        events.at(0).occurrence = mapped->occurrence;
        accept_events(std::move(events), provider, reply);
    } catch (const meme::InvalidEvent& e) {
        reply(error_response(400, std::string("unusable ") + provider + " payload: " + e.what(), e.field()));
    }
}

void Server::accept_events(std::vector<meme::Event> events, const std::string& key_source, const http::Reply& reply) {
    m_ingest->submit(std::move(events), key_source, [reply](IngestResult result) {
        if (!result.error.empty()) return reply(error_response(503, result.error));
        reply(http::Response{202, "application/json", {}, accepted_body(result.handled)});
    });
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
    if (m_dashboard) m_dashboard->committed(handled, events);
}

storage::Archive& Server::reader() {
    thread_local std::unique_ptr<storage::Archive> archive;
    thread_local std::string path;
    if (!archive || path != m_options.archive_path || !archive->still_at_path()) {
        // GET routes only read: they never wait for the write lock of the ingest or the workers.
        storage::ArchiveOptions options;
        options.access = storage::Access::read_only;
        archive = storage::Archive::open(m_options.archive_path, options);
        path = m_options.archive_path;
    }
    return *archive;
}

http::Response Server::history(const http::Request& req) {
    storage::HistoryQuery query;
    try {
        query.repo = req.param("repo");
        query.branch = req.param("branch");
        if (auto kind = req.param("kind")) {
            query.kind = storage::parse_entry_kind(*kind);
            if (!query.kind) throw meme::InvalidEvent("kind", "must be version, commit, training, ci or message");
        }
        for (const char* bound : {"since", "until"}) {
            auto text = req.param(bound);
            if (!text) continue;
            auto t = core::parse_time_bound(*text, core::now_ms());
            if (!t) throw meme::InvalidEvent(bound, "must be ISO-8601 or relative like 7d");
            (std::string(bound) == "since" ? query.since : query.until) = t;
        }
        query.limit = limit_param(req, 20);
    } catch (const meme::InvalidEvent& e) {
        return invalid(e);
    }
    return json_response(200, entries_json(reader().history(query)));
}

http::Response Server::search(const http::Request& req) {
    std::string q = req.param("q").value_or("");
    if (q.empty()) return error_response(400, "q: the text to search for is required", "q");
    try {
        return json_response(200, entries_json(reader().search(q, limit_param(req, 20))));
    } catch (const meme::InvalidEvent& e) {
        return invalid(e);
    } catch (const storage::SearchQueryError& e) {
        return error_response(400, std::string("q: ") + e.what(), "q");
    }
}

http::Response Server::entry(const http::Request& req) {
    const std::string& ref = req.captures.at(0);
    try {
        auto found = reader().find(ref);
        if (!found) return error_response(404, "no entry " + ref);
        return json_response(200, storage::to_json(*found));
    } catch (const core::Fatal& e) {
        return error_response(400, e.reason(), "ref");
    }
}

http::Response Server::meme_card(const http::Request& req) {
    auto id = delivery::verified_card_id(reader(), req.captures.at(0));
    auto png = id ? delivery::meme_card_png(reader(), *id, m_options.thresholds) : std::nullopt;
    // A wrong signature and an unknown meme answer as an unknown path does: nothing to learn.
    if (!png) return error_response(404, "no such route: " + req.path);
    return http::Response{200, "image/png", {{"Cache-Control", "public, max-age=86400, immutable"}}, std::move(*png)};
}

http::Response Server::healthz(const http::Request& req) {
    if (m_archive_replaced || !m_ingest->check_archive_file()) {
        archive_lost();
        if (!authorised(req)) return json_response(503, {{"status", "unhealthy"}});
        return json_response(503, {{"status", "unavailable"}, {"error", "the archive was deleted or replaced; reopening it"}});
    }
    json detail;
    try {
        detail = health_detail();
    } catch (const std::exception& e) {
        if (!authorised(req)) return json_response(503, {{"status", "unhealthy"}});
        return json_response(503, {{"status", "unavailable"}, {"error", core::redact_urls(e.what())}});
    }
    if (!authorised(req)) return json_response(200, {{"status", "ok"}});  // nothing more without the token
    detail["status"] = "ok";
    return json_response(200, detail);
}

nlohmann::json Server::health_detail() {
    json destinations = json::array();
    std::int64_t pending = 0;
    storage::Outbox outbox(reader());
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
    return {{"outbox_pending", pending}, {"destinations", destinations}};
}

http::Response Server::metrics(const http::Request& req) {
    std::map<std::string, long> pending;
    std::map<std::string, bool> up;
    http::Response res{200, "text/plain; version=0.0.4", {}, ""};
    try {
        storage::Outbox outbox(reader());
        for (const auto& view : delivery::destination_views(outbox, m_options.destinations)) {
            pending[view.label()] = static_cast<long>(view.pending);
            up[view.label()] = !view.disabled;
        }
    } catch (const std::exception&) {
        res.status = 503;
    }
    bool detail = authorised(req);
    res.body = m_metrics.render(pending, up, detail ? MetricsDetail::by_destination : MetricsDetail::totals_only);
    return res;
}

}  // namespace memeops::bot
