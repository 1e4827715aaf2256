// Webhooks as GitHub and GitLab really send them, against a real `memeops serve` on loopback:
// the providers' published payloads (fixtures/webhooks/SOURCES.md), over real HTTP.
#include <catch2/catch.hpp>
#include <httplib.h>

#include <map>
#include <string>
#include <vector>

#include "storage/archive.hpp"
#include "test_support.hpp"
#include "webhook_support.hpp"

using namespace memeops;
using nlohmann::json;
using test::github_headers;
using test::webhook_fixture;

namespace {

const std::string k_gitlab_token = "gitlab-t0ken";

// `memeops serve` with both webhook secrets over a fresh archive; memes go to the console.
class WebhookBot {
public:
    explicit WebhookBot(const std::map<std::string, std::string>& settings = {})
        : m_serve(m_dir, environment(settings), "webhooks") {}

    int port() const { return m_serve.port(); }
    httplib::Client client() const {
        httplib::Client c("127.0.0.1", m_serve.port());
        c.set_read_timeout(30);
        return c;
    }
    // POSTs a fixture of github/ as GitHub delivers `event`, signed, with delivery id `delivery`.
    httplib::Result github(const std::string& event, const std::string& delivery, const std::string& file) const {
        std::string body = webhook_fixture("github/" + file);
        return client().Post("/webhooks/github", github_headers(event, delivery, body), body, "application/json");
    }
    // POSTs a fixture of gitlab/ as GitLab delivers `event` ("Pipeline Hook"), with event UUID `uuid`.
    httplib::Result gitlab(const std::string& event, const std::string& uuid, const std::string& file) const {
        httplib::Headers headers{{"X-Gitlab-Event", event}, {"X-Gitlab-Token", k_gitlab_token}, {"X-Gitlab-Event-UUID", uuid}};
        return client().Post("/webhooks/gitlab", headers, webhook_fixture("gitlab/" + file), "application/json");
    }
    // Every CI meme archived, oldest first.
    std::vector<storage::Meme> memes() const {
        std::vector<storage::Meme> all;
        for (const auto& entry : storage::Archive::open(m_dir.file("archive.db"))->history({.kind = storage::EntryKind::ci}))
            all.insert(all.begin(), entry.memes.begin(), entry.memes.end());
        return all;
    }

private:
    std::map<std::string, std::string> environment(std::map<std::string, std::string> settings) const {
        settings.insert({{"MEMEOPS_DB", m_dir.file("archive.db")},
                         {"HOME", m_dir.path().string()},
                         {"MEMEOPS_GITHUB_SECRET", test::k_github_secret},
                         {"MEMEOPS_GITLAB_TOKEN", k_gitlab_token}});
        return settings;
    }

    test::TempDir m_dir;
    test::ServeProcess m_serve;
};

json body_of(const httplib::Result& r) { return json::parse(r->body, nullptr, false); }

const std::string k_run_url = "https://github.com/octo-org/octo-repo/actions/runs/289782451";
const std::string k_gitlab_test = "http://192.168.64.1:3005/gitlab-org/gitlab-test";

}  // namespace

TEST_CASE("webhooks: a GitHub Actions run posts once, from its workflow_run, and its check_suite is ignored") {
    WebhookBot bot;
    CHECK(bot.github("check_suite", "d-1", "check_suite.completed.github-actions.json")->status == 204);
    REQUIRE(bot.github("workflow_run", "d-2", "workflow_run.completed.failure.json")->status == 202);
    CHECK(bot.github("check_suite", "d-3", "check_suite.completed.other-app.json")->status == 204);  // not configured
    auto memes = bot.memes();
    REQUIRE(memes.size() == 1);
    CHECK(memes[0].reaction == "ci.failed");
    CHECK_THAT(memes[0].caption_en, Catch::Contains(k_run_url));
}

TEST_CASE("webhooks: check suites of other apps post only when MEMEOPS_GITHUB_CHECK_APPS names them") {
    WebhookBot bot(std::map<std::string, std::string>{{"MEMEOPS_GITHUB_CHECK_APPS", "github-actions, octocoders-linter"}});
    CHECK(bot.github("check_suite", "d-1", "check_suite.completed.github-actions.json")->status == 204);  // never
    REQUIRE(bot.github("check_suite", "d-2", "check_suite.completed.other-app.json")->status == 202);
    auto memes = bot.memes();
    REQUIRE(memes.size() == 1);
    CHECK(memes[0].reaction == "ci.passed");
    CHECK_THAT(memes[0].caption_en, Catch::Contains("octocoders-linter"));
    CHECK_THAT(memes[0].caption_en,
               Catch::Contains("https://github.com/Codertocat/Hello-World/commit/ec26c3e57ca3a959ca5aad62de7213c562f8c821/checks"));
}

