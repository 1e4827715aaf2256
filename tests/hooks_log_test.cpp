// The hook log: where hooks write what went wrong. It stays in the user's own state folder and
// does not grow without bound.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>

#include "hooks/hook_log.hpp"
#include "test_support.hpp"

using namespace memeops;
namespace fs = std::filesystem;

namespace {

// Sets an environment variable for one scope (each test case runs in its own process).
class ScopedVariable {
public:
    ScopedVariable(const char* name, const std::string& value) : m_name(name) {
        if (const char* old = std::getenv(name)) m_old = old;
        setenv(name, value.c_str(), 1);
    }
    ~ScopedVariable() { m_old ? setenv(m_name, m_old->c_str(), 1) : unsetenv(m_name); }

private:
    const char* m_name;
    std::optional<std::string> m_old;
};

}  // namespace

TEST_CASE("hooks::append_hook_log moves a log past 1 MiB aside and starts a new one") {
    test::TempDir dir;
    ScopedVariable state("XDG_STATE_HOME", dir.path().string());
    std::string path = hooks::hook_log_path();
    CHECK(path == (dir.path() / "memeops" / "hook.log").string());
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path) << std::string(1024 * 1024 + 10, 'x') << "\n";
    hooks::append_hook_log("post-commit", "the archive is locked");
    CHECK(fs::file_size(path + ".1") > 1024 * 1024);
    CHECK(fs::file_size(path) < 1000);
    auto lines = hooks::recent_hook_log_lines(5);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].find("post-commit") != std::string::npos);
    CHECK(lines[0].find("the archive is locked") != std::string::npos);
}

TEST_CASE("hooks::hook_log_path never falls back to a shared folder such as /tmp") {
    ScopedVariable no_state("XDG_STATE_HOME", ""), no_home("HOME", "");  // restored afterwards
    unsetenv("XDG_STATE_HOME");
    unsetenv("HOME");
    std::string path = hooks::hook_log_path();  // from the password database, or none
    CHECK_FALSE(path.starts_with("/tmp"));
    CHECK((path.empty() || path.ends_with("/.local/state/memeops/hook.log")));
}
