// GitHub and GitLab webhooks (contract §4): checking who sent them and turning the deliveries
// worth a reaction into ci.pipeline events. Pure: the server does the HTTP.
//
// GitHub: a completed workflow_run becomes ci.pipeline (GitHub Actions runs are taken from
// workflow_run only: the check_suite GitHub Actions completes for the same run is ignored); a
// failed workflow_job becomes a ci.pipeline failure named "<workflow> / <job>" (so it reacts as
// ci.failed naming the job); a completed check_suite becomes ci.pipeline only for the apps the
// options name. GitLab: a finished Pipeline Hook becomes ci.pipeline, except child pipelines
// (their parent reports the outcome); a failed Job Hook becomes a failure named after the job,
// except jobs allowed to fail. Everything else is acknowledged and ignored.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.hpp"

namespace memeops::bot {

// The app whose check suites are GitHub Actions runs, reported by workflow_run instead.
inline constexpr std::string_view k_github_actions_app = "github-actions";

// A delivery worth a reaction.
struct WebhookEvent {
    nlohmann::json event;  // a ci.pipeline event (contract §3); links always set when derivable
    // What happened, whoever delivered it: provider, run (or job) id, attempt and status. The
    // same run's same outcome sent through two hooks (a repo's and its organisation's) has the
    // same occurrence and different delivery ids.
    std::string occurrence;
};

// True when `header` (X-Hub-Signature-256, "sha256=<hex>") is the HMAC-SHA256 of `body` under
// `secret`; compared in constant time.
bool github_signature_valid(std::string_view secret, std::string_view body, std::string_view header);

// True when the X-Gitlab-Token `header` equals `token`; compared in constant time.
bool gitlab_token_valid(std::string_view token, std::string_view header);

// The JSON document a webhook body carries: the body itself, or, for GitHub's "form" content
// type (application/x-www-form-urlencoded), its url-decoded `payload` field, read by
// core::parse_json (so nested at most 64 levels). The error says why there is no document.
core::ParsedJson webhook_document(const std::string& body, const std::string& content_type);

// The event of a GitHub delivery (`event` is X-GitHub-Event), or nullopt when it is not one to
// react to. `check_apps`: slugs of the GitHub Apps whose check_suite completions post
// (MEMEOPS_GITHUB_CHECK_APPS); github-actions is never one of them.
std::optional<WebhookEvent> github_event(const std::string& event, const nlohmann::json& payload,
                                         const std::vector<std::string>& check_apps = {});

// The event of a GitLab delivery (`event` is X-Gitlab-Event), or nullopt.
std::optional<WebhookEvent> gitlab_event(const std::string& event, const nlohmann::json& payload);

}  // namespace memeops::bot
