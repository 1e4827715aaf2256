#include "cli/entry_view.hpp"

#include <cmath>
#include <set>
#include <sstream>

#include "cli/table.hpp"
#include "core/repo_identity.hpp"
#include "core/text.hpp"

namespace memeops::cli {
namespace {

using storage::Entry;

std::string priority_colour(int priority) {
    static const char* k_colours[] = {"1;31", "31", "33", "36"};
    return priority >= 0 && priority <= 3 ? k_colours[priority] : "";
}

std::string format_metric(double value) {
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
    std::ostringstream out;
    out.precision(6);
    out << value;
    return out.str();
}

std::string metrics_line(const storage::Metrics& metrics) {
    std::string line;
    for (const auto& [name, value] : metrics) {
        if (!line.empty()) line += "  ";
        line += name + "=" + format_metric(value);
    }
    return line;
}

void print_field(std::ostream& out, const Terminal& terminal, std::string_view label,
                 const std::optional<std::string>& value) {
    if (!value || value->empty()) return;
    out << "  " << terminal.paint(core::pad_to_width(label, 9), "2") << " " << core::terminal_safe(*value) << "\n";
}

void print_memes(std::ostream& out, const Entry& entry, const Terminal& terminal) {
    if (entry.memes.empty()) return;
    out << "  " << terminal.paint("memes", "2") << "\n";
    for (const auto& meme : entry.memes) {
        out << "    " << terminal.paint(storage::priority_label(meme.priority), priority_colour(meme.priority))
            << " " << meme.reaction << "  " << core::terminal_safe(meme.caption) << "\n";
        if (!meme.caption_en.empty() && meme.caption_en != meme.caption)
            out << "       " << terminal.paint(core::terminal_safe(meme.caption_en), "2") << "\n";
        for (const auto& d : meme.deliveries) {
            out << "       → " << d.destination << ": " << storage::to_string(d.state) << " ("
                << core::count_of(d.attempts, "attempt", "attempts") << ")";
            if (d.last_error) out << ", last error: " << core::terminal_safe(*d.last_error);
            out << "\n";
        }
    }
    // Cards are drawn again on demand, the same bytes every time: where to get them.
    std::string card = "memeops card '#" + std::to_string(entry.id) + "'";
    if (entry.memes.size() > 1) card += " (the most urgent; --reaction for another)";
    print_field(out, terminal, "card", card);
}

// What the SUMMARY column says: for commits and versions the commit subject first (people know a
// commit by it), then the meme's caption; for other entries the caption first.
std::string table_summary(const Entry& entry) {
    std::string subject = entry.summary.value_or(core::first_line(entry.body));
    if (entry.memes.empty()) return subject;
    const std::string& caption = entry.memes.front().caption;
    bool git = entry.kind == storage::EntryKind::commit || entry.kind == storage::EntryKind::version;
    return git ? subject + "  " + caption : caption + "  " + subject;
}

// Each entry's repository as the REPO column shows it (short names, or identities when two
// short names are the same); empty when the entries come from one repository (or none).
std::vector<std::string> repo_labels(const std::vector<Entry>& entries) {
    std::set<std::string> identities, short_names;
    for (const auto& entry : entries) {
        if (!entry.repo) continue;
        identities.insert(*entry.repo);
        short_names.insert(core::repo_short_name(*entry.repo));
    }
    if (identities.size() < 2) return {};
    bool short_enough = short_names.size() == identities.size();
    std::vector<std::string> labels;
    for (const auto& entry : entries) {
        std::string repo = entry.repo.value_or("");
        labels.push_back(short_enough && !repo.empty() ? core::repo_short_name(repo) : repo);
    }
    return labels;
}

}  // namespace

std::string entry_name(const Entry& entry) {
    if (entry.tag) return *entry.tag;
    if (entry.commit) return entry.commit->substr(0, 8);
    if (entry.run) return *entry.run;
    return "";
}

void print_entry_table(std::ostream& out, const std::vector<Entry>& entries,
                       const Terminal& terminal, core::TimeMs now) {
    auto repos = repo_labels(entries);
    std::vector<std::string> headers{"ID", "WHEN", "KIND", "BRANCH", "NAME", "SUMMARY"};
    if (!repos.empty()) headers.insert(headers.begin() + 3, "REPO");
    Table table(headers);
    table.set_column_colour(0, "2");
    table.set_column_colour(2, "36");
    table.set_column_colour(repos.empty() ? 4 : 5, "33");
    for (size_t i = 0; i < entries.size(); ++i) {
        const Entry& entry = entries[i];
        std::vector<std::string> row{std::to_string(entry.id), core::format_relative(entry.time, now),
                                     std::string(storage::to_string(entry.kind)), entry.branch.value_or(""),
                                     entry_name(entry), table_summary(entry)};
        if (!repos.empty()) row.insert(row.begin() + 3, repos[i]);
        table.add_row(std::move(row));
    }
    out << table.render(terminal);
}

void print_entry_detail(std::ostream& out, const Entry& entry, const Terminal& terminal,
                        core::TimeMs now) {
    out << terminal.paint(std::string(storage::to_string(entry.kind)), "1;36") << " "
        << terminal.paint("#" + std::to_string(entry.id), "2");
    if (entry.tag) out << "  " << terminal.paint(core::terminal_safe(*entry.tag), "1;33");
    if (entry.display) out << "  " << core::terminal_safe(*entry.display);
    out << "\n";
    print_field(out, terminal, "time",
                core::format_iso8601(entry.time) + " (" + core::format_relative(entry.time, now) + ")");
    print_field(out, terminal, "repo", entry.repo);
    print_field(out, terminal, "branch", entry.branch);
    print_field(out, terminal, "commit", entry.commit);
    print_field(out, terminal, "run", entry.run);
    print_field(out, terminal, "docker", entry.docker_tag);
    print_field(out, terminal, "summary", entry.summary);
    if (entry.rewritten_into)
        print_field(out, terminal, "rewritten", "into #" + std::to_string(*entry.rewritten_into));
    print_field(out, terminal, "metrics", metrics_line(entry.metrics));
    if (!entry.body.empty() && entry.body != entry.summary.value_or("")) {
        out << "\n";
        std::istringstream body(entry.body);
        for (std::string line; std::getline(body, line);) out << "    " << core::terminal_safe(line) << "\n";
        out << "\n";
    }
    print_memes(out, entry, terminal);
}

void print_entries_json(std::ostream& out, const std::vector<Entry>& entries) {
    nlohmann::json array = nlohmann::json::array();
    for (const auto& entry : entries) array.push_back(storage::to_json(entry));
    out << array.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

}  // namespace memeops::cli
