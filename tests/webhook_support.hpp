// Webhook deliveries for tests: the real payloads under fixtures/webhooks/ (SOURCES.md says where
// each came from) and the headers GitHub signs them with.
#pragma once

#include <httplib.h>

#include <string>

namespace memeops::test {

// GitHub's own test secret (its webhook docs), the one the signature tests use.
inline const std::string k_github_secret = "It's a Secret to Everybody";

// The bytes of fixtures/webhooks/<name> ("github/ping.json"), exactly as stored: signatures
// are computed over them. Fails the test when the file is missing.
std::string webhook_fixture(const std::string& name);

// The headers GitHub sends with a delivery of `event`: X-GitHub-Event, X-GitHub-Delivery and
// X-Hub-Signature-256 of `body` under `secret`.
httplib::Headers github_headers(const std::string& event, const std::string& delivery, const std::string& body,
                                const std::string& secret = k_github_secret);

}  // namespace memeops::test
