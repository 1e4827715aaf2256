#include "core/settings.hpp"

#include <cstdlib>

#include "core/config_keys.hpp"
#include "core/error.hpp"

namespace memeops::core {
namespace {

ConfigFile::Path in_file(const SettingSource& source) { return ConfigFile::Path() / std::string(source.file_key); }

}  // namespace

std::optional<std::string> env(const char* name) {
    const char* value = std::getenv(name);
    if (!value || !*value) return std::nullopt;
    return std::string(value);
}

Settings::Settings(GitConfigLookup git_config, std::optional<std::string> config_file)
    : m_git_config(std::move(git_config)) {
    if (!config_file) return;
    m_config = ConfigFile::read(*config_file);
    check_known_keys(m_config, ConfigFile::Path(), config_top_level_keys(), "a memeops setting");
    (void)m_config.string(in_file(k_archive_setting));
    (void)m_config.url(in_file(k_bot_url_setting));
}

std::optional<std::string> Settings::lookup(const SettingSource& source,
                                            const std::optional<std::string>& flag) const {
    if (flag) return flag;
    if (!source.env.empty())
        if (auto value = env(std::string(source.env).c_str())) return value;
    if (!source.git_key.empty())
        if (m_git_config)
            if (auto value = m_git_config(source.git_key)) return value;
    if (!source.file_key.empty()) return m_config.string(in_file(source));
    return std::nullopt;
}

std::string Settings::archive_path(const std::optional<std::string>& flag) const {
    if (auto configured = lookup(k_archive_setting, flag)) return *configured;
    if (auto xdg = env("XDG_DATA_HOME")) return *xdg + "/memeops/archive.db";
    if (auto home = env("HOME")) return *home + "/.local/share/memeops/archive.db";
    throw Fatal("cannot find the archive", "neither HOME nor XDG_DATA_HOME is set; pass --db PATH");
}

}  // namespace memeops::core
