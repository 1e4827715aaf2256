#include "bot/http/routes.hpp"

namespace memeops::bot::http {

void RouteTable::add(Route route) { m_routes.push_back(std::move(route)); }

bool RouteTable::path_matches(const Route& route, const std::string& path) const {
    if (!route.prefix) return path == route.path;
    return path.size() > route.path.size() && path.starts_with(route.path);
}

const Route* RouteTable::match(Request& req, Response& refusal) const {
    std::string method = req.method == "HEAD" ? "GET" : req.method;
    std::string allowed;
    for (const auto& route : m_routes) {
        if (!path_matches(route, req.path)) continue;
        if (route.method == method) {
            if (route.prefix) req.captures = {req.path.substr(route.path.size())};
            return &route;
        }
        if (allowed.find(route.method) == std::string::npos) allowed += (allowed.empty() ? "" : ", ") + route.method;
    }
    if (allowed.empty()) {
        refusal = error_response(404, "no such route: " + req.path);
        return nullptr;
    }
    refusal = error_response(405, req.method + " is not allowed here: use " + allowed, "method");
    refusal.headers.emplace_back("Allow", allowed);
    return nullptr;
}

}  // namespace memeops::bot::http
