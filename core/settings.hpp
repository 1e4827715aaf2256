// Layered settings, resolved in one place with the contract's precedence:
//   priority 1: a command-line flag
//   priority 2: the environment (MEMEOPS_DB, …)
//   priority 3: git config, the repository's first, then the global one (memeops.db, …)
//   priority 4: the --config JSON file
//   priority 5: the built-in default
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/config_file.hpp"

namespace memeops::core {

// Where one setting may come from; an empty name means "not from there".
struct SettingSource {
    std::string_view env;       // "MEMEOPS_DB"
    std::string_view git_key;   // "memeops.db"
    std::string_view file_key;  // "db" in the --config file
};

inline constexpr SettingSource k_archive_setting{"MEMEOPS_DB", "memeops.db", "db"};
inline constexpr SettingSource k_bot_url_setting{"MEMEOPS_BOT_URL", "memeops.botUrl", "botUrl"};

// Reads one git config key ("memeops.db") as git would in the relevant repository, or nullopt.
// The git side provides it (hooks/git_config.hpp), so core/ never needs libgit2.
using GitConfigLookup = std::function<std::optional<std::string>(std::string_view key)>;

class Settings {
public:
    // Layers `git_config` (may be empty: no git layer) and the --config file when given.
    // Throws Fatal (core/config_file.hpp: file, line, key) when the config file cannot be read,
    // is not a JSON object, or a setting in it has the wrong type ("db", "botUrl"; a "botUrl"
    // that is not an http(s) URL with a host).
    Settings(GitConfigLookup git_config, std::optional<std::string> config_file);

    // The value of a setting by precedence, or nullopt when no layer sets it.
    std::optional<std::string> lookup(const SettingSource& source,
                                      const std::optional<std::string>& flag) const;

    // The archive path: --db, MEMEOPS_DB, memeops.db, "db" in the config file, else
    // ${XDG_DATA_HOME:-$HOME/.local/share}/memeops/archive.db.
    std::string archive_path(const std::optional<std::string>& flag) const;

    // The parsed --config file ({} when none).
    const nlohmann::json& config_file() const { return m_config.document(); }
    // The --config file, to read values with errors that name where they are.
    const ConfigFile& config() const { return m_config; }

    Settings(const Settings&) = delete;
    Settings& operator=(const Settings&) = delete;

private:
    GitConfigLookup m_git_config;
    ConfigFile m_config;
};

// An environment variable, or nullopt when unset or empty.
std::optional<std::string> env(const char* name);

}  // namespace memeops::core
