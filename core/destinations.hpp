// Where memes go: Slack and Discord webhooks from the environment or the --config file, or the
// console when none is configured. A destination's URL is a secret: it is kept here to send to,
// and only ever shown through redact_url().
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/settings.hpp"

namespace memeops::core {

enum class DestinationType { slack, discord, console };

std::string to_string(DestinationType type);

struct Destination {
    std::string name;  // "slack", "slack-2", "discord", or the config's "name"
    DestinationType type = DestinationType::console;
    std::string url;             // empty for the console
    int min_priority = 3;        // accepts P0 … P<min_priority>
    std::vector<std::string> reactions;  // globs like "training.*"; empty accepts all

    // Whether a meme of `reaction` at `priority` (0 = P0) is routed here.
    bool accepts(const std::string& reaction, int priority) const;

    // The destination's identity, which queued memes are bound to (contract §2): the type and
    // a fingerprint of the URL, "slack:<16 hex of sha256(url)>", never the name, so renaming a
    // destination keeps its memes and pointing a name at another URL never re-routes them.
    // The console has no URL: "console". Non-reversible: safe to store and show.
    std::string key() const;
};

// The configured destinations: MEMEOPS_SLACK_WEBHOOK and MEMEOPS_DISCORD_WEBHOOK (comma-separated
// URLs), then the config file's "destinations"; the console alone when there are none.
// Throws Fatal for a malformed config destination (core/config_file.hpp: the file, the line and
// the key, like destinations[1].url) and for a URL, in the environment or the file, that is not
// an http or https URL with a host (core/url.hpp): checked here, where they are loaded, never
// left to fail at every delivery.
std::vector<Destination> configured_destinations(const Settings& settings);

// The keys (Destination::key) of the destinations that accept a meme of `reaction` at
// `priority`, in order, each once (two names for one URL are one destination).
std::vector<std::string> routes_for(const std::vector<Destination>& destinations, const std::string& reaction,
                                    int priority);

// "https://hooks.slack.com/services/T0/B0/XYZ" → "https://hooks.slack.com/…": scheme and host
// only, never the path, query or credentials that carry the secret.
std::string redact_url(const std::string& url);

}  // namespace memeops::core
