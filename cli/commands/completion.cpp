// memeops completion bash|zsh|fish: a completion script for the shell, written from the same
// command table and options `--help` shows, so it never lists a command or flag that does not
// exist. Hidden (plumbing) commands are left out.
#include <sstream>

#include "cli/command.hpp"
#include "core/error.hpp"
#include "core/text.hpp"

namespace memeops::cli {
namespace {

// What a completion needs of one option.
struct OptionInfo {
    std::string short_name;  // "n", or empty
    std::string long_name;   // "limit", or empty for a positional
    std::string description;
    bool takes_value = false;
    bool positional = false;
};

struct CommandInfo {
    std::string name;
    std::string summary;
    std::vector<OptionInfo> options;
};

std::vector<OptionInfo> options_of(const CLI::App& app) {
    std::vector<OptionInfo> out;
    for (const CLI::Option* option : app.get_options()) {
        OptionInfo info;
        if (!option->get_snames().empty()) info.short_name = option->get_snames().front();
        if (!option->get_lnames().empty()) info.long_name = option->get_lnames().front();
        if (info.long_name == "help") continue;  // every shell offers its own
        info.positional = option->get_positional();
        info.takes_value = option->get_expected_min() > 0;
        info.description = core::first_line(option->get_description());
        out.push_back(std::move(info));
    }
    return out;
}

std::vector<CommandInfo> commands_of(const CLI::App& root) {
    std::vector<CommandInfo> out;
    for (const CLI::App* sub : root.get_subcommands([](const CLI::App*) { return true; })) {
        if (sub->get_group().empty()) continue;  // plumbing: hidden from help, and from completion
        out.push_back({sub->get_name(), sub->get_description(), options_of(*sub)});
    }
    return out;
}

std::string flags_of(const std::vector<OptionInfo>& options) {
    std::vector<std::string> flags;
    for (const auto& o : options) {
        if (!o.short_name.empty()) flags.push_back("-" + o.short_name);
        if (!o.long_name.empty()) flags.push_back("--" + o.long_name);
    }
    return core::join(flags, " ");
}

// Bash: the command is the first word that is not an option (or an option's value).
std::string bash_script(const std::vector<CommandInfo>& commands, const std::vector<OptionInfo>& globals) {
    std::ostringstream s;
    std::vector<std::string> names, valued;
    for (const auto& c : commands) names.push_back(c.name);
    for (const auto& o : globals)
        if (o.takes_value) valued.push_back("--" + o.long_name);
    s << "# memeops completion for bash. Load it with: source <(memeops completion bash)\n"
         "# or install it: memeops completion bash > /etc/bash_completion.d/memeops\n"
         "_memeops() {\n"
         "    local cur=${COMP_WORDS[COMP_CWORD]} command=\"\" i\n"
         "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
         "        case ${COMP_WORDS[i]} in\n"
         "            " << core::join(valued, "|") << ") ((i++)) ;;\n"
         "            -*) ;;\n"
         "            *) command=${COMP_WORDS[i]}; break ;;\n"
         "        esac\n"
         "    done\n"
         "    local globals=\"" << flags_of(globals) << "\" options=\"\"\n"
         "    case $command in\n"
         "        \"\") [[ $cur == -* ]] && COMPREPLY=($(compgen -W \"$globals\" -- \"$cur\")) ||\n"
         "              COMPREPLY=($(compgen -W \"" << core::join(names, " ") << "\" -- \"$cur\"))\n"
         "            return ;;\n"
         "        completion) [[ $cur != -* ]] && { COMPREPLY=($(compgen -W \"bash zsh fish\" -- \"$cur\")); return; } ;;\n"
         "    esac\n"
         "    case $command in\n";
    for (const auto& c : commands) s << "        " << c.name << ") options=\"" << flags_of(c.options) << "\" ;;\n";
    s << "    esac\n"
         "    if [[ $cur == -* ]]; then\n"
         "        COMPREPLY=($(compgen -W \"$options $globals\" -- \"$cur\"))\n"
         "    else\n"
         "        COMPREPLY=($(compgen -f -- \"$cur\"))\n"
         "    fi\n"
         "}\n"
         "complete -o filenames -F _memeops memeops\n";
    return s.str();
}

// Text inside a zsh _arguments or _describe spec, itself inside single quotes.
std::string zsh_text(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '\'') out += "'\\''";
        else if (c == '[' || c == ']' || c == ':' || c == '\\') out += std::string("\\") + c;
        else out += c;
    }
    return out;
}

