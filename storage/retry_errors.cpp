#include "storage/retry_errors.hpp"

namespace memeops::storage {

std::map<std::string, std::string> retry_errors(Archive& archive) {
    auto select = archive.database().cached(
        "SELECT destination, last_error FROM deliveries WHERE state = 'pending' AND last_error IS NOT NULL "
        "ORDER BY next_attempt, meme_id");
    std::map<std::string, std::string> out;
    while (select.step()) out[select.column_text(0)] = select.column_text(1);  // the latest wins
    select.reset();
    return out;
}

}  // namespace memeops::storage
