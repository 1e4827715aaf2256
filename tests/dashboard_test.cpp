// The web dashboard served by `memeops serve`: its HTTP rules (access, cookie, CSRF, headers) on
// a real serve, and its pages in Debian's headless Chromium (tests/dashboard/browser_check.mjs)
// over an archive the real pipeline seeded through POST /v1/events.
#include <catch2/catch.hpp>
#include <httplib.h>

#include <cmath>
#include <filesystem>

#include "test_support.hpp"

using namespace memeops;
using nlohmann::json;

namespace {

const std::string k_token = "dash-t0ken-for-tests";
// User text that would run as script or make elements if it ever reached the page as markup.
const std::string k_run = "<img src=x onerror=alert('run')>-resnet";
const std::string k_repo = "acme/<script>alert('repo')</script>";
const std::string k_commit_message = "fix: <b class=xss onclick=alert(1)>bold</b> & <iframe src=x></iframe>";
const std::string k_version_message = "model: <img src=x onerror=alert('version')> wider head";
const std::string k_label = "<svg onload=alert('label')>cat";
const std::string k_chinese_label = "猫头鹰";
constexpr int k_epochs = 14;

std::filesystem::path build_dir() { return std::filesystem::path(MEMEOPS_BINARY).parent_path(); }

httplib::Client client(const test::ServeProcess& serve, const std::string& token = "") {
    httplib::Client c("127.0.0.1", serve.port());
    c.set_read_timeout(10, 0);
    if (!token.empty()) c.set_bearer_token_auth(token);
    return c;
}

void post(httplib::Client& c, const json& event) {
    auto res = c.Post("/v1/events", event.dump(), "application/json");
    REQUIRE(res);
    REQUIRE(res->status == 202);
}

// A run whose loss falls while val_loss climbs (an overfitting meme) and whose accuracy breaks
// 0.9 (a breakthrough meme), a failed pipeline and a commit, all with hostile names and text.
void seed(const test::ServeProcess& serve, const std::string& token = "") {
    auto c = client(serve, token);
    for (int e = 0; e < k_epochs; ++e) {
        double loss = 2.0 / (e + 1);
        double val_loss = loss + (e > 6 ? 0.3 : 0.0) + 0.05 * e;
        post(c, {{"kind", "training.epoch"}, {"run", k_run}, {"epoch", e},
                 {"metrics", {{"loss", loss}, {"val_loss", val_loss}, {"accuracy", std::min(0.99, 0.5 + 0.05 * e)}}}});
    }
    post(c, {{"kind", "ci.pipeline"}, {"name", "build"}, {"repo", k_repo}, {"branch", "main"}, {"status", "failure"}});
    post(c, {{"kind", "commit"}, {"repo", k_repo}, {"branch", "main"}, {"commit", test::fake_sha(7)},
             {"message", k_commit_message}, {"text", k_commit_message}});
}

// Two versions of k_repo: the run's model (training.end with its commit) and a tagged commit
// whose message is hostile; and one of another repository. Returns the run's commit.
std::string seed_versions(const test::ServeProcess& serve) {
    auto c = client(serve);
    std::string run_commit = test::fake_sha(8);
    post(c, {{"kind", "training.end"}, {"run", k_run}, {"status", "success"}, {"repo", k_repo}, {"commit", run_commit},
             {"metrics", {{"accuracy", 0.91}, {"loss", 0.2}}}});
    post(c, {{"kind", "commit"}, {"repo", k_repo}, {"branch", "main"}, {"commit", test::fake_sha(9)}, {"version", true},
             {"message", k_version_message}, {"text", k_version_message}, {"metrics", {{"accuracy", 0.94}, {"f1", 0.88}}}});
    post(c, {{"kind", "commit"}, {"repo", "acme/other"}, {"branch", "main"}, {"commit", test::fake_sha(10)},
             {"version", true}, {"message", "other model"}, {"text", "other model"}, {"metrics", {{"accuracy", 0.5}}}});
    return run_commit;
}

// A three-class matrix with a hostile label, then a two-class one (the newest). Returns their
// labels in that order.
std::vector<std::vector<std::string>> seed_confusion(const test::ServeProcess& serve) {
    auto c = client(serve);
    std::vector<std::string> three{k_label, "dog", k_chinese_label}, two{"negative", "positive"};
    post(c, {{"kind", "confusion.matrix"}, {"run", k_run}, {"labels", three},
             {"matrix", {{40, 8, 2}, {3, 30, 0}, {10, 5, 20}}}});
    post(c, {{"kind", "confusion.matrix"}, {"run", "binary-run"}, {"labels", two}, {"matrix", {{50, 10}, {5, 35}}}});
    return {three, two};
}

// Runs the browser checks with `plan`; returns what they printed.
std::string run_browser(json plan) {
    auto shots = build_dir() / "dashboard-screenshots";
    std::filesystem::create_directories(shots);
    plan["out"] = shots.string();
    plan["chromium"] = "/usr/bin/chromium";
    plan["xss"] = {k_run, k_repo, k_version_message, k_label};
    plan["run"] = k_run;
    plan["epochs"] = k_epochs;
    plan["chinese"] = k_chinese_label;
    test::TempDir dir;
    test::write_file(dir.file("plan.json"), plan.dump());
    auto result = test::run_process(std::string(MEMEOPS_SOURCE_DIR) + "/tests/dashboard/browser.sh",
                                    {(build_dir() / "dash-npm").string(), dir.file("plan.json")}, {}, 240);
    INFO(result.out << result.err);
    CHECK(result.out.find("FAIL") == std::string::npos);
    CHECK(result.code == 0);
    return result.out;
}

std::map<std::string, std::string> serve_env(const test::TempDir& dir, const std::string& token = "") {
    std::map<std::string, std::string> env{{"MEMEOPS_DB", dir.file("archive.db")}, {"HOME", dir.path().string()}};
    if (!token.empty()) env["MEMEOPS_TOKEN"] = token;
    return env;
}

// `text` with every byte but letters and digits as %XX, as a path segment.
std::string percent_encoded(const std::string& text) {
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c)) out += static_cast<char>(c);
        else out += "%" + std::string(1, "0123456789ABCDEF"[c >> 4]) + "0123456789ABCDEF"[c & 15];
    }
    return out;
}