TEST_CASE("webhooks: GitHub's form content type is read from its payload field and signed over the raw body") {
    WebhookBot bot;
    const std::string form_type = "application/x-www-form-urlencoded";
    std::string form = webhook_fixture("github/workflow_run.completed.failure.form");
    REQUIRE(form.size() > 8192);
    std::string json_body = webhook_fixture("github/workflow_run.completed.failure.json");
    auto post = [&](const std::string& body, const httplib::Headers& headers) {
        return bot.client().Post("/webhooks/github", headers, body, form_type.c_str());
    };
    CHECK(post(form, github_headers("workflow_run", "d-1", json_body))->status == 401);  // signed: the raw body, not its JSON
    auto accepted = post(form, github_headers("workflow_run", "d-1", form));
    REQUIRE(accepted->status == 202);
    CHECK(body_of(accepted)["accepted"] == 1);

    // A small one (under cpp-httplib's 8 KB form limit): the run's fields GitHub sends, trimmed.
    auto full = json::parse(webhook_fixture("github/workflow_run.completed.json"));
    json run = full["workflow_run"];
    json small{{"action", "completed"},
               {"workflow_run", {{"id", run["id"]}, {"run_attempt", run["run_attempt"]}, {"name", "small form"},
                                 {"conclusion", "success"}, {"head_branch", run["head_branch"]},
                                 {"html_url", run["html_url"]}}},
               {"repository", {{"html_url", full["repository"]["html_url"]}}}};
    std::string small_form = "payload=" + httplib::detail::encode_query_param(small.dump());
    REQUIRE(small_form.size() < 8192);
    CHECK(post(small_form, github_headers("workflow_run", "d-2", small_form))->status == 202);

    std::string no_payload = "config=%7B%7D";
    auto refused = post(no_payload, github_headers("workflow_run", "d-3", no_payload));
    CHECK(refused->status == 400);
    CHECK(body_of(refused)["error"] == "the form has no payload field");
    std::string not_json = "payload=%7Boops";
    CHECK(body_of(post(not_json, github_headers("workflow_run", "d-4", not_json)))["error"] ==
          "the form's payload field: not valid JSON (line 1, column 2)");
    std::string huge = "payload=" + std::string(1024 * 1024, 'a');
    std::string head = "POST /webhooks/github HTTP/1.1\r\nHost: x\r\nContent-Type: " + form_type +
                       "\r\nContent-Length: " + std::to_string(huge.size()) + "\r\n";
    for (const auto& [name, value] : github_headers("workflow_run", "d-5", huge)) head += name + ": " + value + "\r\n";
    auto too_big = test::raw_http(bot.port(), head + "\r\n" + huge);
    CHECK(too_big.status == 413);
    CHECK(json::parse(too_big.body, nullptr, false)["error"] == "the body is larger than 1 MiB");
    CHECK(bot.memes().size() == 2);  // refused deliveries archived nothing
}

TEST_CASE("webhooks: the same run through two hooks posts once, another attempt or status posts again") {
    WebhookBot bot;
    REQUIRE(body_of(bot.github("workflow_run", "repo-hook-1", "workflow_run.completed.failure.json"))["accepted"] == 1);
    auto org_hook = bot.github("workflow_run", "org-hook-1", "workflow_run.completed.failure.json");
    CHECK(org_hook->status == 202);
    CHECK(body_of(org_hook)["duplicates"] == 1);
    CHECK(body_of(bot.github("workflow_run", "repo-hook-1", "workflow_run.completed.failure.json"))["duplicates"] == 1);
    CHECK(body_of(bot.github("workflow_run", "repo-hook-2", "workflow_run.completed.failure.attempt-2.json"))["accepted"] == 1);
    CHECK(body_of(bot.github("workflow_run", "repo-hook-3", "workflow_run.completed.json"))["accepted"] == 1);

    REQUIRE(body_of(bot.gitlab("Pipeline Hook", "project-hook", "pipeline-event.no-url.failed.json"))["accepted"] == 1);
    CHECK(body_of(bot.gitlab("Pipeline Hook", "group-hook", "pipeline-event.no-url.failed.json"))["duplicates"] == 1);
    std::vector<std::string> reactions;
    for (const auto& meme : bot.memes()) reactions.push_back(meme.reaction);
    CHECK(reactions == std::vector<std::string>{"ci.failed", "ci.failed", "ci.fixed", "ci.failed"});
}

