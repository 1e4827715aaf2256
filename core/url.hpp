// The one rule for what MemeOps takes as a URL to send to (webhooks, the bot): absolute http or
// https with a host, an optional port, no credentials. Config files are checked with it when
// they are loaded, so a URL the sender would refuse never waits in the outbox.
#pragma once

#include <optional>
#include <string>

namespace memeops::core {

struct Url {
    std::string scheme;  // "http" or "https"
    std::string host;
    int port = 0;
    std::string target;  // path and query: "/services/T0/B0/XYZ?wait=true"
};

// Parses an absolute http(s) URL; nullopt for anything else.
std::optional<Url> parse_url(const std::string& text);

}  // namespace memeops::core