std::string header(const httplib::Result& res, const std::string& name) {
    return res->has_header(name) ? res->get_header_value(name) : "";
}

}  // namespace

TEST_CASE("dashboard: pages and charts and live updates and escaping in headless Chromium", "[dashboard][browser][serial]") {
    test::TempDir dir;
    test::ServeProcess serve(dir, serve_env(dir), "dash");
    seed(serve);
    seed_versions(serve);
    seed_confusion(serve);
    std::string out = run_browser({{"url", "http://127.0.0.1:" + std::to_string(serve.port())}, {"mode", "open"}});
    CHECK(out.find("ok: versions compare shows both versions' metrics and their difference") != std::string::npos);
    CHECK(out.find("ok: the run page links to its version") != std::string::npos);
    CHECK(out.find("ok: the reset button shows every epoch again") != std::string::npos);
    CHECK(out.find("ok: ] pans a zoomed chart to later epochs") != std::string::npos);
    CHECK(out.find("ok: shift+drag to the right pans to earlier epochs and stops at the first") != std::string::npos);
    CHECK(out.find("ok: run at 390: a finger pans the zoomed chart") != std::string::npos);
    CHECK(out.find("ok: confusion at 390: the heat map fits without scrolling") != std::string::npos);
    CHECK(out.find("ok: confusion: hovering a cell shows its count, share, precision, recall and F1") != std::string::npos);
    CHECK(out.find("ok: search at 390: \"" + k_chinese_label + "\" finds its confusion matrix") != std::string::npos);
    CHECK(out.find("ok: hovering a meme marker shows its caption") != std::string::npos);
    CHECK(out.find("ok: a posted epoch appears on the open run page within 2 s") != std::string::npos);
    CHECK(out.find("ok: run at 390: no sideways scrolling of the page") != std::string::npos);
    for (const char* shot : {"overview", "runs", "run", "versions", "confusion", "search"})
        for (int width : {1280, 390})
            CHECK(std::filesystem::file_size(build_dir() / "dashboard-screenshots" /
                                             ("dashboard-" + std::string(shot) + "-" + std::to_string(width) + ".png")) > 10000);
}

