#include "delivery/outcome.hpp"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "core/json.hpp"

namespace memeops::delivery {
namespace {

constexpr size_t k_reason_bytes = 200;

std::optional<double> seconds(const std::string& text) {
    try {
        size_t used = 0;
        double value = std::stod(text, &used);
        if (used == 0 || !std::isfinite(value) || value < 0) return std::nullopt;
        return value;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

// "HTTP 400: invalid_blocks", the body cut short and kept to one line.
std::string reason_of(const HttpReply& reply) {
    if (reply.status == 0) return "network error: " + reply.error;
    std::string body = reply.body.substr(0, k_reason_bytes);
    std::replace(body.begin(), body.end(), '\n', ' ');
    return "HTTP " + std::to_string(reply.status) + (body.empty() ? "" : ": " + body);
}

}  // namespace

core::TimeMs retry_after_ms(const HttpReply& reply) {
    std::optional<double> wait;
    if (auto it = reply.headers.find("retry-after"); it != reply.headers.end()) wait = seconds(it->second);
    if (!wait) {
        auto body = core::parse_json(reply.body).value;
        if (body.is_object() && body.contains("retry_after") && body["retry_after"].is_number())
            wait = std::max(0.0, body["retry_after"].get<double>());
    }
    return static_cast<core::TimeMs>(std::ceil(wait.value_or(1.0) * 1000.0));
}

core::TimeMs backoff_ms(int attempt, double jitter) {
    double step = static_cast<double>(k_backoff_base_ms) * std::pow(2.0, std::clamp(attempt, 1, 30) - 1);
    step = std::min(step, static_cast<double>(k_backoff_cap_ms));
    return static_cast<core::TimeMs>(step * (0.5 + 0.5 * std::clamp(jitter, 0.0, 1.0)));
}

Outcome classify(const HttpReply& reply, int attempt, double jitter) {
    int s = reply.status;
    if (s >= 200 && s < 300) return {Verdict::delivered, 0, "HTTP " + std::to_string(s)};
    if (s == 429) return {Verdict::retry, retry_after_ms(reply), reason_of(reply)};
    if (s == 401 || s == 403 || s == 404 || s == 410) return {Verdict::disable, 0, reason_of(reply)};
    if (s == 0 || s == 408 || s >= 500) return {Verdict::retry, backoff_ms(attempt, jitter), reason_of(reply)};
    return {Verdict::failed, 0, reason_of(reply)};  // 400, 413, 422, other 4xx; 1xx and 3xx too
}

std::string to_string(Verdict verdict) {
    switch (verdict) {
        case Verdict::delivered: return "delivered";
        case Verdict::retry: return "retry";
        case Verdict::failed: return "failed";
        case Verdict::disable: return "disabled";
    }
    return "?";
}

}  // namespace memeops::delivery
