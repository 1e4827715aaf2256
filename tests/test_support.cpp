#include "test_support.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "cli/command.hpp"

namespace memeops::test {
namespace fs = std::filesystem;

TempDir::TempDir() {
    std::string pattern = (fs::temp_directory_path() / "memeops-test-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    m_path = pattern;
}

TempDir::~TempDir() {
    std::error_code ignored;
    fs::permissions(m_path, fs::perms::owner_all, fs::perm_options::add, ignored);
    fs::remove_all(m_path, ignored);
}

CommandResult run_cli(const std::vector<std::string>& args, const std::string& input) {
    std::ostringstream out;
    std::ostringstream err;
    std::istringstream in(input);
    cli::Io io{out, err, cli::Terminal{}, &in};
    int code = cli::run(args, io);
    return {code, out.str(), err.str()};
}

namespace {

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

pid_t spawn_process(const std::string& program, const std::vector<std::string>& args,
                    const std::map<std::string, std::string>& env, const std::string& out_path,
                    const std::string& err_path) {
    pid_t pid = fork();
    if (pid == 0) {
        int out_fd = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int err_fd = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int null_fd = open("/dev/null", O_RDONLY);
        dup2(null_fd, 0);
        dup2(out_fd, 1);
        dup2(err_fd, 2);
        for (const auto& [name, value] : env) setenv(name.c_str(), value.c_str(), 1);
        std::vector<char*> argv{const_cast<char*>(program.c_str())};
        for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
        argv.push_back(nullptr);
        execvp(program.c_str(), argv.data());
        _exit(127);
    }
    return pid;
}

CommandResult run_process(const std::string& program, const std::vector<std::string>& args,
                          const std::map<std::string, std::string>& env, int timeout_s) {
    TempDir capture;
    std::string out_path = capture.file("out");
    std::string err_path = capture.file("err");
    pid_t pid = spawn_process(program, args, env, out_path, err_path);
    int status = 0;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
    while (waitpid(pid, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return {-1, slurp(out_path), slurp(err_path) + "\n[killed after timeout]"};
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return {code, slurp(out_path), slurp(err_path)};
}

CommandResult run_memeops(const std::vector<std::string>& args,
                          const std::map<std::string, std::string>& env) {
    return run_process(MEMEOPS_BINARY, args, env);
}

int wait_for_children(const std::vector<int>& pids) {
    int failed = 0;
    for (int pid : pids) {
        int status = 0;
        waitpid(pid, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ++failed;
    }
    return failed;
}

void write_file(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
}

std::string fake_sha(int n) {
    std::mt19937_64 rng(static_cast<std::uint64_t>(n) * 7919 + 17);
    static const char* k_hex = "0123456789abcdef";
    std::string sha;
    for (int i = 0; i < 40; ++i) sha += k_hex[rng() % 16];
    return sha;
}

storage::Entry sample_entry(storage::EntryKind kind, int n) {
    using storage::EntryKind;
    storage::Entry entry;
    entry.kind = kind;
    entry.time = 1'764'000'000'000 + static_cast<core::TimeMs>(n) * 60'000;
    entry.repo = "git@example.com:lab/vision-model.git";
    entry.branch = n % 2 == 0 ? "main" : "feature/aug";
    switch (kind) {
        case EntryKind::commit:
        case EntryKind::version:
            entry.commit = fake_sha(n);
            entry.summary = "commit " + std::to_string(n) + ": tune the learning rate";
            entry.body = *entry.summary + "\n\nlonger description " + std::to_string(n);
            entry.details = {{"author", "Lin <lin@example.com>"}, {"files", 3}};
            if (kind == EntryKind::version) {
                entry.tag = entry.commit->substr(0, 8) + "-v" + std::to_string(n) + "-yyds";
                entry.docker_tag = entry.tag;
                entry.display = "YYDS 👑 " + entry.commit->substr(0, 8);
                entry.metrics = {{"val_acc", 0.9}, {"loss", 0.12}};
            }
            break;
        case EntryKind::training:
            entry.run = "run-" + std::to_string(n);
            entry.summary = "run-" + std::to_string(n) + " epoch 3";
            entry.metrics = {{"loss", 0.5}, {"val_loss", 0.7}};
            break;
        case EntryKind::ci:
            entry.commit = fake_sha(n);
            entry.summary = "train-and-eval failure";
            entry.details = {{"provider", "github"}, {"status", "failure"}};
            break;
        case EntryKind::message:
            entry.repo.reset();
            entry.branch.reset();
            entry.summary = "message " + std::to_string(n);
            entry.body = "loss is nan again, great";
            break;
    }
    return entry;
}

}  // namespace memeops::test
