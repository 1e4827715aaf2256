// GitHub and GitLab webhooks (contract §4): checking who sent them and turning the deliveries
// worth a reaction into ci.pipeline events. Pure: the server does the HTTP.
//
// GitHub: workflow_run and check_suite completions become ci.pipeline; a failed workflow_job
// becomes a ci.pipeline failure named "<workflow> / <job>" (so it reacts as ci.failed naming the
// job). GitLab: a finished Pipeline Hook becomes ci.pipeline; a failed Job Hook becomes a
// failure named after the job. Everything else is acknowledged and ignored.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace memeops::bot {

// True when `header` (X-Hub-Signature-256, "sha256=<hex>") is the HMAC-SHA256 of `body` under
// `secret`; compared in constant time.
bool github_signature_valid(std::string_view secret, std::string_view body, std::string_view header);

// True when the X-Gitlab-Token `header` equals `token`; compared in constant time.
bool gitlab_token_valid(std::string_view token, std::string_view header);

// The ci.pipeline event of a GitHub delivery (`event` is X-GitHub-Event), or nullopt when it
// is not one to react to.
std::optional<nlohmann::json> github_event(const std::string& event, const nlohmann::json& payload);

// The ci.pipeline event of a GitLab delivery (`event` is X-Gitlab-Event), or nullopt.
std::optional<nlohmann::json> gitlab_event(const std::string& event, const nlohmann::json& payload);

}  // namespace memeops::bot
