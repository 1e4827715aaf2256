// Meme cards posted with the chat message (delivery/card_post.hpp): Discord's multipart
// attachment, Slack's external upload flow and its signed image links, a digest's one card.
// Real archive, real HTTP to the stand-ins on 127.0.0.1, `serve` and `card` as child processes.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <thread>
#include <variant>

#include "chat_standins.hpp"
#include "delivery/card_link.hpp"
#include "delivery/drain.hpp"
#include "delivery/meme_card.hpp"
#include "outbox_support.hpp"
#include "test_support.hpp"

using namespace memeops;
using test::ChatStandIn;

namespace {

// A fresh archive and a chat stand-in configured as its one destination.
struct Channel {
    explicit Channel(ChatStandIn::Platform platform)
        : archive(storage::Archive::open(dir.file("archive.db"))),
          chat(platform),
          to{"chat", platform == ChatStandIn::Platform::slack ? core::DestinationType::slack : core::DestinationType::discord,
             chat.url(), 3, {}} {}
    std::int64_t queue(const std::string& run, int priority = 0) { return test::queue_meme(*archive, {to.key()}, run, priority); }
    // Drains the destination once with `cards` (drain below).
    void drain(const delivery::CardOptions& cards);

    test::TempDir dir;
    std::unique_ptr<storage::Archive> archive;
    ChatStandIn chat;
    core::Destination to;
};

// Drains `to` once, with `cards`, for at most 10 s.
void drain(storage::Archive& archive, const core::Destination& to, const delivery::CardOptions& cards) {
    std::ostringstream console;
    std::mutex console_mutex;
    delivery::DelivererOptions options;
    options.http.connect_timeout_s = 1;
    options.cards = cards;
    delivery::Deliverer deliverer(archive, console, console_mutex, options);
    delivery::drain(deliverer, {to}, core::now_ms() + 10'000);
}

void Channel::drain(const delivery::CardOptions& cards) { ::drain(*archive, to, cards); }

delivery::CardOptions slack_uploads(const ChatStandIn& slack, const std::string& token) {
    delivery::CardOptions cards;
    cards.slack_bot_token = token;
    cards.slack_channel = "C0MEMEOPS";
    cards.slack_api = slack.api_url();
    return cards;
}

std::string card_of(storage::Archive& archive, std::int64_t meme_id) {
    return delivery::meme_card_png(archive, meme_id, {}).value_or("");
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace

TEST_CASE("Discord gets the card as files[0] of a multipart message, the embed image pointing at it") {
    Channel channel(ChatStandIn::Platform::discord);
    std::int64_t id = channel.queue("resnet-7");

    channel.drain({});
    auto requests = channel.chat.requests();
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].status == 200);
    CHECK(requests[0].file_name == "meme-" + std::to_string(id) + ".png");
    CHECK(requests[0].file == card_of(*channel.archive, id));
    CHECK(requests[0].body["embeds"][0]["image"]["url"] == "attachment://meme-" + std::to_string(id) + ".png");
    CHECK(requests[0].body["attachments"][0]["filename"] == requests[0].file_name);
    CHECK(requests[0].body["embeds"][0]["description"].get<std::string>().find("resnet-7") != std::string::npos);
    CHECK(test::count_deliveries(*channel.archive, channel.to.key(), "delivered") == 1);
}

TEST_CASE("Discord without a card (cards off) still gets the text as JSON") {
    Channel channel(ChatStandIn::Platform::discord);
    channel.queue("plain-run");
    delivery::CardOptions off;
    off.enabled = false;
    channel.drain(off);
    REQUIRE(channel.chat.messages().size() == 1);
    CHECK(channel.chat.requests()[0].file.empty());
    CHECK(channel.chat.all_text().find("plain-run") != std::string::npos);
}

TEST_CASE("A card slower to render than its limit is left out: the text goes at once") {
    Channel channel(ChatStandIn::Platform::discord);
    channel.queue("slow-card-run");
    delivery::CardOptions impatient;
    impatient.render_limit_ms = 0;  // no render finishes in no time
    channel.drain(impatient);
    auto requests = channel.chat.requests();
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].status == 200);
    CHECK(requests[0].file.empty());
    CHECK_FALSE(requests[0].body["embeds"][0].contains("image"));
    CHECK(channel.chat.all_text().find("slow-card-run") != std::string::npos);
}

TEST_CASE("The Discord stand-in parses multipart for real and refuses what Discord refuses") {
    ChatStandIn discord(ChatStandIn::Platform::discord);
    std::string url = delivery::discord_url(discord.url());
    std::string payload = R"({"allowed_mentions":{"parse":[]},"embeds":[{"title":"t","image":{"url":"attachment://a.png"}}]})";
    std::string png = "\x89PNG\r\n\x1a\n" + std::string(100, 'x');
    auto post = [&](std::string json, std::string file, std::string name) {
        return delivery::post_multipart(url, {{"payload_json", json, "", "application/json"}, {"files[0]", file, name, "image/png"}});
    };
    CHECK(post(payload, png, "a.png").status == 200);
    CHECK(post("{not json", png, "a.png").status == 400);
    CHECK(post(payload, "GIF89a", "a.png").status == 400);                       // not a PNG
    CHECK(post(payload, png, "b.png").status == 400);                            // the embed names another file
    CHECK(post(payload, png + std::string(10 * 1024 * 1024, 'x'), "a.png").status == 413);  // over 10 MiB
}

