#include "cli/repo_argument.hpp"

#include <filesystem>

#include "hooks/git.hpp"

namespace memeops::cli {

std::string repo_argument(const std::string& value) {
    std::error_code error;
    if (value.empty() || !std::filesystem::is_directory(value, error)) return value;
    hooks::LibGit2 lib;
    git_repository* raw = nullptr;
    if (git_repository_open_ext(&raw, value.c_str(), 0, nullptr) != 0) return value;
    hooks::Repository repo(raw);
    return hooks::repository_identity(repo.get());
}

}  // namespace memeops::cli
