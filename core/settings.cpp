#include "core/settings.hpp"

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>

#include "core/error.hpp"
#include "core/json.hpp"

namespace memeops::core {
namespace {

nlohmann::json read_config_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw Fatal("cannot read config " + path, "no such file or not readable");
    std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    auto parsed = parse_json(text);
    if (!parsed.ok()) throw Fatal("cannot read config " + path, parsed.error->message());
    if (!parsed.value.is_object()) throw Fatal("cannot read config " + path, "must be a JSON object");
    return std::move(parsed.value);
}

}  // namespace

std::optional<std::string> env(const char* name) {
    const char* value = std::getenv(name);
    if (!value || !*value) return std::nullopt;
    return std::string(value);
}

Settings::Settings(GitConfigLookup git_config, std::optional<std::string> config_file)
    : m_git_config(std::move(git_config)) {
    if (config_file) m_config = read_config_file(*config_file);
}

std::optional<std::string> Settings::lookup(const SettingSource& source,
                                            const std::optional<std::string>& flag) const {
    if (flag) return flag;
    if (!source.env.empty())
        if (auto value = env(std::string(source.env).c_str())) return value;
    if (!source.git_key.empty())
        if (m_git_config)
            if (auto value = m_git_config(source.git_key)) return value;
    if (!source.file_key.empty()) {
        auto it = m_config.find(std::string(source.file_key));
        if (it != m_config.end() && it->is_string()) return it->get<std::string>();
    }
    return std::nullopt;
}

std::string Settings::archive_path(const std::optional<std::string>& flag) const {
    if (auto configured = lookup(k_archive_setting, flag)) return *configured;
    if (auto xdg = env("XDG_DATA_HOME")) return *xdg + "/memeops/archive.db";
    if (auto home = env("HOME")) return *home + "/.local/share/memeops/archive.db";
    throw Fatal("cannot find the archive", "neither HOME nor XDG_DATA_HOME is set; pass --db PATH");
}

}  // namespace memeops::core