TEST_CASE("A digest carries one card: its most urgent meme's, the newest of those") {
    Channel channel(ChatStandIn::Platform::discord);
    channel.queue("calm-run", 3);
    channel.queue("old-p1", 1);
    std::int64_t newest_p1 = channel.queue("new-p1", 1);
    channel.queue("later-p2", 2);

    channel.drain({});
    auto requests = channel.chat.requests();
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].file_name == "meme-" + std::to_string(newest_p1) + ".png");
    int images = 0;
    for (const auto& e : requests[0].body["embeds"]) {
        if (!e.contains("image")) continue;
        ++images;
        CHECK(e["description"].get<std::string>().find("new-p1") != std::string::npos);
    }
    CHECK(images == 1);
    CHECK(requests[0].body["embeds"].size() == 4);
}

TEST_CASE("Slack with a bot token and a channel: the external upload flow, in order, with the token") {
    Channel channel(ChatStandIn::Platform::slack);
    std::int64_t id = channel.queue("bert-base");

    channel.drain(slack_uploads(channel.chat, ChatStandIn::k_bot_token));
    auto calls = channel.chat.api_calls();
    REQUIRE(calls.size() == 3);
    CHECK(calls[0].target == "/api/files.getUploadURLExternal");
    CHECK(calls[1].target == "/upload/F1");
    CHECK(calls[2].target == "/api/files.completeUploadExternal");
    for (const auto& call : calls) CHECK(call.error.empty());
    auto messages = channel.chat.requests();
    REQUIRE(messages.size() == 1);  // the upload's message alone: nothing through the webhook
    CHECK(messages[0].target.starts_with("/api/files.completeUploadExternal"));
    CHECK(messages[0].body["channel_id"] == "C0MEMEOPS");
    CHECK(messages[0].file == card_of(*channel.archive, id));
    CHECK(channel.chat.all_text().find("bert-base") != std::string::npos);
    CHECK(test::count_deliveries(*channel.archive, channel.to.key(), "delivered") == 1);
}

TEST_CASE("Slack: a slow upload that fails and a slow webhook after it stay within the send's time limit", "[serial]") {
    Channel channel(ChatStandIn::Platform::slack);
    channel.queue("slow-platform");
    channel.chat.delay_answers(2800);  // each upload step is cut at 500 ms; the webhook gets what is left
    std::ostringstream console;
    std::mutex console_mutex;
    delivery::DelivererOptions options;
    options.http.connect_timeout_s = 1;
    options.cards = slack_uploads(channel.chat, ChatStandIn::k_bot_token);
    options.lease_ms = 6000;  // the send's limit: max(lease / 2, lease - 5 s) = 3 s
    delivery::Deliverer deliverer(*channel.archive, console, console_mutex, options);
    auto start = std::chrono::steady_clock::now();
    auto attempt = deliverer.deliver_next(channel.to, core::now_ms());
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    REQUIRE(std::holds_alternative<delivery::Attempt>(attempt));
    CHECK(std::get<delivery::Attempt>(attempt).status == 0);  // cut off: a network error, tried again later
    CHECK(seconds < 3.4);  // 3 s and the attempt's bookkeeping; the webhook alone had 3 s of its own before
    CHECK(test::count_deliveries(*channel.archive, channel.to.key(), "delivered") == 0);
    channel.chat.delay_answers(0);
}

TEST_CASE("Slack with a wrong bot token: invalid_auth, the text still goes through the webhook, the token never logged") {
    Channel channel(ChatStandIn::Platform::slack);
    channel.queue("gpt-tiny");
    auto result = test::run_memeops({"flush"}, {{"MEMEOPS_DB", channel.dir.file("archive.db")},
                                                {"HOME", channel.dir.path().string()},
                                                {"MEMEOPS_SLACK_WEBHOOK", channel.chat.url()},
                                                {"MEMEOPS_SLACK_BOT_TOKEN", "xoxb-WRONGsecret"},
                                                {"MEMEOPS_SLACK_CHANNEL", "C0MEMEOPS"},
                                                {"MEMEOPS_SLACK_API_URL", channel.chat.api_url()}});
    CHECK(result.code == 0);
    auto calls = channel.chat.api_calls();
    REQUIRE(calls.size() == 1);  // refused at the first step
    CHECK(calls[0].error == "invalid_auth");
    REQUIRE(channel.chat.messages().size() == 1);
    CHECK(channel.chat.requests()[0].target.starts_with("/services/"));
    CHECK(channel.chat.all_text().find("gpt-tiny") != std::string::npos);
    CHECK(result.err.find("invalid_auth") != std::string::npos);
    CHECK(result.err.find("WRONGsecret") == std::string::npos);
    CHECK(result.out.find("WRONGsecret") == std::string::npos);
}

