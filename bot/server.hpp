// `memeops serve`: the bot's HTTP API (contract §4) on bot/http's transport, with the durable ingest
// queue behind POST /v1/events and the webhooks, and the delivery workers sending the outbox.
//
//   POST /v1/events, /memeify   events (one or an array of up to 1000) → 202 once committed
//   POST /webhooks/github       X-Hub-Signature-256 checked over the raw body (JSON or GitHub's
//                               form type), deduplicated by X-GitHub-Delivery and by run
//   POST /webhooks/gitlab       X-Gitlab-Token checked, deduplicated by X-Gitlab-Event-UUID and by run
//   GET  /v1/history, /v1/search?q=, /v1/entries/{ref}   the CLI's --json shapes
//   GET  /v1/memes/<id>-<signature>.png   a meme's card, for Slack image blocks (no token: signed)
//   GET  /healthz, /metrics
//   GET  /, /v1/dash/…           the web dashboard and its JSON (bot/dashboard/dashboard.hpp)
//
// Every route has the limits of bot/http/limits.hpp (1 MiB bodies however framed, no compressed
// bodies, capped heads, slow and idle clients timed out); /v1 routes need "Authorization: Bearer
// <MEMEOPS_TOKEN>" when a token is set; a webhook route without its secret answers 404 before
// reading the body; a route asked with another method answers 405 with Allow. Without the
// token (when one is set), /healthz says only ok or unhealthy and /metrics names no destination.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "bot/dashboard/dashboard.hpp"
#include "bot/ingest_queue.hpp"
#include "bot/server_metrics.hpp"
#include "delivery/dispatcher.hpp"

#include "bot/http/limits.hpp"
#include "bot/http/routes.hpp"
#include "bot/http/transport.hpp"

namespace memeops::bot {

struct ServerOptions {
    std::string host = "127.0.0.1";
    int port = 8088;  // 0: any free port (tests)
    std::string archive_path;
    std::vector<core::Destination> destinations;
    meme::DetectorThresholds thresholds;
    std::optional<std::string> token;          // MEMEOPS_TOKEN
    std::optional<std::string> github_secret;  // MEMEOPS_GITHUB_SECRET
    std::optional<std::string> gitlab_token;   // MEMEOPS_GITLAB_TOKEN
    std::vector<std::string> github_check_apps;  // MEMEOPS_GITHUB_CHECK_APPS: apps whose check suites post
    int scale_factor = 1;                      // MEME_SCALE_FACTOR
    http::Limits limits;  // of every request and connection
    delivery::DelivererOptions delivery;
};

// True for 127.0.0.1 and the rest of 127/8, ::1 and "localhost".
bool is_loopback(const std::string& host);

class Server {
public:
    // Checks the options and opens the archive (throws core::Fatal with a clear reason: a
    // non-loopback address without a token, an archive that cannot be opened).
    Server(ServerOptions options, std::ostream& console);
    ~Server();

    // Binds the address, alone: a port another process listens on is refused, never shared.
    // Returns the port (the chosen one for port 0). Throws core::Fatal ("serve", "cannot listen
    // on ADDR:PORT : address already in use").
    int bind();
    // Serves until stop(); then lets in-flight requests and sends finish, leaving the rest queued.
    void run();
    // Safe from any thread (a signal-waiting thread calls it on SIGTERM and SIGINT).
    void stop();
    // True when run() returned because the archive file was deleted or replaced under the bot
    // (found after a commit, or by /healthz): the caller starts a new Server, which opens (or
    // creates) the archive now at the path, so nothing more is accepted into the lost file.
    bool archive_replaced() const { return m_archive_replaced; }

private:
    void routes();
    // A route of `handler`, which answers at once (everything but the ingest).
    http::Route route(std::string method, std::string path, http::Response (Server::*handler)(const http::Request&));
    bool authorised(const http::Request& req) const;
    // nullopt when `req` may use the API: no token is set, or it carries the token.
    std::optional<http::Response> refuse_unauthorised(const http::Request& req) const;
    std::optional<http::Response> refuse_unconfigured_webhook(const std::string& provider) const;
    void ingest(const http::Request& req, const http::Reply& reply);
    void webhook(const http::Request& req, const http::Reply& reply, const std::string& provider);
    void accept_events(std::vector<meme::Event> events, const std::string& key_source, const http::Reply& reply);
    http::Response history(const http::Request& req);
    http::Response search(const http::Request& req);
    http::Response entry(const http::Request& req);
    // GET /v1/memes/<id>-<signature>.png: the card, without the token but only with the right
    // signature (delivery/card_link.hpp); 404 for anything else, whatever was wrong.
    http::Response meme_card(const http::Request& req);
    http::Response healthz(const http::Request& req);
    http::Response metrics(const http::Request& req);
    // {"outbox_pending","destinations":[…]}: /healthz's detail, shown only with the token.
    // Throws when the archive cannot be read.
    nlohmann::json health_detail();
    void committed(const std::vector<pipeline::HandledEvent>& handled, const std::vector<meme::Event>& events);
    storage::Archive& reader();
    // Stops the server for archive_replaced() (once; logged).
    void archive_lost();

    ServerOptions m_options;
    std::ostream& m_console;
    ServerMetrics m_metrics;
    std::unique_ptr<dashboard::Dashboard> m_dashboard;  // before m_http and m_ingest: outlives their threads
    http::RouteTable m_routes;
    std::unique_ptr<http::Transport> m_http;
    std::unique_ptr<IngestQueue> m_ingest;
    std::unique_ptr<delivery::Dispatcher> m_dispatcher;
    std::atomic<bool> m_archive_replaced{false};
};

}  // namespace memeops::bot
