#include "delivery/card_link.hpp"

#include <charconv>

#include "core/crypto.hpp"
#include "storage/card_store.hpp"

namespace memeops::delivery {
namespace {

constexpr const char* k_key_name = "card_link_key";
constexpr size_t k_key_bytes = 32;
constexpr size_t k_signature_hex = 32;  // 128 bits

std::string signature(const std::string& key, std::int64_t meme_id) {
    return core::hmac_sha256_hex(key, "meme-card:" + std::to_string(meme_id)).substr(0, k_signature_hex);
}

// "<digits>-<hex>.png" split into the id and the signature, or nullopt.
std::optional<std::pair<std::int64_t, std::string_view>> split_file(std::string_view file) {
    if (!file.ends_with(".png")) return std::nullopt;
    file.remove_suffix(4);
    size_t dash = file.find('-');
    if (dash == std::string_view::npos || dash == 0) return std::nullopt;
    std::int64_t id = 0;
    auto [end, failed] = std::from_chars(file.data(), file.data() + dash, id);
    if (failed != std::errc() || end != file.data() + dash || id <= 0) return std::nullopt;
    return std::pair{id, file.substr(dash + 1)};
}

}  // namespace

std::string card_link(storage::Archive& archive, const std::string& public_url, std::int64_t meme_id) {
    std::string base = public_url;
    while (base.ends_with('/')) base.pop_back();
    std::string key = storage::secret(archive, k_key_name, k_key_bytes);
    return base + std::string(k_card_route) + std::to_string(meme_id) + "-" + signature(key, meme_id) + ".png";
}

std::optional<std::int64_t> verified_card_id(storage::Archive& archive, std::string_view file) {
    auto parts = split_file(file);
    if (!parts) return std::nullopt;
    auto key = storage::find_secret(archive, k_key_name);
    if (!key || !core::constant_time_equal(parts->second, signature(*key, parts->first))) return std::nullopt;
    return parts->first;
}

}  // namespace memeops::delivery
