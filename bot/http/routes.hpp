// The bot's route table: which handler answers a method and path, and the 404 or 405 (with
// Allow) everything else gets. Matching looks at the head only, so both are sent before a body
// is read.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "bot/http/message.hpp"

namespace memeops::bot::http {

struct Route {
    std::string method;  // "GET" (which also answers HEAD) or "POST"
    std::string path;    // the whole path, or its start when `prefix`
    bool prefix = false;  // "/v1/entries/" matches "/v1/entries/<ref>"; the rest becomes captures[0]
    bool takes_body = false;  // its body is read (limits.hpp) and handed over in Request::body
    // Checks on the head alone (a token, a configured secret): the refusal, or nullopt to go on.
    // Runs before the body is read. Empty: everyone is admitted.
    std::function<std::optional<Response>(const Request&)> admit;
    // Answers through `reply`, at once or later from another thread (message.hpp).
    std::function<void(Request&, Reply)> handle;
};

class RouteTable {
public:
    void add(Route route);

    // The route for `req`'s method and path (setting req.captures), or nullptr with `refusal`
    // set: 404 for an unknown path, 405 with "Allow" for a known path asked with another method.
    const Route* match(Request& req, Response& refusal) const;

private:
    bool path_matches(const Route& route, const std::string& path) const;

    std::vector<Route> m_routes;
};

}  // namespace memeops::bot::http
