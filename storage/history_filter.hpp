// The filters of a HistoryQuery as SQL, in one place for Archive::history (the entries) and
// count_history (how many match, for "showing 20 of 57").
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "storage/archive.hpp"

namespace memeops::storage {

// Appends `query`'s filters to `sql` (a statement that ends in "WHERE 1") as fixed fragments with
// the parameters ?1 to ?5; returns the repository they bind ("" without one), or nullopt when the
// query names a repository the archive does not know (then nothing matches).
std::optional<std::string> history_filter(Archive& archive, const HistoryQuery& query, std::string& sql);

// Binds the parameters history_filter() wrote; `repo` is what it returned.
void bind_history_filter(Statement& select, const HistoryQuery& query, const std::string& repo);

// How many entries `query` matches, its limit aside.
std::int64_t count_history(Archive& archive, const HistoryQuery& query);

}  // namespace memeops::storage
