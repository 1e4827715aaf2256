#include "bot/dashboard/dashboard.hpp"

#include <charconv>
#include <memory>

#include "bot/dashboard/queries.hpp"
#include "bot/dashboard/session.hpp"
#include "bot/http/body_stream.hpp"
#include "core/crypto.hpp"
#include "templates/templates.hpp"

namespace memeops::bot::dashboard {
namespace {

using nlohmann::json;

// The versions page's timelines show this many of the newest versions, across repositories.
constexpr int k_timeline_versions = 200;
// The confusion page lists this many of the newest matrices.
constexpr int k_listed_matrices = 100;

constexpr const char* k_csp = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'";

// Headers every dashboard answer carries: the policy above, no MIME sniffing, no framing.
http::Response hardened(http::Response res) {
    res.headers.emplace_back("Content-Security-Policy", k_csp);
    res.headers.emplace_back("X-Content-Type-Options", "nosniff");
    res.headers.emplace_back("X-Frame-Options", "DENY");
    res.headers.emplace_back("Referrer-Policy", "same-origin");
    res.headers.emplace_back("Cache-Control", "no-store");
    return res;
}

http::Response see_other(const std::string& location) {
    http::Response res{303, "text/plain; charset=utf-8", {{"Location", location}}, "see " + location + "\n"};
    return res;
}

std::string content_type_of(const std::string& name) {
    if (name.ends_with(".css")) return "text/css; charset=utf-8";
    if (name.ends_with(".js")) return "text/javascript; charset=utf-8";
    return "text/html; charset=utf-8";
}

std::optional<http::Response> embedded_file(const std::string& name) {
    try {
        return http::Response{200, content_type_of(name), {}, std::string(templates::embedded("web/" + name))};
    } catch (const std::out_of_range&) {
        return std::nullopt;
    }
}

// `text` when it is a whole number written as digits only.
std::optional<std::uint64_t> whole_number(const std::string& text) {
    std::uint64_t value = 0;
    auto [end, failed] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || failed != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

// The `after` parameter of /v1/dash/updates: a count written as digits, 0 when absent.
std::optional<std::uint64_t> after_param(const http::Request& req) { return whole_number(req.param("after").value_or("0")); }

}  // namespace

Dashboard::Dashboard(DashboardOptions options) : m_options(std::move(options)) {}

template <typename Handler>
void Dashboard::add(http::RouteTable& routes, std::string method, std::string path, Handler handler, bool api) {
    http::Route r{std::move(method), std::move(path)};
    r.prefix = r.path.ends_with('/') && r.path != "/";
    r.takes_body = r.method == "POST";
    if (api) r.admit = [this](const http::Request& req) { return refuse_unadmitted(req); };
    if (r.method == "POST")  // forms: another site's page never gets to post them (CSRF)
        r.admit = [](const http::Request& req) -> std::optional<http::Response> {
            if (same_origin(req)) return std::nullopt;
            return hardened(http::error_response(403, "cross-site form post refused", "Origin"));
        };
    r.handle = [this, handler](http::Request& req, const http::Reply& reply) { reply(hardened((this->*handler)(req))); };
    routes.add(std::move(r));
}

void Dashboard::add_routes(http::RouteTable& routes) {
    add(routes, "GET", "/", &Dashboard::page, false);
    add(routes, "GET", "/assets/", &Dashboard::asset, false);
    add(routes, "GET", "/login", &Dashboard::page, false);
    add(routes, "POST", "/login", &Dashboard::login, false);
    add(routes, "POST", "/logout", &Dashboard::logout, false);
    add(routes, "GET", "/v1/dash/overview", &Dashboard::overview, true);
    add(routes, "GET", "/v1/dash/runs", &Dashboard::runs, true);
    add(routes, "GET", "/v1/dash/runs/", &Dashboard::run, true);
    add(routes, "GET", "/v1/dash/versions", &Dashboard::versions, true);
    add(routes, "GET", "/v1/dash/confusion", &Dashboard::confusion_list, true);
    add(routes, "GET", "/v1/dash/confusion/", &Dashboard::confusion, true);
    add(routes, "GET", "/v1/dash/updates", &Dashboard::updates, true);
    add(routes, "GET", "/v1/dash/stream", &Dashboard::stream, true);
}

void Dashboard::committed(const std::vector<pipeline::HandledEvent>& handled, const std::vector<meme::Event>& events) {
    std::vector<Change> changes;
    for (size_t i = 0; i < handled.size() && i < events.size(); ++i) {
        if (handled[i].duplicate) continue;
        changes.push_back({events[i].kind, events[i].run, handled[i].entry_id, static_cast<int>(handled[i].memes.size())});
    }
    m_feed.record(std::move(changes));
}

bool Dashboard::admitted(const http::Request& req) const {
    return !m_options.token || m_options.bearer_authorised(req) || has_session(req, *m_options.token);
}

std::optional<http::Response> Dashboard::refuse_unadmitted(const http::Request& req) const {
    if (admitted(req)) return std::nullopt;
    auto res = http::error_response(401, "log in at /login, or send Authorization: Bearer <MEMEOPS_TOKEN>", "Authorization");
    res.headers.emplace_back("WWW-Authenticate", "Bearer");
    return hardened(res);
}

// "/" and "/login": the one page, which shows the login form or the dashboard.
http::Response Dashboard::page(const http::Request& req) const {
    bool wants_login = req.path == "/login";
    if (!wants_login && !admitted(req)) return see_other("/login");
    if (wants_login && (!m_options.token || has_session(req, *m_options.token))) return see_other("/");
    return *embedded_file(wants_login ? "login.html" : "index.html");
}

http::Response Dashboard::asset(const http::Request& req) const {
    const std::string& name = req.captures.at(0);
    if (name.ends_with(".html") || name.find('/') != std::string::npos) return http::error_response(404, "no asset " + name);
    auto file = embedded_file(name);
    return file ? *file : http::error_response(404, "no asset " + name);
}

http::Response Dashboard::login(const http::Request& req) const {
    if (!m_options.token) return see_other("/");
    if (!core::constant_time_equal(posted_token(req.body), *m_options.token)) return see_other("/login?failed=1");
    auto res = see_other("/");
    res.headers.emplace_back("Set-Cookie", session_cookie(*m_options.token, came_over_https(req)));
    return res;
}

http::Response Dashboard::logout(const http::Request& req) const {
    auto res = see_other(m_options.token ? "/login" : "/");
    res.headers.emplace_back("Set-Cookie", session_cookie("", came_over_https(req)));
    return res;
}

http::Response Dashboard::overview(const http::Request&) const {
    storage::Database& db = m_options.reader();
    storage::ReadSnapshot snapshot(db);  // the sections agree with each other
    json health;
    try {
        health = m_options.health();
    } catch (const std::exception&) {
        health = {{"status", "unavailable"}};
    }
    return http::json_response(200, {{"memes", newest_memes(db, 12)},
                                     {"activity", recent_entries(db, 15)},
                                     {"ci", ci_board(db, 50)},
                                     {"versions", latest_versions(db, 10)},
                                     {"health", health},
                                     {"login", m_options.token.has_value()}});
}

http::Response Dashboard::runs(const http::Request&) const {
    storage::ReadSnapshot snapshot(m_options.reader());
    return http::json_response(200, {{"runs", dashboard::runs(m_options.reader(), 100)}});
}

http::Response Dashboard::run(const http::Request& req) const {
    const std::string& name = req.captures.at(0);
    storage::ReadSnapshot snapshot(m_options.reader());
    auto found = dashboard::run(m_options.reader(), name);
    if (!found) return http::error_response(404, "no run " + name, "run");
    return http::json_response(200, *found);
}

http::Response Dashboard::versions(const http::Request&) const {
    storage::ReadSnapshot snapshot(m_options.reader());
    return http::json_response(200, dashboard::versions(m_options.reader(), k_timeline_versions));
}

http::Response Dashboard::confusion_list(const http::Request&) const {
    storage::ReadSnapshot snapshot(m_options.reader());
    return http::json_response(200, {{"matrices", confusion_matrices(m_options.reader(), k_listed_matrices)}});
}

http::Response Dashboard::confusion(const http::Request& req) const {
    const std::string& text = req.captures.at(0);
    auto entry = whole_number(text);
    if (!entry || *entry > static_cast<std::uint64_t>(INT64_MAX))
        return http::error_response(400, "entry: must be an entry id, a whole number", "entry");
    storage::ReadSnapshot snapshot(m_options.reader());
    auto found = confusion_matrix(m_options.reader(), static_cast<std::int64_t>(*entry));
    if (!found) return http::error_response(404, "no confusion matrix " + text, "entry");
    return http::json_response(200, *found);
}

http::Response Dashboard::updates(const http::Request& req) const {
    auto after = after_param(req);
    if (!after) return http::error_response(400, "after: must be a whole number", "after");
    return http::json_response(200, m_feed.since(*after));
}

http::Response Dashboard::stream(const http::Request& req) {
    auto after = after_param(req);
    if (!after) return http::error_response(400, "after: must be a whole number", "after");
    if (req.has_header("Last-Event-ID")) after = m_feed.resume_point(req.header("Last-Event-ID"));  // a reconnect
    auto body = std::make_shared<http::BodyStream>(":\n\n");  // an SSE comment: ignored by the page
    if (!m_feed.listen(body, *after)) {
        auto busy = http::error_response(503, "too many pages listening: poll /v1/dash/updates instead");
        busy.headers.emplace_back("Retry-After", "30");
        return busy;
    }
    http::Response res{200, "text/event-stream; charset=utf-8"};
    res.headers.emplace_back("X-Accel-Buffering", "no");  // a proxy in front must not hold the events back
    res.stream = std::move(body);
    return res;
}

}  // namespace memeops::bot::dashboard
