#include "hooks/git_config.hpp"

namespace memeops::hooks {
namespace {

// Opens lazily and keeps libgit2 initialised for as long as the snapshot lives.
class ConfigSnapshot {
public:
    explicit ConfigSnapshot(std::string dir) : m_dir(std::move(dir)) {}
    ~ConfigSnapshot() {
        if (!m_opened) return;
        git_config_free(m_config);
        git_libgit2_shutdown();
    }
    ConfigSnapshot(const ConfigSnapshot&) = delete;
    ConfigSnapshot& operator=(const ConfigSnapshot&) = delete;

    std::optional<std::string> get(std::string_view key) {
        open();
        if (!m_config) return std::nullopt;
        git_buf value = GIT_BUF_INIT;
        std::optional<std::string> result;
        if (git_config_get_string_buf(&value, m_config, std::string(key).c_str()) == 0)
            result = std::string(value.ptr, value.size);
        git_buf_dispose(&value);
        return result;
    }

private:
    void open() {
        if (m_opened) return;
        m_opened = true;
        git_libgit2_init();
        git_repository* repo = nullptr;
        if (git_repository_open_ext(&repo, m_dir.c_str(), 0, nullptr) == 0) {
            git_repository_config_snapshot(&m_config, repo);
            git_repository_free(repo);
            return;
        }
        git_config* live = nullptr;
        if (git_config_open_default(&live) == 0) {
            git_config_snapshot(&m_config, live);
            git_config_free(live);
        }
    }

    std::string m_dir;
    bool m_opened = false;
    git_config* m_config = nullptr;
};

}  // namespace

core::GitConfigLookup git_config_lookup(std::optional<std::string> dir) {
    auto snapshot = std::make_shared<ConfigSnapshot>(dir.value_or("."));
    return [snapshot](std::string_view key) { return snapshot->get(key); };
}

}  // namespace memeops::hooks
