// How archive entries look to people and to scripts.
#pragma once

#include <ostream>
#include <vector>

#include "cli/terminal.hpp"
#include "core/time.hpp"
#include "storage/entry.hpp"

namespace memeops::cli {

// A table of entries (history, search): id, when, kind, branch, name, summary.
void print_entry_table(std::ostream& out, const std::vector<storage::Entry>& entries,
                       const Terminal& terminal, core::TimeMs now);

// One entry in full (show): fields, metrics, memes and each delivery's state.
void print_entry_detail(std::ostream& out, const storage::Entry& entry, const Terminal& terminal,
                        core::TimeMs now);

// A JSON array of entries, one document, as contract §7 shapes them.
void print_entries_json(std::ostream& out, const std::vector<storage::Entry>& entries);

// The name people know an entry by: its tag, the short commit, or its run.
std::string entry_name(const storage::Entry& entry);

}  // namespace memeops::cli