TEST_CASE("dashboard: with MEMEOPS_TOKEN the browser must log in", "[dashboard][browser][serial]") {
    test::TempDir dir;
    test::ServeProcess serve(dir, serve_env(dir, k_token), "dash-login");
    seed(serve, k_token);
    std::string out = run_browser({{"url", "http://127.0.0.1:" + std::to_string(serve.port())},
                                   {"mode", "login"}, {"token", k_token}});
    CHECK(out.find("ok: the right token opens the dashboard") != std::string::npos);
}

TEST_CASE("dashboard: access and cookie and CSRF and security headers over HTTP", "[dashboard]") {
    test::TempDir dir;
    test::ServeProcess serve(dir, serve_env(dir, k_token), "dash-http");
    seed(serve, k_token);
    auto anonymous = client(serve);
    auto page = anonymous.Get("/");
    REQUIRE(page);
    CHECK(page->status == 303);
    CHECK(header(page, "Location") == "/login");
    CHECK(anonymous.Get("/v1/dash/runs")->status == 401);
    CHECK(anonymous.Get("/v1/dash/stream")->status == 401);  // no stream before the login either
    CHECK(anonymous.Get("/assets/dash.js")->status == 200);  // the login page needs it
    CHECK(anonymous.Get("/assets/index.html")->status == 404);
    CHECK(anonymous.Get("/assets/nothing.js")->status == 404);

    SECTION("the bearer token opens the JSON routes") {
        auto api = client(serve, k_token);
        auto runs = api.Get("/v1/dash/runs");
        REQUIRE(runs->status == 200);
        auto body = json::parse(runs->body);
        REQUIRE(body["runs"].size() == 1);
        CHECK(body["runs"][0]["run"] == k_run);
        CHECK(body["runs"][0]["epochs"] == k_epochs);
        CHECK(header(runs, "Content-Security-Policy") ==
              "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'");
        CHECK(api.Get("/v1/dash/runs/no-such-run")->status == 404);
        CHECK(api.Get("/v1/dash/updates?after=abc")->status == 400);
        auto overview = json::parse(api.Get("/v1/dash/overview")->body);
        CHECK(overview["ci"][0]["repo"] == k_repo);
        CHECK(overview["ci"][0]["outcome"] == "failed");
        CHECK(overview["health"]["destinations"].size() == 1);
    }
    SECTION("a login posted from this server's page sets a hardened cookie, which opens the JSON routes") {
        httplib::Headers https{{"Origin", "http://127.0.0.1:" + std::to_string(serve.port())}, {"X-Forwarded-Proto", "https"}};
        auto login = anonymous.Post("/login", https, "token=" + k_token, "application/x-www-form-urlencoded");
        REQUIRE(login);
        CHECK(login->status == 303);
        CHECK(header(login, "Location") == "/");
        std::string cookie = header(login, "Set-Cookie");
        CHECK(cookie.find("HttpOnly") != std::string::npos);
        CHECK(cookie.find("SameSite=Strict") != std::string::npos);
        CHECK(cookie.find("Secure") != std::string::npos);
        CHECK(cookie.find(k_token) == std::string::npos);
        std::string pair = cookie.substr(0, cookie.find(';'));
        auto runs = anonymous.Get("/v1/dash/runs", {{"Cookie", "other=1; " + pair}});
        CHECK(runs->status == 200);
        CHECK(anonymous.Get("/", {{"Cookie", pair}})->status == 200);
        auto plain = anonymous.Post("/login", "token=" + k_token, "application/x-www-form-urlencoded");
        CHECK(header(plain, "Set-Cookie").find("Secure") == std::string::npos);  // plain HTTP: no Secure
    }
    SECTION("a wrong token or another site's form gets no cookie") {
        auto wrong = anonymous.Post("/login", "token=guess", "application/x-www-form-urlencoded");
        CHECK(wrong->status == 303);
        CHECK(header(wrong, "Location") == "/login?failed=1");
        CHECK(header(wrong, "Set-Cookie").empty());
        auto forged = anonymous.Post("/login", {{"Origin", "http://evil.example"}}, "token=" + k_token,
                                     "application/x-www-form-urlencoded");
        CHECK(forged->status == 403);
        CHECK(header(forged, "Set-Cookie").empty());
        auto cross = anonymous.Post("/login", {{"Sec-Fetch-Site", "cross-site"}}, "token=" + k_token,
                                    "application/x-www-form-urlencoded");
        CHECK(cross->status == 403);
        CHECK(anonymous.Get("/v1/dash/runs", {{"Cookie", "memeops_session=" + std::string(64, '0')}})->status == 401);
    }
}

