#include "cli/front_door.hpp"

#include <algorithm>

#include "core/suggest.hpp"
#include "core/text.hpp"

namespace memeops::cli {
namespace {

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
    std::vector<std::string> names;
    for (const auto& spec : command_table())
        if (!spec.plumbing) names.emplace_back(spec.name);
    return core::closest_match(typed, names);
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
