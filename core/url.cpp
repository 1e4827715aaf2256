#include "core/url.hpp"

#include "core/text.hpp"

namespace memeops::core {
namespace {

std::optional<int> parse_port(const std::string& text) {
    if (text.empty() || text.size() > 5 || text.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    int port = std::stoi(text);
    if (port < 1 || port > 65535) return std::nullopt;
    return port;
}

}  // namespace

std::optional<Url> parse_url(const std::string& text) {
    Url url;
    size_t scheme_end = text.find("://");
    if (scheme_end == std::string::npos) return std::nullopt;
    url.scheme = core::ascii_lower(text.substr(0, scheme_end));
    if (url.scheme != "http" && url.scheme != "https") return std::nullopt;
    size_t authority_start = scheme_end + 3;
    size_t path_start = text.find_first_of("/?", authority_start);
    std::string authority = text.substr(authority_start, path_start - authority_start);
    url.target = path_start == std::string::npos ? "/" : text.substr(path_start);
    if (url.target[0] == '?') url.target = "/" + url.target;
    if (authority.empty() || authority.find('@') != std::string::npos) return std::nullopt;
    size_t colon = authority.rfind(':');
    bool bracketed = authority[0] == '[';
    if (colon != std::string::npos && (!bracketed || authority.find(']') < colon)) {
        auto port = parse_port(authority.substr(colon + 1));
        if (!port) return std::nullopt;
        url.port = *port;
        authority = authority.substr(0, colon);
    } else {
        url.port = url.scheme == "https" ? 443 : 80;
    }
    url.host = bracketed ? authority.substr(1, authority.size() - 2) : authority;
    if (url.host.empty()) return std::nullopt;
    return url;
}

}  // namespace memeops::core