TEST_CASE("dashboard: open on loopback without a token and a run's memes sit at their epochs", "[dashboard]") {
    test::TempDir dir;
    test::ServeProcess serve(dir, serve_env(dir), "dash-open");
    seed(serve);
    auto c = client(serve);
    auto page = c.Get("/");
    REQUIRE(page->status == 200);
    CHECK(page->body.find("/assets/dash.js") != std::string::npos);
    CHECK(c.Get("/login")->status == 303);  // nothing to log in to
    auto run = json::parse(c.Get("/v1/dash/runs/" + percent_encoded(k_run))->body);
    REQUIRE(run["epochs"].size() == k_epochs);
    REQUIRE(run["memes"].size() >= 2);
    for (const auto& m : run["memes"]) {
        REQUIRE(m["epoch"].is_number());
        // the detectors' captions name the epoch they fired at ("epoch 8", "第 8 轮")
        std::string caption = m["caption_en"];
        if (m["reaction"] == "training.breakthrough")
            CHECK(caption.find("epoch " + std::to_string(m["epoch"].get<int>())) != std::string::npos);
    }
    // what is posted next shows on the next read (no statement keeps an old snapshot open)
    post(c, {{"kind", "training.epoch"}, {"run", k_run}, {"epoch", k_epochs}, {"metrics", {{"loss", 0.01}}}});
    auto again = json::parse(c.Get("/v1/dash/runs/" + percent_encoded(k_run))->body);
    CHECK(again["epochs"].size() == k_epochs + 1);
    CHECK(json::parse(c.Get("/v1/dash/runs")->body)["runs"][0]["epochs"] == k_epochs + 1);
    auto updates = json::parse(c.Get("/v1/dash/updates?after=0")->body);
    CHECK(updates["seq"] == k_epochs + 3);
    auto later = json::parse(c.Get("/v1/dash/updates?after=" + std::to_string(k_epochs + 1))->body);
    REQUIRE(later["changes"].size() == 2);
    CHECK(later["changes"][0]["kind"] == "commit");
    CHECK(later["changes"][1]["kind"] == "training.epoch");
    CHECK(later["changes"][1]["run"] == k_run);
    CHECK(later["reset"] == false);
}

// The id line of the last Server-Sent Event in `received` ("<boot>-<seq>").
std::string last_event_id(const std::string& received) {
    auto at = received.rfind("\nid: ");
    at = at == std::string::npos ? received.find("id: ") : at + 1;
    REQUIRE(at != std::string::npos);
    return received.substr(at + 4, received.find('\n', at) - at - 4);
}

std::string stream_request(const std::string& extra = "") {
    return "GET /v1/dash/stream?after=0 HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + "\r\n";
}

