// Console memes are seen: delivered only once written and flushed, and `flush --json` keeps
// stdout one JSON document.
#include <catch2/catch.hpp>
#include <sstream>

#include "core/destinations.hpp"
#include "delivery/deliverer.hpp"
#include "outbox_support.hpp"
#include "test_support.hpp"

using namespace memeops;

namespace {

const core::Destination k_console{"console", core::DestinationType::console, "", 3, {}};

// A stream buffer that refuses every byte, as a closed or full stdout does.
class BrokenOutput : public std::streambuf {
protected:
    int_type overflow(int_type) override { return traits_type::eof(); }
    std::streamsize xsputn(const char*, std::streamsize) override { return 0; }
};

}  // namespace

TEST_CASE("delivery::Deliverer records a console meme delivered only once the output took it") {
    test::TempDir dir;
    auto archive = storage::Archive::open(dir.file("a.db"));
    test::queue_meme(*archive, {k_console.key()}, "console-run");
    BrokenOutput broken;
    std::ostream closed(&broken);
    std::mutex mutex;
    core::TimeMs now = 1'800'000'000'000;
    delivery::DelivererOptions options;
    options.clock = [&now] { return now; };
    {
        delivery::Deliverer deliverer(*archive, closed, mutex, options);
        auto result = deliverer.deliver_next(k_console, now);
        REQUIRE(std::holds_alternative<delivery::Attempt>(result));
        CHECK(std::get<delivery::Attempt>(result).outcome.verdict == delivery::Verdict::retry);
    }
    CHECK(test::count_deliveries(*archive, "console", "pending") == 1);
    auto entry = archive->history({}).at(0);
    CHECK(entry.memes.at(0).deliveries.at(0).last_error.value_or("").find("console") != std::string::npos);

    std::ostringstream seen;
    delivery::Deliverer deliverer(*archive, seen, mutex, options);
    now += 10 * 60 * 1000;  // past the backoff
    deliverer.deliver_next(k_console, now);
    CHECK(seen.str().find("console-run") != std::string::npos);
    CHECK(test::count_deliveries(*archive, "console", "delivered") == 1);
}

TEST_CASE("memeops flush --json prints exactly one JSON document, console memes inside") {
    test::TempDir dir;
    {
        auto archive = storage::Archive::open(dir.file("a.db"));
        test::queue_meme(*archive, {"console"}, "json-run");
        test::queue_meme(*archive, {"slack:00000000deadbeef"}, "orphan-run");
    }
    std::map<std::string, std::string> env{{"MEMEOPS_DB", dir.file("a.db")}, {"HOME", dir.path().string()}};
    auto flush = test::run_memeops({"flush", "--json", "--timeout", "5"}, env);
    REQUIRE(flush.code == 0);
    auto doc = nlohmann::json::parse(flush.out);  // throws unless stdout is one JSON document
    REQUIRE(doc["console"].size() == 1);
    CHECK(doc["console"][0].get<std::string>().find("json-run") != std::string::npos);
    CHECK(doc["destinations"][0]["key"] == "console");
    CHECK(doc["destinations"][0]["delivered"] == 1);
    CHECK(doc["unconfigured"][0]["key"] == "slack:00000000deadbeef");
    CHECK(doc["unconfigured"][0]["pending"] == 1);
    CHECK(test::count_deliveries(*storage::Archive::open(dir.file("a.db")), "console", "delivered") == 1);
    CHECK(test::run_memeops({"flush", "--help"}, env).out.find("\"console\" array") != std::string::npos);
}

TEST_CASE("memeops flush leaves console memes waiting when stdout is closed") {
    test::TempDir dir;
    {
        auto archive = storage::Archive::open(dir.file("a.db"));
        test::queue_meme(*archive, {"console"}, "unseen-run");
    }
    std::map<std::string, std::string> env{{"MEMEOPS_DB", dir.file("a.db")}, {"HOME", dir.path().string()}};
    test::ChildOptions closed_stdout;
    closed_stdout.env = env;
    closed_stdout.stdout_closed = true;
    auto flush = test::run_child(MEMEOPS_BINARY, {"flush", "--timeout", "2"}, closed_stdout);
    INFO(flush.err);
    CHECK(flush.code >= 0);
    CHECK(flush.code < 128);  // EPIPE, not SIGPIPE: it recorded what happened
    auto archive = storage::Archive::open(dir.file("a.db"));
    CHECK(test::count_deliveries(*archive, "console", "pending") == 1);
    auto delivery = archive->history({}).at(0).memes.at(0).deliveries.at(0);
    CHECK(delivery.attempts >= 1);
    CHECK(delivery.last_error.value_or("").find("console") != std::string::npos);
}
