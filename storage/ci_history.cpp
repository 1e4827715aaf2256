#include "storage/ci_history.hpp"

#include <algorithm>

namespace memeops::storage {

std::vector<std::string> ci_statuses(Archive& archive, const std::optional<std::string>& repo,
                                     const std::optional<std::string>& branch, const std::string& pipeline,
                                     std::int64_t up_to, int limit) {
    auto select = archive.database().cached(
        "SELECT json_extract(details, '$.event.status') FROM entries WHERE kind = 'ci' AND repo IS ?1 "
        "AND branch IS ?2 AND json_extract(details, '$.event.name') = ?3 AND id <= ?4 ORDER BY id DESC LIMIT ?5");
    select.bind_all(repo, branch, pipeline, up_to, limit);
    std::vector<std::string> statuses;
    while (select.step()) statuses.push_back(select.column_text(0));
    select.reset();
    std::reverse(statuses.begin(), statuses.end());
    return statuses;
}

}  // namespace memeops::storage