TEST_CASE("dashboard: the live stream sends each committed event as it commits, resumes from its last id, and has a cap", "[dashboard]") {
    test::TempDir dir;
    test::ServeProcess serve(dir, serve_env(dir), "dash-stream");
    seed(serve);
    auto c = client(serve);
    test::StreamingReader reader(serve.port(), stream_request());
    REQUIRE(reader.read_until("\n\n", 3000));
    const std::string& got = reader.received();
    CHECK(got.find("Content-Type: text/event-stream") != std::string::npos);
    CHECK(got.find("retry: 2000\nid: ") != std::string::npos);
    CHECK(got.find("\"seq\":" + std::to_string(k_epochs + 2)) != std::string::npos);  // what was there: one message
    std::string seen = last_event_id(got);

    auto posted = std::chrono::steady_clock::now();
    post(c, {{"kind", "ci.pipeline"}, {"name", "stream-check"}, {"repo", k_repo}, {"branch", "main"}, {"status", "success"}});
    REQUIRE(reader.read_until("\"seq\":" + std::to_string(k_epochs + 3), 2000));
    CHECK(std::chrono::steady_clock::now() - posted < std::chrono::seconds(1));
    std::string message = reader.received().substr(reader.received().rfind("id: "));
    CHECK(message.find("event: changes\ndata: {") != std::string::npos);
    CHECK(message.find("\"kind\":\"ci.pipeline\"") != std::string::npos);
    CHECK(message.find("\"kind\":\"commit\"") == std::string::npos);  // only what is new

    SECTION("a reconnect with Last-Event-ID gets just what it missed") {
        test::StreamingReader again(serve.port(), stream_request("Last-Event-ID: " + seen + "\r\n"));
        REQUIRE(again.read_until("\n\n", 3000));
        CHECK(again.received().find("stream-check") == std::string::npos);  // names are not sent, only kinds
        CHECK(again.received().find("\"kind\":\"ci.pipeline\"") != std::string::npos);
        CHECK(again.received().find("\"kind\":\"commit\"") == std::string::npos);
        CHECK(again.received().find("\"reset\":false") != std::string::npos);
    }
    SECTION("an id from another boot of the server starts over") {
        test::StreamingReader again(serve.port(), stream_request("Last-Event-ID: 0123456789abcdef-3\r\n"));
        REQUIRE(again.read_until("\n\n", 3000));
        CHECK(again.received().find("\"seq\":1}") != std::string::npos);
    }
    SECTION("past 64 listeners the stream is refused, and the page can still poll") {
        std::vector<std::unique_ptr<test::StreamingReader>> listeners;
        for (int i = 1; i < 64; ++i) {
            listeners.push_back(std::make_unique<test::StreamingReader>(serve.port(), stream_request()));
            REQUIRE(listeners.back()->read_until("event: changes", 3000));
        }
        auto refused = c.Get("/v1/dash/stream");
        REQUIRE(refused);
        CHECK(refused->status == 503);
        CHECK(json::parse(refused->body)["error"].get<std::string>().find("poll") != std::string::npos);
        CHECK(c.Get("/v1/dash/updates?after=0")->status == 200);
        CHECK(c.Get("/v1/dash/stream?after=x")->status == 400);
    }
}

TEST_CASE("dashboard: a catch-up too long for one message is sent as a reset, and the stream goes on", "[dashboard]") {
    test::TempDir dir;
    test::ServeProcess serve(dir, serve_env(dir), "dash-stream-reset");
    auto c = client(serve);
    json batch = json::array();
    for (int i = 0; i < 300; ++i)  // runs named with 1,000 bytes each: about 300 KB of changes, more than a stream holds
        batch.push_back({{"kind", "training.epoch"}, {"run", std::to_string(i) + std::string(1000, 'r')}, {"epoch", 0},
                         {"metrics", {{"loss", 1.0}}}});
    REQUIRE(c.Post("/v1/events", batch.dump(), "application/json")->status == 202);
    test::StreamingReader reader(serve.port(), stream_request());
    REQUIRE(reader.read_until("\n\n", 3000));
    CHECK(reader.received().find("\"reset\":true") != std::string::npos);
    CHECK(reader.received().size() < 4096);
    post(c, {{"kind", "ci.pipeline"}, {"name", "after-reset"}, {"repo", k_repo}, {"branch", "main"}, {"status", "success"}});
    CHECK(reader.read_until("\"seq\":301", 2000));  // still listening
}