TEST_CASE("The Slack stand-in refuses an upload flow out of order or without the token") {
    ChatStandIn slack(ChatStandIn::Platform::slack);
    std::string auth = std::string("Bearer ") + ChatStandIn::k_bot_token;
    auto error_of = [](const delivery::HttpReply& reply) {
        auto body = nlohmann::json::parse(reply.body, nullptr, false);
        return reply.status == 200 && body.is_object() && !body.value("ok", false) ? body.value("error", "") : "";
    };
    std::string files = R"([{"id":"F1","title":"x.png"}])";
    CHECK(error_of(delivery::post_form(slack.api_url() + "/files.getUploadURLExternal", {{"filename", "x.png"}, {"length", "9"}})) == "not_authed");
    CHECK(error_of(delivery::post_form(slack.api_url() + "/files.getUploadURLExternal", {{"filename", "x.png"}, {"length", "9"}}, {}, "Bearer xoxb-nope")) == "invalid_auth");
    REQUIRE(error_of(delivery::post_form(slack.api_url() + "/files.getUploadURLExternal", {{"filename", "x.png"}, {"length", "9"}}, {}, auth)).empty());
    // Completing before the bytes arrived is refused.
    CHECK(error_of(delivery::post_form(slack.api_url() + "/files.completeUploadExternal", {{"files", files}, {"channel_id", "C1"}}, {}, auth)) == "file_not_found");
    std::string upload = slack.api_url().substr(0, slack.api_url().size() - 4) + "/upload/F1";
    CHECK(delivery::post_body(upload, "\x89PNG\r\n\x1a\n" "xx", "image/png").status == 400);  // not the announced length
    CHECK(delivery::post_body(upload, "\x89PNG\r\n\x1a\n" "x", "image/png").status == 200);
    CHECK(error_of(delivery::post_form(slack.api_url() + "/files.completeUploadExternal", {{"files", files}, {"channel_id", "C1"}}, {}, auth)).empty());
    CHECK(slack.messages().size() == 1);
}

TEST_CASE("Slack with MEMEOPS_PUBLIC_URL: an image block whose signed link serve answers with the card's bytes") {
    test::TempDir dir;
    ChatStandIn slack(ChatStandIn::Platform::slack);
    std::map<std::string, std::string> env{{"MEMEOPS_DB", dir.file("archive.db")},
                                           {"HOME", dir.path().string()},
                                           {"MEMEOPS_SLACK_WEBHOOK", slack.url()},
                                           {"MEMEOPS_PUBLIC_URL", "https://memeops.example.test/"},
                                           {"MEMEOPS_TOKEN", "t0ken"}};
    test::ServeProcess serve(dir, env, "cards");
    httplib::Client client("127.0.0.1", serve.port());
    client.set_read_timeout(10);
    auto posted = client.Post("/v1/events", {{"Authorization", "Bearer t0ken"}},
                              R"({"kind":"training.crash","run":"vit-large","text":"CUDA out of memory"})", "application/json");
    REQUIRE(posted);
    REQUIRE(posted->status == 202);
    std::int64_t entry = nlohmann::json::parse(posted->body)["ids"][0];
    for (int i = 0; i < 500 && slack.messages().empty(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    REQUIRE(slack.messages().size() == 1);
    std::string image_url;
    const auto messages = slack.messages();  // kept alive while its blocks are read
    for (const auto& block : messages[0]["blocks"])
        if (block["type"] == "image") image_url = block["image_url"].get<std::string>();
    REQUIRE(image_url.starts_with("https://memeops.example.test/v1/memes/"));
    std::string path = image_url.substr(std::string("https://memeops.example.test").size());

    auto card = client.Get(path.c_str());  // no token: Slack fetches it anonymously
    REQUIRE(card);
    CHECK(card->status == 200);
    CHECK(card->get_header_value("Content-Type") == "image/png");
    auto cli = test::run_memeops({"card", "#" + std::to_string(entry), "-o", dir.file("card.png")}, env);
    REQUIRE(cli.code == 0);
    CHECK(card->body == read_file(dir.file("card.png")));

    std::string wrong = path;
    wrong[wrong.size() - 5] = wrong[wrong.size() - 5] == '0' ? '1' : '0';  // one hex digit of the signature
    std::string unsigned_path = path.substr(0, path.find('-')) + ".png";
    for (const auto& refused : {wrong, unsigned_path, std::string("/v1/memes/999999-") + std::string(32, '0') + ".png"}) {
        auto answer = client.Get(refused.c_str());
        REQUIRE(answer);
        CHECK(answer->status == 404);
        CHECK(answer->body.find("signature") == std::string::npos);
    }
}
