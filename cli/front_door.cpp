#include "cli/front_door.hpp"

#include <algorithm>

#include "core/text.hpp"

namespace memeops::cli {
namespace {

// Edits (insert, delete, replace, swap two neighbours) from `a` to `b`.
size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
    for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (size_t i = 1; i <= a.size(); ++i)
        for (size_t j = 1; j <= b.size(); ++j) {
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1])});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    return d[a.size()][b.size()];
}

bool is_command(const std::string& name) {
    const auto& table = command_table();
    return std::any_of(table.begin(), table.end(), [&](const CommandSpec& spec) { return spec.name == name; });
}

}  // namespace

std::string commands_overview() {
    std::string out =
        "memeops: git hooks, training and CI reactions as bilingual memes in your chat, and an archive of every "
        "model version.\n\nUsage: memeops [--db FILE] [--config FILE] <command> [options]\n\nCommands:\n";
    size_t width = 0;
    for (const auto& spec : command_table())
        if (!spec.plumbing) width = std::max(width, spec.name.size());
    for (const auto& spec : command_table())
        if (!spec.plumbing)
            out += "  " + core::pad_to_width(spec.name, static_cast<int>(width)) + "  " + std::string(spec.summary) + "\n";
    out += "\nRun 'memeops help <command>' (or 'memeops <command> --help') for its options and an example.\n";
    return out;
}

std::optional<std::string> closest_command(const std::string& typed) {
    std::optional<std::string> best;
    size_t best_distance = typed.size() >= 6 ? 3 : 2;  // within 2 edits, 1 for short words
    for (const auto& spec : command_table()) {
        if (spec.plumbing) continue;
        std::string name(spec.name);
        size_t distance = edit_distance(typed, name);
        if (typed.size() >= 3 && name.starts_with(typed)) distance = std::min<size_t>(distance, 1);
        if (distance < best_distance) best_distance = distance, best = name;
    }
    return best;
}

std::optional<int> answer_front_door(std::vector<std::string>& args, Io& io) {
    if (args.empty() || (args.size() == 1 && (args[0] == "help" || args[0] == "-h" || args[0] == "--help"))) {
        io.out << commands_overview();
        return 0;
    }
    if (args[0] == "version" || args[0] == "-V") {
        io.out << "memeops " << MEMEOPS_VERSION << "\n";
        return 0;
    }
    if (args[0] == "help") {
        args = {args[1], "--help"};  // `help CMD` is `CMD --help`; an unknown CMD falls to the check below
    }
    if (args[0].starts_with("-") || is_command(args[0])) return std::nullopt;
    std::string typed = core::terminal_safe(args[0]);
    io.err << "memeops: '" << typed << "' is not a memeops command.";
    if (auto suggestion = closest_command(args[0])) io.err << " Did you mean '" << *suggestion << "'?";
    io.err << "\nRun 'memeops help' for the list of commands.\n";
    return 2;
}

}  // namespace memeops::cli
