#include "bot/dashboard/live.hpp"

#include "core/crypto.hpp"

namespace memeops::bot::dashboard {

ChangeFeed::ChangeFeed() : m_boot(core::random_hex(8)) {}

void ChangeFeed::record(Change change) {
    std::lock_guard lock(m_mutex);
    m_changes.push_back({++m_seq, std::move(change)});
    if (m_changes.size() > k_kept) m_changes.pop_front();
}

nlohmann::json ChangeFeed::since(std::uint64_t after) const {
    std::lock_guard lock(m_mutex);
    nlohmann::json changes = nlohmann::json::array();
    for (const auto& [seq, c] : m_changes)
        if (seq > after)
            changes.push_back({{"seq", seq}, {"kind", c.kind}, {"run", c.run ? nlohmann::json(*c.run) : nlohmann::json()},
                               {"entry", c.entry_id}, {"memes", c.memes}});
    bool dropped = !m_changes.empty() && after + 1 < m_changes.front().seq;
    return {{"boot", m_boot}, {"seq", m_seq}, {"reset", dropped || after > m_seq}, {"changes", changes}};
}

}  // namespace memeops::bot::dashboard
