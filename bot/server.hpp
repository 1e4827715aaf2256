// `memeops serve`: the bot's HTTP API (contract §4) on cpp-httplib, with the durable ingest
// queue behind POST /v1/events and the webhooks, and the delivery workers sending the outbox.
//
//   POST /v1/events, /memeify   events (one or an array of up to 1000) → 202 once committed
//   POST /webhooks/github       X-Hub-Signature-256 checked over the raw body (JSON or GitHub's
//                               form type), deduplicated by X-GitHub-Delivery and by run
//   POST /webhooks/gitlab       X-Gitlab-Token checked, deduplicated by X-Gitlab-Event-UUID and by run
//   GET  /v1/history, /v1/search?q=, /v1/entries/{ref}   the CLI's --json shapes
//   GET  /healthz, /metrics
//
// Bodies over 1 MiB get 413; /v1 routes need "Authorization: Bearer <MEMEOPS_TOKEN>" when a
// token is set; a webhook route without its secret answers 404 before reading the body; a route
// asked with another method answers 405 with Allow.
#pragma once

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "bot/ingest_queue.hpp"
#include "bot/server_metrics.hpp"
#include "delivery/dispatcher.hpp"

namespace httplib {
class Server;
struct Request;
struct Response;
class ContentReader;
}  // namespace httplib

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
    int http_threads = 32;  // connections served at once; most of their time is spent waiting
    int timeout_s = 10;     // read and write timeouts of a connection
    delivery::DelivererOptions delivery;
};

inline constexpr size_t k_max_body_bytes = 1024 * 1024;

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

private:
    void routes();
    // Answers every other method on `pattern` with 405 and "Allow: <allowed>", without reading a body.
    void refuse_other_methods(const std::string& pattern, const std::string& allowed);
    bool authorised(const httplib::Request& req, httplib::Response& res) const;
    void ingest(const httplib::Request& req, httplib::Response& res);
    void webhook(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& read,
                 const std::string& provider);
    void accept_events(std::vector<meme::Event> events, const std::string& key_source, httplib::Response& res);
    void history(const httplib::Request& req, httplib::Response& res);
    void search(const httplib::Request& req, httplib::Response& res);
    void entry(const httplib::Request& req, httplib::Response& res);
    void healthz(httplib::Response& res);
    void metrics(httplib::Response& res);
    void committed(const std::vector<pipeline::HandledEvent>& handled, const std::vector<meme::Event>& events);
    storage::Archive& reader();

    ServerOptions m_options;
    std::ostream& m_console;
    ServerMetrics m_metrics;
    std::unique_ptr<httplib::Server> m_http;
    std::unique_ptr<IngestQueue> m_ingest;
    std::unique_ptr<delivery::Dispatcher> m_dispatcher;
};

}  // namespace memeops::bot
