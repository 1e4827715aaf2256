#include "core/settings.hpp"

#include <git2.h>

#include <cstdlib>
#include <fstream>
#include <memory>

#include "core/error.hpp"

namespace memeops::core {
namespace {

nlohmann::json read_config_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw Fatal("cannot read config " + path, "no such file or not readable");
    nlohmann::json parsed = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) throw Fatal("cannot read config " + path, "not valid JSON");
    if (!parsed.is_object()) throw Fatal("cannot read config " + path, "must be a JSON object");
    return parsed;
}

// Opens the config git itself would use from `dir`: the repository's (which includes global and
// system) when `dir` is inside one, else the global and system files.
git_config* open_git_config(const std::string& dir) {
    git_repository* repo = nullptr;
    git_config* config = nullptr;
    if (git_repository_open_ext(&repo, dir.c_str(), 0, nullptr) == 0) {
        git_repository_config_snapshot(&config, repo);
        git_repository_free(repo);
        return config;
    }
    git_config* live = nullptr;
    if (git_config_open_default(&live) == 0) {
        git_config_snapshot(&config, live);
        git_config_free(live);
    }
    return config;
}

}  // namespace

std::optional<std::string> env(const char* name) {
    const char* value = std::getenv(name);
    if (!value || !*value) return std::nullopt;
    return std::string(value);
}

Settings::Settings(std::optional<std::string> repo_dir, std::optional<std::string> config_file)
    : m_repo_dir(std::move(repo_dir)) {
    if (config_file) m_config = read_config_file(*config_file);
}

Settings::~Settings() {
    if (!m_git_config_opened) return;
    git_config_free(m_git_config);
    git_libgit2_shutdown();  // pairs the init in from_git_config
}

std::optional<std::string> Settings::from_git_config(std::string_view key) const {
    if (!m_git_config_opened) {
        m_git_config_opened = true;
        git_libgit2_init();
        m_git_config = open_git_config(m_repo_dir.value_or("."));
    }
    if (!m_git_config) return std::nullopt;
    git_buf value = GIT_BUF_INIT;
    std::optional<std::string> result;
    if (git_config_get_string_buf(&value, m_git_config, std::string(key).c_str()) == 0)
        result = std::string(value.ptr, value.size);
    git_buf_dispose(&value);
    return result;
}

std::optional<std::string> Settings::lookup(const SettingSource& source,
                                            const std::optional<std::string>& flag) const {
    if (flag) return flag;
    if (!source.env.empty())
        if (auto value = env(std::string(source.env).c_str())) return value;
    if (!source.git_key.empty())
        if (auto value = from_git_config(source.git_key)) return value;
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
