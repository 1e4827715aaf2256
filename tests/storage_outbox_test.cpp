// Outbox leases and pacing, on a real archive file, with the time given explicitly or through
// an injected clock: nothing here sleeps.
#include <catch2/catch.hpp>

#include "core/destinations.hpp"
#include "delivery/deliverer.hpp"
#include "outbox_support.hpp"
#include "storage/outbox.hpp"
#include "test_support.hpp"

using namespace memeops;
using storage::Claim;
using storage::ClaimRequest;

namespace {

constexpr core::TimeMs k_t0 = 1'800'000'000'000;
const std::string k_slack = "slack:0123456789abcdef";

ClaimRequest request(const std::string& owner, core::TimeMs now, bool serial = false) {
    return {k_slack, "slack", owner, now, 200, 20'000, serial};
}

std::vector<std::int64_t> ids_of(const Claim& claim) {
    std::vector<std::int64_t> ids;
    for (const auto& item : claim.items) ids.push_back(item.meme_id);
    return ids;
}

}  // namespace

TEST_CASE("storage::Outbox a worker whose lease was taken over records nothing over the new owner's claim") {
    test::TempDir dir;
    auto first_connection = storage::Archive::open(dir.file("a.db"));
    auto second_connection = storage::Archive::open(dir.file("a.db"));
    storage::Outbox first(*first_connection), second(*second_connection);
    test::queue_meme(*first_connection, {k_slack}, "run-lease");

    auto claimed = first.claim(request("worker-a", k_t0));
    REQUIRE(claimed.status == Claim::Status::claimed);
    CHECK(second.claim(request("worker-b", k_t0 + 19'999)).status == Claim::Status::nothing_due);  // leased
    auto taken = second.claim(request("worker-b", k_t0 + 20'000));  // the lease ended: worker-b takes over
    REQUIRE(taken.status == Claim::Status::claimed);
    auto ids = ids_of(claimed);

    CHECK(first.mark_retry(k_slack, ids, k_t0 + 21'000, "HTTP 503", "worker-a") == 0);
    CHECK(first.release(k_slack, ids, k_t0 + 20'001, "worker-a") == 0);
    CHECK(first.mark_failed(k_slack, ids, "HTTP 400", "worker-a") == 0);
    // worker-b's lease is intact: nobody else may claim the row until it ends.
    CHECK(first.claim(request("worker-c", k_t0 + 20'001)).status == Claim::Status::nothing_due);
    CHECK(second.mark_retry(k_slack, ids, k_t0 + 22'000, "HTTP 503", "worker-b") == 1);
    CHECK(test::count_deliveries(*first_connection, k_slack, "pending") == 1);
}

TEST_CASE("storage::Outbox delivered by a slow first owner stops the new owner from sending it again") {
    test::TempDir dir;
    auto archive = storage::Archive::open(dir.file("a.db"));
    storage::Outbox outbox(*archive);
    test::queue_meme(*archive, {k_slack}, "run-slow");
    auto claimed = outbox.claim(request("worker-a", k_t0));
    REQUIRE(outbox.claim(request("worker-b", k_t0 + 25'000)).status == Claim::Status::claimed);
    auto ids = ids_of(claimed);

    // worker-a's send arrived; it records that after its lease, over worker-b's claim.
    CHECK(outbox.mark_delivered(k_slack, ids, k_t0 + 25'500, "worker-a") == 1);
    // worker-b's own attempt failed: it must not bring the delivered meme back.
    CHECK(outbox.mark_retry(k_slack, ids, k_t0 + 27'000, "HTTP 503", "worker-b") == 0);
    CHECK(outbox.claim(request("worker-c", k_t0 + 60'000)).status == Claim::Status::nothing_due);
    CHECK(test::count_deliveries(*archive, k_slack, "delivered") == 1);
    auto entry = archive->history({}).at(0);
    CHECK(entry.memes.at(0).deliveries.at(0).attempts == 0);  // the owner's attempt is the one counted
}

TEST_CASE("storage::Outbox::claim reserves a Slack webhook for the whole send, then one interval after its reply") {
    test::TempDir dir;
    auto archive = storage::Archive::open(dir.file("a.db"));
    storage::Outbox outbox(*archive);
    test::queue_meme(*archive, {k_slack}, "run-1");
    test::queue_meme(*archive, {k_slack}, "run-2");
    auto first = outbox.claim({k_slack, "slack", "worker-a", k_t0, 1, 20'000, true});
    REQUIRE(first.status == Claim::Status::claimed);
    // While worker-a's send is in flight, another worker may not claim the webhook's next slot.
    auto blocked = outbox.claim({k_slack, "slack", "worker-b", k_t0 + 5'000, 1, 20'000, true});
    CHECK(blocked.status == Claim::Status::paced);
    CHECK(blocked.next_send == k_t0 + 20'000);
    // The reply came at +300 ms: the next slot opens one second after it.
    outbox.finish_send(k_slack, "slack", "worker-a", k_t0 + 1'300);
    CHECK(outbox.claim({k_slack, "slack", "worker-b", k_t0 + 1'299, 1, 20'000, true}).status == Claim::Status::paced);
    CHECK(outbox.claim({k_slack, "slack", "worker-b", k_t0 + 1'300, 1, 20'000, true}).status == Claim::Status::claimed);
    // A stale sender cannot shorten the reservation worker-b holds now.
    outbox.finish_send(k_slack, "slack", "worker-a", k_t0 + 1'400);
    CHECK(outbox.health(k_slack).next_send == k_t0 + 21'300);
}

TEST_CASE("delivery::Deliverer claims and paces in one step: two workers never post to one Slack webhook within a second") {
    test::TempDir dir;
    auto archive_a = storage::Archive::open(dir.file("a.db"));
    auto archive_b = storage::Archive::open(dir.file("a.db"));
    core::Destination slack{"slack", core::DestinationType::slack, "https://hooks.slack.test/services/T/B/SECRET", 3, {}};
    for (int i = 0; i < 6; ++i) test::queue_meme(*archive_a, {slack.key()}, "run-" + std::to_string(i));

    core::TimeMs now = k_t0;
    std::vector<core::TimeMs> posted;
    delivery::DelivererOptions options;
    options.digest_limit = 1;  // one meme per message: six messages to pace
    options.clock = [&now] { return now; };
    options.post = [&](const std::string&, const std::string&, core::TimeMs) {
        posted.push_back(now);
        now += 120;  // the webhook answers in 120 ms
        return delivery::HttpReply{200, {}, "ok", ""};
    };
    std::ostringstream console;
    std::mutex console_mutex;
    delivery::Deliverer a(*archive_a, console, console_mutex, options), b(*archive_b, console, console_mutex, options);
    CHECK(a.owner() != b.owner());
    for (int step = 0; step < 200 && posted.size() < 6; ++step) {  // both workers poll every 100 ms
        a.deliver_next(slack, now);
        b.deliver_next(slack, now);
        now += 100;
    }
    REQUIRE(posted.size() == 6);
    for (size_t i = 1; i < posted.size(); ++i) CHECK(posted[i] - posted[i - 1] >= 1000 + 120);
    CHECK(test::count_deliveries(*archive_a, slack.key(), "delivered") == 6);
}
