// Shared pieces of the test suite: temporary folders, running the CLI in-process or as the real
// binary, and entries to archive.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "storage/entry.hpp"

namespace memeops::test {

// A fresh folder under the system temp dir, removed with everything in it on destruction.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return m_path; }
    std::string file(const std::string& name) const { return (m_path / name).string(); }

private:
    std::filesystem::path m_path;
};

struct CommandResult {
    int code = -1;
    std::string out;
    std::string err;
};

// Runs `memeops ARGS…` in this process (no terminal: plain output), with `input` as stdin.
CommandResult run_cli(const std::vector<std::string>& args, const std::string& input = "");

// Runs an executable with `args` as a child process, with extra environment variables, and
// waits for it (killing it after `timeout_s`).
CommandResult run_process(const std::string& program, const std::vector<std::string>& args,
                          const std::map<std::string, std::string>& env = {}, int timeout_s = 60);

// Starts an executable in the background with its stdout and stderr in files; returns its pid.
pid_t spawn_process(const std::string& program, const std::vector<std::string>& args,
                    const std::map<std::string, std::string>& env, const std::string& out_path,
                    const std::string& err_path);

// Runs the built memeops binary.
CommandResult run_memeops(const std::vector<std::string>& args,
                          const std::map<std::string, std::string>& env = {});

// Waits for every child process and returns how many did not exit with status 0.
int wait_for_children(const std::vector<int>& pids);

// Writes `text` to `path`.
void write_file(const std::string& path, const std::string& text);

// An entry of the given kind with plausible fields; `n` varies the times and shas.
storage::Entry sample_entry(storage::EntryKind kind, int n);

// A 40-hex-digit sha derived from `n`.
std::string fake_sha(int n);

}  // namespace memeops::test