TEST_CASE("webhooks: ci.passed and ci.fixed carry the run's link") {
    WebhookBot bot;
    REQUIRE(bot.github("workflow_run", "d-1", "workflow_run.completed.failure.json")->status == 202);
    REQUIRE(bot.github("workflow_run", "d-2", "workflow_run.completed.json")->status == 202);
    REQUIRE(bot.gitlab("Pipeline Hook", "u-1", "pipeline-event.json")->status == 202);
    auto memes = bot.memes();
    REQUIRE(memes.size() == 3);
    CHECK(memes[1].reaction == "ci.fixed");
    CHECK(memes[2].reaction == "ci.passed");
    for (const auto& caption : {memes[1].caption, memes[1].caption_en}) CHECK_THAT(caption, Catch::Contains(k_run_url));
    for (const auto& caption : {memes[2].caption, memes[2].caption_en})
        CHECK_THAT(caption, Catch::Contains("http://example.com/gitlab-org/gitlab-test/-/pipelines/31"));
}

TEST_CASE("webhooks: GitLab without a URL links to the project's pipeline or job page and names the pipeline by its source") {
    WebhookBot bot;
    REQUIRE(bot.gitlab("Pipeline Hook", "u-1", "pipeline-event.no-url.failed.json")->status == 202);
    REQUIRE(bot.gitlab("Pipeline Hook", "u-2", "pipeline-event.no-url.json")->status == 202);
    REQUIRE(bot.gitlab("Job Hook", "u-3", "build-event.no-project.failed.json")->status == 202);
    auto memes = bot.memes();
    REQUIRE(memes.size() == 3);
    CHECK(memes[0].reaction == "ci.failed");
    CHECK(memes[1].reaction == "ci.fixed");
    for (int i : {0, 1}) {
        CHECK_THAT(memes[i].caption_en, Catch::Contains(k_gitlab_test + "/-/pipelines/31"));
        CHECK_THAT(memes[i].caption_en, Catch::Contains("merge_request_event pipeline"));
    }
    CHECK(memes[2].reaction == "ci.failed");
    CHECK_THAT(memes[2].caption_en, Catch::Contains(k_gitlab_test + "/-/jobs/1977"));
}

TEST_CASE("webhooks: GitLab child pipelines and jobs allowed to fail post nothing") {
    WebhookBot bot;
    REQUIRE(bot.gitlab("Pipeline Hook", "u-1", "pipeline-event.no-url.failed.json")->status == 202);
    CHECK(bot.gitlab("Pipeline Hook", "u-2", "pipeline-event.child-failed.json")->status == 204);
    CHECK(bot.gitlab("Job Hook", "u-3", "job-event.allow-failure.json")->status == 204);
    REQUIRE(bot.gitlab("Job Hook", "u-4", "job-event.failed.json")->status == 202);  // the same job, not allowed to fail
    auto memes = bot.memes();
    REQUIRE(memes.size() == 2);
    CHECK_THAT(memes[1].caption_en, Catch::Contains("publish-badge"));
    CHECK_THAT(memes[1].caption_en, Catch::Contains("https://gitlab.com/android-team/dispatcher-app/-/jobs/473579"));
}

TEST_CASE("webhooks: other methods answer 405 with Allow: POST, and the connection stays usable") {
    WebhookBot bot;
    auto client = bot.client();
    client.set_keep_alive(true);
    for (const char* path : {"/webhooks/github", "/webhooks/gitlab"}) {
        auto got = client.Get(path);
        REQUIRE(got);
        CHECK(got->status == 405);
        CHECK(got->get_header_value("Allow") == "POST");
        CHECK(body_of(got)["error"] == "GET is not allowed here: use POST");
        auto put = client.Put(path, "{\"a\":1}", "application/json");
        REQUIRE(put);
        CHECK(put->status == 405);
        CHECK(put->get_header_value("Allow") == "POST");
    }
    CHECK(client.Get("/webhooks/bitbucket")->status == 404);
    std::string ping = webhook_fixture("github/ping.json");
    auto after = client.Post("/webhooks/github", github_headers("ping", "d-1", ping), ping, "application/json");
    REQUIRE(after);
    CHECK(after->status == 200);
}
