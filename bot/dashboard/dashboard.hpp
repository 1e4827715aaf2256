// The web dashboard `memeops serve` answers at / (contract §4): a page, its style and script
// (web/, compiled into the binary), the login, and the JSON routes the page reads:
//
//   GET  /                    the page (with a token set and no session: 303 to /login)
//   GET  /assets/<file>       web/<file>: dash.css, dash.js
//   GET  /login, POST /login  the login form; a right token sets the session cookie (session.hpp)
//   POST /logout              ends the session
//   GET  /v1/dash/overview    {"memes","activity","ci","versions","health","login"}
//   GET  /v1/dash/runs        {"runs"}; GET /v1/dash/runs/<run> one run (queries.hpp)
//   GET  /v1/dash/versions    {"repos":[{"repo","versions"}]}, each repository's timeline (queries.hpp)
//   GET  /v1/dash/confusion   {"matrices"}; GET /v1/dash/confusion/<entry> one matrix (queries.hpp)
//   GET  /v1/dash/stream?after=N    the changes since N, then each batch as it commits, as
//                                   Server-Sent Events (live.hpp); 503 past 64 listeners
//   GET  /v1/dash/updates?after=N   the changes since N (live.hpp), for pages that poll
//
// Access follows the API: open when no token is set; else the bearer token or the session
// cookie. Every answer carries a Content-Security-Policy that allows only this server's own
// script and style, so user text that slipped into markup could still not run.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "bot/dashboard/live.hpp"
#include "bot/http/routes.hpp"
#include "meme/event.hpp"
#include "pipeline/pipeline.hpp"
#include "storage/sqlite.hpp"

namespace memeops::bot::dashboard {

struct DashboardOptions {
    std::optional<std::string> token;  // MEMEOPS_TOKEN; unset: everyone on loopback is admitted
    // The calling thread's read-only connection to the archive.
    std::function<storage::Database&()> reader;
    // True when the request carries the API's bearer token (or none is needed).
    std::function<bool(const http::Request&)> bearer_authorised;
    // {"outbox_pending","destinations":[…]} as /healthz gives them; throws when unavailable.
    std::function<nlohmann::json()> health;
};

class Dashboard {
public:
    explicit Dashboard(DashboardOptions options);

    // Adds the routes above to `routes`. The Dashboard must outlive the table's use.
    void add_routes(http::RouteTable& routes);

    // Called after each committed batch (on the ingest's writer thread): feeds the live updates.
    void committed(const std::vector<pipeline::HandledEvent>& handled, const std::vector<meme::Event>& events);

private:
    bool admitted(const http::Request& req) const;
    std::optional<http::Response> refuse_unadmitted(const http::Request& req) const;
    http::Response page(const http::Request& req) const;
    http::Response asset(const http::Request& req) const;
    http::Response login(const http::Request& req) const;
    http::Response logout(const http::Request& req) const;
    http::Response overview(const http::Request& req) const;
    http::Response runs(const http::Request& req) const;
    http::Response run(const http::Request& req) const;
    http::Response versions(const http::Request& req) const;
    http::Response confusion_list(const http::Request& req) const;
    http::Response confusion(const http::Request& req) const;
    http::Response updates(const http::Request& req) const;
    http::Response stream(const http::Request& req);
    // Adds one route whose `handler` (a member function taking the request) answers at once.
    template <typename Handler>
    void add(http::RouteTable& routes, std::string method, std::string path, Handler handler, bool api);

    DashboardOptions m_options;
    ChangeFeed m_feed;
};

}  // namespace memeops::bot::dashboard
