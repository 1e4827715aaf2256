#include "bot/webhooks.hpp"

#include "core/crypto.hpp"
#include "core/time.hpp"

namespace memeops::bot {
namespace {

using nlohmann::json;

// payload[a][b]… as a string, or "" when missing or not a string.
std::string text_at(const json& payload, std::initializer_list<const char*> path) {
    const json* at = &payload;
    for (const char* key : path) {
        if (!at->is_object() || !at->contains(key)) return "";
        at = &(*at)[key];
    }
    return at->is_string() ? at->get<std::string>() : "";
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

std::string github_repo(const json& payload) {
    return first_nonempty({text_at(payload, {"repository", "clone_url"}), text_at(payload, {"repository", "html_url"})});
}

std::optional<json> github_workflow_run(const json& payload) {
    const json& run = payload.at("workflow_run");
    json event = pipeline("github",
                          first_nonempty({text_at(run, {"name"}), text_at(payload, {"workflow", "name"}), text_at(run, {"path"})}),
                          first_nonempty({text_at(run, {"conclusion"}), "unknown"}));
    set_if(event, "branch", text_at(run, {"head_branch"}));
    set_if(event, "commit", text_at(run, {"head_sha"}));
    set_if(event, "url", text_at(run, {"html_url"}));
    set_if(event, "repo", github_repo(payload));
    if (auto d = seconds_between(text_at(run, {"run_started_at"}), text_at(run, {"updated_at"}))) event["duration_s"] = *d;
    return event;
}

std::optional<json> github_check_suite(const json& payload) {
    const json& suite = payload.at("check_suite");
    json event = pipeline("github", first_nonempty({text_at(suite, {"app", "name"}), "checks"}),
                          first_nonempty({text_at(suite, {"conclusion"}), "unknown"}));
    set_if(event, "branch", text_at(suite, {"head_branch"}));
    set_if(event, "commit", text_at(suite, {"head_sha"}));
    std::string repo_url = text_at(payload, {"repository", "html_url"});
    std::string sha = text_at(suite, {"head_sha"});
    if (!repo_url.empty() && !sha.empty()) event["url"] = repo_url + "/commit/" + sha + "/checks";
    set_if(event, "repo", github_repo(payload));
    return event;
}

std::optional<json> github_workflow_job(const json& payload) {
    const json& job = payload.at("workflow_job");
    std::string conclusion = text_at(job, {"conclusion"});
    if (conclusion != "failure" && conclusion != "timed_out" && conclusion != "startup_failure") return std::nullopt;
    std::string workflow = text_at(job, {"workflow_name"});
    std::string name = text_at(job, {"name"});
    json event = pipeline("github", workflow.empty() ? name : workflow + " / " + name, conclusion);
    set_if(event, "branch", text_at(job, {"head_branch"}));
    set_if(event, "commit", text_at(job, {"head_sha"}));
    set_if(event, "url", text_at(job, {"html_url"}));
    set_if(event, "repo", github_repo(payload));
    if (auto d = seconds_between(text_at(job, {"started_at"}), text_at(job, {"completed_at"}))) event["duration_s"] = *d;
    return event;
}

bool gitlab_finished(const std::string& status) {
    return status == "success" || status == "failed" || status == "canceled" || status == "skipped";
}

std::string gitlab_repo(const json& payload) {
    return first_nonempty({text_at(payload, {"project", "git_http_url"}), text_at(payload, {"repository", "git_http_url"}),
                           text_at(payload, {"project", "web_url"}), text_at(payload, {"repository", "homepage"})});
}

std::optional<json> gitlab_pipeline(const json& payload) {
    const json& attributes = payload.at("object_attributes");
    std::string status = text_at(attributes, {"status"});
    if (!gitlab_finished(status)) return std::nullopt;
    json event = pipeline("gitlab", first_nonempty({text_at(attributes, {"name"}), "pipeline"}), status);
    set_if(event, "branch", text_at(attributes, {"ref"}));
    set_if(event, "commit", text_at(attributes, {"sha"}));
    set_if(event, "url", text_at(attributes, {"url"}));
    set_if(event, "repo", gitlab_repo(payload));
    if (attributes.contains("duration") && attributes["duration"].is_number() && attributes["duration"].get<double>() >= 0)
        event["duration_s"] = attributes["duration"].get<double>();
    return event;
}

std::optional<json> gitlab_job(const json& payload) {
    std::string status = first_nonempty({text_at(payload, {"build_status"}), text_at(payload, {"job_status"})});
    if (status != "failed") return std::nullopt;
    std::string name = first_nonempty({text_at(payload, {"build_name"}), text_at(payload, {"job_name"}), "job"});
    json event = pipeline("gitlab", name, status);
    set_if(event, "branch", text_at(payload, {"ref"}));
    set_if(event, "commit", text_at(payload, {"sha"}));
    set_if(event, "repo", gitlab_repo(payload));
    std::string reason = first_nonempty({text_at(payload, {"build_failure_reason"}), text_at(payload, {"job_failure_reason"})});
    set_if(event, "text", reason);
    if (payload.contains("build_duration") && payload["build_duration"].is_number())
        event["duration_s"] = std::max(0.0, payload["build_duration"].get<double>());
    return event;
}

}  // namespace

bool github_signature_valid(std::string_view secret, std::string_view body, std::string_view header) {
    std::string expected = "sha256=" + core::hmac_sha256_hex(secret, body);
    return core::constant_time_equal(expected, header);
}

bool gitlab_token_valid(std::string_view token, std::string_view header) {
    return !token.empty() && core::constant_time_equal(token, header);
}

std::optional<nlohmann::json> github_event(const std::string& event, const nlohmann::json& payload) {
    if (!payload.is_object() || text_at(payload, {"action"}) != "completed") return std::nullopt;
    if (event == "workflow_run" && payload.contains("workflow_run")) return github_workflow_run(payload);
    if (event == "check_suite" && payload.contains("check_suite")) return github_check_suite(payload);
    if (event == "workflow_job" && payload.contains("workflow_job")) return github_workflow_job(payload);
    return std::nullopt;
}

std::optional<nlohmann::json> gitlab_event(const std::string& event, const nlohmann::json& payload) {
    if (!payload.is_object()) return std::nullopt;
    std::string kind = text_at(payload, {"object_kind"});
    if ((event == "Pipeline Hook" || kind == "pipeline") && payload.contains("object_attributes")) return gitlab_pipeline(payload);
    if (event == "Job Hook" || kind == "build" || kind == "job") return gitlab_job(payload);
    return std::nullopt;
}

}  // namespace memeops::bot
