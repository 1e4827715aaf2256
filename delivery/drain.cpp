#include "delivery/drain.hpp"

#include <algorithm>
#include <thread>

namespace memeops::delivery {
namespace {

void count(DrainSummary& summary, const Attempt& attempt) {
    ++summary.messages;
    int memes = static_cast<int>(attempt.memes);
    switch (attempt.outcome.verdict) {
        case Verdict::delivered: summary.memes_delivered += memes; break;
        case Verdict::failed: summary.memes_failed += memes; break;
        case Verdict::retry: summary.memes_retrying += memes; break;
        case Verdict::disable: summary.disabled = true; break;
    }
    if (attempt.outcome.verdict != Verdict::delivered) summary.last_error = attempt.outcome.reason;
}

}  // namespace

std::map<std::string, DrainSummary> drain(Deliverer& deliverer, const std::vector<core::Destination>& destinations,
                                          core::TimeMs deadline) {
    std::map<std::string, DrainSummary> summaries;
    std::vector<const core::Destination*> open;
    for (const auto& d : destinations)
        if (summaries.try_emplace(d.key()).second) open.push_back(&d);
    while (!open.empty()) {
        core::TimeMs now = core::now_ms();
        core::TimeMs earliest = deadline;
        std::vector<const core::Destination*> still_open;
        for (const auto* d : open) {
            auto result = deliverer.deliver_next(*d, now);
            if (auto* attempt = std::get_if<Attempt>(&result)) {
                count(summaries[d->key()], *attempt);
                still_open.push_back(d);
                earliest = now;
            } else if (std::get<Idle>(result) == Idle::paced) {
                core::TimeMs ready = std::min(deliverer.next_send(*d), now + k_paced_recheck_ms);
                if (ready < deadline) {
                    still_open.push_back(d);
                    earliest = std::min(earliest, ready);
                }
            } else if (std::get<Idle>(result) == Idle::disabled) {
                summaries[d->key()].disabled = true;
            }
        }
        open.swap(still_open);
        if (open.empty() || core::now_ms() >= deadline) break;
        if (earliest > core::now_ms()) std::this_thread::sleep_for(std::chrono::milliseconds(earliest - core::now_ms()));
    }
    return summaries;
}

}  // namespace memeops::delivery
