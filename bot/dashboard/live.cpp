#include "bot/dashboard/live.hpp"

#include <charconv>

#include "core/crypto.hpp"

namespace memeops::bot::dashboard {

ChangeFeed::ChangeFeed() : m_boot(core::random_hex(8)) {}

void ChangeFeed::record(std::vector<Change> changes) {
    if (changes.empty()) return;
    std::lock_guard lock(m_mutex);
    std::uint64_t before = m_seq;
    for (auto& change : changes) m_changes.push_back({++m_seq, std::move(change)});
    while (m_changes.size() > k_kept) m_changes.pop_front();
    if (m_listeners.empty()) return;
    // Written under the lock, so every listener gets every batch once and in order.
    std::string message = event_locked(before);
    std::erase_if(m_listeners, [&](const auto& stream) { return !stream->write(message); });
}

bool ChangeFeed::listen(const std::shared_ptr<http::BodyStream>& stream, std::uint64_t after) {
    std::lock_guard lock(m_mutex);
    std::erase_if(m_listeners, [](const auto& listener) { return listener->over(); });
    if (m_listeners.size() >= k_max_listeners) return false;
    // The first message also tells the browser how soon to reconnect when the stream breaks.
    stream->write("retry: 2000\n" + event_locked(after));
    m_listeners.push_back(stream);
    return true;
}

std::uint64_t ChangeFeed::resume_point(const std::string& last_event_id) const {
    auto dash = last_event_id.rfind('-');
    if (dash == std::string::npos || last_event_id.compare(0, dash, m_boot) != 0) return 0;
    std::uint64_t seq = 0;
    const char* digits = last_event_id.data() + dash + 1;
    const char* end = last_event_id.data() + last_event_id.size();
    auto [stop, failed] = std::from_chars(digits, end, seq);
    return failed == std::errc() && stop == end ? seq : 0;
}

nlohmann::json ChangeFeed::since(std::uint64_t after) const {
    std::lock_guard lock(m_mutex);
    return since_locked(after);
}

nlohmann::json ChangeFeed::since_locked(std::uint64_t after) const {
    nlohmann::json changes = nlohmann::json::array();
    for (const auto& [seq, c] : m_changes)
        if (seq > after)
            changes.push_back({{"seq", seq}, {"kind", c.kind}, {"run", c.run ? nlohmann::json(*c.run) : nlohmann::json()},
                               {"entry", c.entry_id}, {"memes", c.memes}});
    bool dropped = !m_changes.empty() && after + 1 < m_changes.front().seq;
    return {{"boot", m_boot}, {"seq", m_seq}, {"reset", dropped || after > m_seq}, {"changes", changes}};
}

std::string ChangeFeed::event_locked(std::uint64_t after) const {
    // dump() never writes a line break, so the JSON is one `data:` line.
    std::string data = since_locked(after).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (data.size() > k_max_event_bytes)  // too much to send (long run names): the page reloads everything instead
        data = nlohmann::json{{"boot", m_boot}, {"seq", m_seq}, {"reset", true}, {"changes", nlohmann::json::array()}}.dump();
    return "id: " + m_boot + "-" + std::to_string(m_seq) + "\nevent: changes\ndata: " + data + "\n\n";
}

}  // namespace memeops::bot::dashboard
