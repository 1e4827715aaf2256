#include "bot/http/message.hpp"

#include <strings.h>

namespace memeops::bot::http {

bool CaseInsensitiveLess::operator()(const std::string& a, const std::string& b) const {
    return strcasecmp(a.c_str(), b.c_str()) < 0;
}

std::string Request::header(const std::string& name) const {
    auto found = headers.find(name);
    return found == headers.end() ? std::string() : found->second;
}

std::optional<std::string> Request::param(const std::string& name) const {
    auto found = query.find(name);
    if (found == query.end()) return std::nullopt;
    return found->second;
}

Response json_response(int status, const nlohmann::json& body) {
    Response res;
    res.status = status;
    res.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return res;
}

Response error_response(int status, const std::string& message, const std::string& field) {
    nlohmann::json body{{"error", message}};
    if (!field.empty()) body["field"] = field;
    return json_response(status, body);
}

}  // namespace memeops::bot::http
