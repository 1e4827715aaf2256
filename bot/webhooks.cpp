#include "bot/webhooks.hpp"

#include "core/json.hpp"

#include <httplib.h>

#include <algorithm>

#include "core/crypto.hpp"
#include "core/text.hpp"
#include "core/time.hpp"

namespace memeops::bot {
namespace {

using nlohmann::json;

const json* value_at(const json& payload, std::initializer_list<const char*> path) {
    const json* at = &payload;
    for (const char* key : path) {
        if (!at->is_object() || !at->contains(key)) return nullptr;
        at = &(*at)[key];
    }
    return at;
}

// payload[a][b]… as a string, or "" when missing or not a string.
std::string text_at(const json& payload, std::initializer_list<const char*> path) {
    const json* at = value_at(payload, path);
    return at && at->is_string() ? at->get<std::string>() : "";
}

// payload[a][b]… as an id: an integer in decimal, or a string as it is; "" otherwise.
std::string id_at(const json& payload, std::initializer_list<const char*> path) {
    const json* at = value_at(payload, path);
    if (at && (at->is_number_integer() || at->is_number_unsigned())) return at->dump();
    return at && at->is_string() ? at->get<std::string>() : "";
}

// True only for a JSON true at payload[a][b]….
bool flag_at(const json& payload, std::initializer_list<const char*> path) {
    const json* at = value_at(payload, path);
    return at && at->is_boolean() && at->get<bool>();
}

std::string first_nonempty(std::initializer_list<std::string> values) {
    for (const auto& v : values)
        if (!v.empty()) return v;
    return "";
}

// Seconds between two ISO-8601 times, when both parse and the second is not earlier.
std::optional<double> seconds_between(const std::string& start, const std::string& end) {
    auto a = core::parse_iso8601(start), b = core::parse_iso8601(end);
    if (!a || !b || *b < *a) return std::nullopt;
    return static_cast<double>(*b - *a) / 1000.0;
}

json pipeline(const std::string& provider, const std::string& name, const std::string& status) {
    return {{"kind", "ci.pipeline"}, {"provider", provider}, {"name", name.empty() ? "pipeline" : name},
            {"status", status}};
}

void set_if(json& event, const char* key, const std::string& value) {
    if (!value.empty()) event[key] = value;
}

// "<provider>:<what>/<id>#<attempt>:<status>": one outcome of one run, however many hooks send it.
std::string occurrence(const std::string& provider, const std::string& what, const std::string& id,
                       const std::string& attempt, const std::string& status) {
    return provider + ":" + what + "/" + id + "#" + first_nonempty({attempt, "1"}) + ":" + status;
}

std::string github_repo(const json& payload) {
    return first_nonempty({text_at(payload, {"repository", "clone_url"}), text_at(payload, {"repository", "html_url"})});
}

// The fields every GitHub mapping shares: where it ran and the link to it.
json github_pipeline(const json& payload, const json& subject, const std::string& name, const std::string& status,
                     const std::string& url) {
    json event = pipeline("github", name, status);
    set_if(event, "branch", text_at(subject, {"head_branch"}));
    set_if(event, "commit", text_at(subject, {"head_sha"}));
    set_if(event, "url", url);
    set_if(event, "repo", github_repo(payload));
    return event;
}

std::optional<WebhookEvent> github_workflow_run(const json& payload) {
    const json& run = payload.at("workflow_run");
    std::string name = first_nonempty({text_at(run, {"name"}), text_at(payload, {"workflow", "name"}), text_at(run, {"path"})});
    std::string status = first_nonempty({text_at(run, {"conclusion"}), "unknown"});
    json event = github_pipeline(payload, run, name, status, text_at(run, {"html_url"}));
    if (auto d = seconds_between(text_at(run, {"run_started_at"}), text_at(run, {"updated_at"}))) event["duration_s"] = *d;
    return WebhookEvent{event, occurrence("github", "workflow_run", id_at(run, {"id"}), id_at(run, {"run_attempt"}), status)};
}

// Only the check suites of the configured apps: GitHub Actions' own suite is the same run its
// workflow_run reports, and would post it a second time under the name "GitHub Actions".
std::optional<WebhookEvent> github_check_suite(const json& payload, const std::vector<std::string>& check_apps) {
    const json& suite = payload.at("check_suite");
    std::string app = text_at(suite, {"app", "slug"});
    if (app.empty() || app == k_github_actions_app || std::find(check_apps.begin(), check_apps.end(), app) == check_apps.end())
        return std::nullopt;
    std::string repo_url = text_at(payload, {"repository", "html_url"});
    std::string sha = text_at(suite, {"head_sha"});
    std::string url = repo_url.empty() || sha.empty() ? "" : repo_url + "/commit/" + sha + "/checks";
    std::string status = first_nonempty({text_at(suite, {"conclusion"}), "unknown"});
    json event = github_pipeline(payload, suite, first_nonempty({text_at(suite, {"app", "name"}), app}), status, url);
    // A re-requested suite keeps its id and completes again later.
    return WebhookEvent{event, occurrence("github", "check_suite", id_at(suite, {"id"}), text_at(suite, {"updated_at"}), status)};
}

std::optional<WebhookEvent> github_workflow_job(const json& payload) {
    const json& job = payload.at("workflow_job");
    std::string conclusion = text_at(job, {"conclusion"});
    if (conclusion != "failure" && conclusion != "timed_out" && conclusion != "startup_failure") return std::nullopt;
    std::string workflow = text_at(job, {"workflow_name"});
    std::string name = text_at(job, {"name"});
    json event = github_pipeline(payload, job, workflow.empty() ? name : workflow + " / " + name, conclusion,
                                 text_at(job, {"html_url"}));
    if (auto d = seconds_between(text_at(job, {"started_at"}), text_at(job, {"completed_at"}))) event["duration_s"] = *d;
    return WebhookEvent{event, occurrence("github", "workflow_job", id_at(job, {"id"}), id_at(job, {"run_attempt"}), conclusion)};
}

bool gitlab_finished(const std::string& status) {
    return status == "success" || status == "failed" || status == "canceled" || status == "skipped";
}

std::string gitlab_repo(const json& payload) {
    return first_nonempty({text_at(payload, {"project", "git_http_url"}), text_at(payload, {"repository", "git_http_url"}),
                           text_at(payload, {"project", "web_url"}), text_at(payload, {"repository", "homepage"})});
}

// The project's page for a pipeline or job ("pipelines", "jobs"): older GitLab sends no link.
std::string gitlab_link(const json& payload, const char* what, const std::string& id) {
    std::string project = first_nonempty({text_at(payload, {"project", "web_url"}), text_at(payload, {"repository", "homepage"})});
    if (project.empty() || id.empty()) return "";
    while (project.ends_with('/')) project.pop_back();
    return project + "/-/" + what + "/" + id;
}

// Its name; an unnamed pipeline is called after what started it ("push pipeline"), else its ref.
std::string gitlab_pipeline_name(const json& attributes) {
    std::string named = text_at(attributes, {"name"});
    if (!named.empty()) return named;
    std::string by = first_nonempty({text_at(attributes, {"source"}), text_at(attributes, {"ref"})});
    return by.empty() ? "" : by + " pipeline";
}

void set_gitlab_place(json& event, const json& payload, const json& subject, const char* commit_key) {
    set_if(event, "branch", text_at(subject, {"ref"}));
    set_if(event, "commit", text_at(subject, {commit_key}));
    set_if(event, "repo", gitlab_repo(payload));
}

// A child pipeline (source "parent_pipeline") is ignored: its parent reports the same outcome.
std::optional<WebhookEvent> gitlab_pipeline(const json& payload) {
    const json& attributes = payload.at("object_attributes");
    std::string status = text_at(attributes, {"status"});
    if (!gitlab_finished(status) || text_at(attributes, {"source"}) == "parent_pipeline") return std::nullopt;
    std::string id = id_at(attributes, {"id"});
    json event = pipeline("gitlab", gitlab_pipeline_name(attributes), status);
    set_gitlab_place(event, payload, attributes, "sha");
    set_if(event, "url", first_nonempty({text_at(attributes, {"url"}), gitlab_link(payload, "pipelines", id)}));
    if (attributes.contains("duration") && attributes["duration"].is_number() && attributes["duration"].get<double>() >= 0)
        event["duration_s"] = attributes["duration"].get<double>();
    // GitLab retries a pipeline in place: the same id finishes again, at another time.
    return WebhookEvent{event, occurrence("gitlab", "pipeline", id, text_at(attributes, {"finished_at"}), status)};
}

// A job allowed to fail does not fail its pipeline, so it is no failure to post.
std::optional<WebhookEvent> gitlab_job(const json& payload) {
    std::string status = first_nonempty({text_at(payload, {"build_status"}), text_at(payload, {"job_status"})});
    if (status != "failed" || flag_at(payload, {"build_allow_failure"}) || flag_at(payload, {"job_allow_failure"}))
        return std::nullopt;
    std::string name = first_nonempty({text_at(payload, {"build_name"}), text_at(payload, {"job_name"}), "job"});
    std::string id = first_nonempty({id_at(payload, {"build_id"}), id_at(payload, {"job_id"})});
    json event = pipeline("gitlab", name, status);
    set_gitlab_place(event, payload, payload, "sha");
    set_if(event, "url", gitlab_link(payload, "jobs", id));
    set_if(event, "text", first_nonempty({text_at(payload, {"build_failure_reason"}), text_at(payload, {"job_failure_reason"})}));
    if (payload.contains("build_duration") && payload["build_duration"].is_number())
        event["duration_s"] = std::max(0.0, payload["build_duration"].get<double>());
    return WebhookEvent{event, occurrence("gitlab", "job", id, id_at(payload, {"retries_count"}), status)};
}

}  // namespace

bool github_signature_valid(std::string_view secret, std::string_view body, std::string_view header) {
    std::string expected = "sha256=" + core::hmac_sha256_hex(secret, body);
    return core::constant_time_equal(expected, header);
}

bool gitlab_token_valid(std::string_view token, std::string_view header) {
    return !token.empty() && core::constant_time_equal(token, header);
}

core::ParsedJson webhook_document(const std::string& body, const std::string& content_type) {
    if (!core::ascii_lower(content_type).starts_with("application/x-www-form-urlencoded")) return core::parse_json(body);
    httplib::Params fields;
    httplib::detail::parse_query_text(body, fields);
    auto payload = fields.find("payload");
    if (payload == fields.end()) return {.error = core::JsonError{.problem = "the form has no payload field"}};
    auto doc = core::parse_json(payload->second);
    if (doc.error) doc.error->problem = "the form's payload field: " + doc.error->problem;
    return doc;
}

std::optional<WebhookEvent> github_event(const std::string& event, const nlohmann::json& payload,
                                         const std::vector<std::string>& check_apps) {
    if (!payload.is_object() || text_at(payload, {"action"}) != "completed") return std::nullopt;
    if (event == "workflow_run" && payload.contains("workflow_run")) return github_workflow_run(payload);
    if (event == "check_suite" && payload.contains("check_suite")) return github_check_suite(payload, check_apps);
    if (event == "workflow_job" && payload.contains("workflow_job")) return github_workflow_job(payload);
    return std::nullopt;
}

std::optional<WebhookEvent> gitlab_event(const std::string& event, const nlohmann::json& payload) {
    if (!payload.is_object()) return std::nullopt;
    std::string kind = text_at(payload, {"object_kind"});
    if ((event == "Pipeline Hook" || kind == "pipeline") && payload.contains("object_attributes")) return gitlab_pipeline(payload);
    if (event == "Job Hook" || kind == "build" || kind == "job") return gitlab_job(payload);
    return std::nullopt;
}

}  // namespace memeops::bot