TEST_CASE("dashboard: versions are timelines per repository with their commit and metrics and memes", "[dashboard]") {
    test::TempDir dir;
    test::ServeProcess serve(dir, serve_env(dir), "dash-versions");
    seed(serve);
    std::string run_commit = seed_versions(serve);
    auto c = client(serve);
    auto res = c.Get("/v1/dash/versions");
    REQUIRE(res->status == 200);
    auto repos = json::parse(res->body)["repos"];
    REQUIRE(repos.size() == 2);
    CHECK(repos[0]["repo"] == "acme/other");  // the newest version's repository comes first
    REQUIRE(repos[1]["repo"] == k_repo);
    auto versions = repos[1]["versions"];
    REQUIRE(versions.size() == 2);
    CHECK(versions[0]["summary"] == k_version_message);
    CHECK(versions[0]["commit"] == test::fake_sha(9));
    CHECK(versions[0]["metrics"]["f1"] == 0.88);
    CHECK(versions[0]["memes"].size() == 1);
    CHECK(versions[0]["memes"][0]["reaction"] == "version.tagged");
    CHECK(versions[1]["commit"] == run_commit);
    CHECK(versions[1]["run"] == k_run);
    CHECK(versions[1]["metrics"]["accuracy"] == 0.91);
    for (const auto& v : versions) {
        CHECK(v["tag"].is_string());
        CHECK(v["docker_tag"] == v["tag"]);
        CHECK_FALSE(v.contains("repo"));
    }
    // the run names the version it produced, which the run page links to
    auto run = json::parse(c.Get("/v1/dash/runs/" + percent_encoded(k_run))->body);
    CHECK(run["version"] == versions[1]["tag"]);
}

TEST_CASE("dashboard: confusion matrices with the CLI's emoji and per-class scores", "[dashboard]") {
    test::TempDir dir;
    test::ServeProcess serve(dir, serve_env(dir), "dash-confusion");
    seed(serve);
    auto labels = seed_confusion(serve);
    auto c = client(serve);
    auto list = json::parse(c.Get("/v1/dash/confusion")->body)["matrices"];
    REQUIRE(list.size() == 2);
    CHECK(list[0]["run"] == "binary-run");
    CHECK(list[0]["classes"] == 2);
    CHECK(list[1]["classes"] == 3);
    CHECK(list[1]["accuracy"].get<double>() == Approx(90.0 / 118));

    auto binary = json::parse(c.Get("/v1/dash/confusion/" + std::to_string(list[0]["entry"].get<int>()))->body);
    CHECK(binary["emoji"] == json::array({json::array({"🔥 TN", "❌ FP"}), json::array({"⚠️ FN", "💯 TP"})}));
    CHECK(binary["per_class"]["positive"]["recall"].get<double>() == Approx(35.0 / 40));
    CHECK(binary["per_class"]["positive"]["precision"].get<double>() == Approx(35.0 / 45));

    auto three = json::parse(c.Get("/v1/dash/confusion/" + std::to_string(list[1]["entry"].get<int>()))->body);
    CHECK(three["labels"] == labels[0]);
    CHECK(three["matrix"][2][0] == 10);
    CHECK(three["run"] == k_run);
    REQUIRE(three["emoji"].size() == 3);
    CHECK(three["emoji"][0][0].get<std::string>().starts_with("🟩"));  // the diagonal is correct
    CHECK(three["per_class"][k_label]["support"] == 50);

    // a run entry is not a confusion matrix; an id must be a number
    auto run = json::parse(c.Get("/v1/dash/runs/" + percent_encoded(k_run))->body);
    CHECK(c.Get("/v1/dash/confusion/" + std::to_string(run["id"].get<int>()))->status == 404);
    CHECK(c.Get("/v1/dash/confusion/12x")->status == 400);
    CHECK(c.Get("/v1/dash/confusion/99999999999999999999999")->status == 400);
}
