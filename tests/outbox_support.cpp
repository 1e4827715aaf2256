#include "outbox_support.hpp"

namespace memeops::test {

std::int64_t queue_meme(storage::Archive& archive, const std::vector<std::string>& destinations, const std::string& run,
                        int priority) {
    storage::Entry entry;
    entry.kind = storage::EntryKind::message;
    entry.time = core::now_ms();
    entry.summary = "crash of " + run;
    storage::Meme meme{0, "training.crash", priority, "💥 " + run + " crashed", run + " crashed", entry.time, {}};
    for (const auto& key : destinations) meme.deliveries.push_back({key, storage::DeliveryState::pending, 0, std::nullopt});
    entry.memes.push_back(meme);
    archive.add(entry);
    return entry.memes.front().id;
}

std::int64_t count_deliveries(storage::Archive& archive, const std::string& destination, const std::string& state) {
    auto select = archive.database().cached("SELECT count(*) FROM deliveries WHERE destination = ?1 AND state = ?2");
    select.bind_all(destination, state);
    std::int64_t n = select.step() ? select.column_int(0) : 0;
    select.reset();
    return n;
}

}  // namespace memeops::test
