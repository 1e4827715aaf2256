#include "test_repo.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

namespace memeops::test {
namespace fs = std::filesystem;

TestRepo::TestRepo(HookMode mode) : m_path(m_dir.file("repo")), m_db(m_dir.file("archive.db")) {
    m_env = {{"MEMEOPS_DB", m_db},
             {"HOME", m_dir.path().string()},
             {"XDG_STATE_HOME", m_dir.file("state")},
             {"GIT_CONFIG_NOSYSTEM", "1"},
             {"GIT_EDITOR", "true"},
             {"MEMEOPS_HOOK_FOREGROUND", mode == HookMode::foreground ? "1" : "0"}};
    REQUIRE(git({"init", "-q", "-b", "main", m_path}).code == 0);
    git({"config", "user.name", "Lin"});
    git({"config", "user.email", "lin@example.com"});
}

std::string TestRepo::hook_log() const { return read_text(hook_log_path()); }

std::map<std::string, std::string> TestRepo::env() const { return m_env; }

void TestRepo::set_env(const std::string& name, const std::string& value) {
    if (value.empty()) m_env.erase(name);
    else m_env[name] = value;
}

CommandResult TestRepo::git(const std::vector<std::string>& args, const std::map<std::string, std::string>& extra) const {
    std::vector<std::string> full{"-C", m_path};
    if (args.size() >= 2 && args[0] == "init") full.clear();
    full.insert(full.end(), args.begin(), args.end());
    auto vars = env();
    for (const auto& [k, v] : extra) vars[k] = v;
    return run_process("git", full, vars);
}

CommandResult TestRepo::run_in_repo(const std::vector<std::string>& args,
                                    const std::map<std::string, std::string>& extra) const {
    std::string command = "exec \"$memeops_bin\"";
    for (const auto& a : args) command += " " + shell_quote(a);
    return sh(command, extra);
}

CommandResult TestRepo::sh(const std::string& command, const std::map<std::string, std::string>& extra) const {
    auto vars = env();
    for (const auto& [k, v] : extra) vars[k] = v;
    std::string line = "memeops_bin=" + shell_quote(MEMEOPS_BINARY) + "; cd " + shell_quote(m_path) + " && " + command;
    return run_process("sh", {"-c", line}, vars);
}

CommandResult TestRepo::commit_file(const std::string& name, const std::string& text, const std::string& message,
                                    const std::map<std::string, std::string>& extra) const {
    fs::create_directories(fs::path(m_path + "/" + name).parent_path());
    write_file(m_path + "/" + name, text);
    git({"add", name}, extra);
    return git({"commit", "-q", "-m", message}, extra);
}

std::string TestRepo::head() const { return git({"rev-parse", "HEAD"}).out.substr(0, 40); }

nlohmann::json TestRepo::history(const std::string& kind, const std::vector<std::string>& more) const {
    std::vector<std::string> args{"history", "--json", "--limit", "1000"};
    if (!kind.empty()) args.insert(args.end(), {"--kind", kind});
    args.insert(args.end(), more.begin(), more.end());
    auto r = run_in_repo(args);
    INFO("history " << kind << ": " << r.err);
    REQUIRE(r.code == 0);
    return nlohmann::json::parse(r.out);
}

nlohmann::json TestRepo::entry_of(const std::string& sha) const {
    for (const auto& e : history())
        if (e["commit"] == sha) return e;
    return nullptr;
}

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string shell_quote(const std::string& word) {
    std::string out = "'";
    for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

size_t count_of(const std::string& haystack, const std::string& needle) {
    size_t n = 0;
    for (size_t at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + needle.size())) ++n;
    return n;
}

}  // namespace memeops::test