std::string zsh_option(const OptionInfo& o) {
    std::string value = o.takes_value ? ":value:_files" : "";
    std::string text = "[" + zsh_text(o.description) + "]" + value;
    if (o.positional) return "'*:" + zsh_text(o.description.empty() ? "argument" : o.description) + ":_files'";
    if (!o.short_name.empty() && !o.long_name.empty())
        return "'(-" + o.short_name + " --" + o.long_name + ")'{-" + o.short_name + ",--" + o.long_name + "}'" + text + "'";
    return "'" + (o.long_name.empty() ? "-" + o.short_name : "--" + o.long_name) + text + "'";
}

std::string zsh_script(const std::vector<CommandInfo>& commands, const std::vector<OptionInfo>& globals) {
    std::ostringstream s;
    s << "#compdef memeops\n"
         "# memeops completion for zsh. Install it: memeops completion zsh > \"${fpath[1]}/_memeops\"\n"
         "_memeops() {\n"
         "    local -a commands globals\n"
         "    commands=(\n";
    for (const auto& c : commands) s << "        '" << zsh_text(c.name) << ":" << zsh_text(c.summary) << "'\n";
    s << "    )\n    globals=(";
    for (const auto& o : globals) s << " " << zsh_option(o);
    s << " )\n"
         "    if (( CURRENT == 2 )); then\n"
         "        _describe -t commands 'memeops command' commands\n"
         "        return\n"
         "    fi\n"
         "    local command=$words[2]\n"
         "    (( CURRENT-- )); shift words\n"
         "    case $command in\n"
         "        completion) _values 'shell' bash zsh fish ;;\n";
    for (const auto& c : commands) {
        if (c.name == "completion") continue;
        s << "        " << c.name << ") _arguments -s $globals";
        for (const auto& o : c.options) s << " " << zsh_option(o);
        s << " ;;\n";
    }
    s << "    esac\n"
         "}\n"
         "_memeops \"$@\"\n";
    return s.str();
}

// Text inside a fish single-quoted string.
std::string fish_text(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '\'' || c == '\\') out += '\\';
        out += c;
    }
    return out;
}

std::string fish_option(const OptionInfo& o, const std::string& condition) {
    if (o.positional) return "";
    std::string line = "complete -c memeops" + condition;
    if (!o.short_name.empty()) line += " -s " + o.short_name;
    if (!o.long_name.empty()) line += " -l " + o.long_name;
    if (o.takes_value) line += " -r -F";
    return line + " -d '" + fish_text(o.description) + "'\n";
}

std::string fish_script(const std::vector<CommandInfo>& commands, const std::vector<OptionInfo>& globals) {
    std::ostringstream s;
    s << "# memeops completion for fish. Install it:\n"
         "# memeops completion fish > ~/.config/fish/completions/memeops.fish\n"
         "complete -c memeops -f\n";
    for (const auto& o : globals) s << fish_option(o, "");
    for (const auto& c : commands)
        s << "complete -c memeops -n __fish_use_subcommand -a " << c.name << " -d '" << fish_text(c.summary) << "'\n";
    s << "complete -c memeops -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'\n";
    for (const auto& c : commands) {
        std::string condition = " -n '__fish_seen_subcommand_from " + c.name + "'";
        for (const auto& o : c.options) s << fish_option(o, condition);
    }
    return s.str();
}

int run_completion(CLI::App& app, Context& context, const std::string& shell) {
    const CLI::App& root = *app.get_parent();
    auto commands = commands_of(root);
    auto globals = options_of(root);
    std::string script;
    if (shell == "bash") script = bash_script(commands, globals);
    else if (shell == "zsh") script = zsh_script(commands, globals);
    else if (shell == "fish") script = fish_script(commands, globals);
    else throw core::UsageError("completion is for bash, zsh or fish, not \"" + core::terminal_safe(shell) + "\"");
    context.io().out << script;
    return 0;
}

}  // namespace

Handler define_completion(CLI::App& app, Context& context) {
    auto shell = std::make_shared<std::string>();
    app.footer("Examples:\n  source <(memeops completion bash)\n"
               "  memeops completion zsh > \"${fpath[1]}/_memeops\"\n"
               "  memeops completion fish > ~/.config/fish/completions/memeops.fish");
    app.add_option("SHELL", *shell, "bash, zsh or fish")->required();
    return [&app, &context, shell] { return run_completion(app, context, *shell); };
}

}  // namespace memeops::cli
