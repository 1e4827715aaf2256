// memeops-hook: the program git runs for each hook memeops installs (the hook is a symbolic
// link to it, named after the hook).
//
// It keeps git's wait short. A hook that was there before (<name>.pre-memeops) runs first, with
// the same arguments and standard input, and its exit status is ours. Then, by the hook:
// - post-commit: an ordinary commit (post_commit_check.hpp) goes to a detached
//   `memeops hook post-commit` and git returns at once; a possible model version runs memeops in
//   the foreground, which tags it and prints its one line before git returns;
// - post-rewrite: memeops moves version tags in the foreground, then detaches;
// - post-merge: detached.
// MEMEOPS=0 runs only the previous hook; MEMEOPS_HOOK_FOREGROUND=1 runs all of memeops in the
// foreground; MEMEOPS_TRACE=1 prints the post-commit route and why on stderr. It never fails a
// git command: whatever goes wrong, memeops is skipped and the previous hook's status stands.
#include <fcntl.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "hooks/launcher/git_index.hpp"
#include "hooks/launcher/hook_cache.hpp"
#include "hooks/launcher/hook_names.hpp"
#include "hooks/launcher/post_commit_check.hpp"

extern char** environ;

namespace memeops::hooks::launcher {
namespace {

constexpr off_t k_reflog_tail_bytes = 64 * 1024;

struct Invocation {
    std::string name;       // the hook, from the link's name
    std::string folder;     // where the hook lives, with the previous hook
    std::vector<std::string> args;
    std::optional<std::string> input;  // standard input, for hooks git feeds
};

bool env_is(const char* name, std::string_view value) {
    const char* set = std::getenv(name);
    return set && value == set;
}

std::optional<std::string> read_file(const std::string& path, off_t tail = -1) {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    struct stat info {};
    std::optional<std::string> text;
    if (fstat(fd, &info) == 0) {
        off_t from = tail >= 0 && info.st_size > tail ? info.st_size - tail : 0;
        std::string bytes(static_cast<size_t>(info.st_size - from), '\0');
        ssize_t got = bytes.empty() ? 0 : pread(fd, bytes.data(), bytes.size(), from);
        if (got == static_cast<ssize_t>(bytes.size())) text = std::move(bytes);
    }
    close(fd);
    return text;
}

std::string read_all(int fd) {
    std::string text;
    char buffer[65536];
    for (ssize_t got; (got = read(fd, buffer, sizeof buffer)) != 0;) {
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) break;
        text.append(buffer, static_cast<size_t>(got));
    }
    return text;
}

bool is_executable(const std::string& path) {
    struct stat info {};
    return stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) && access(path.c_str(), X_OK) == 0;
}

std::string folder_of(const std::string& path) {
    size_t slash = path.rfind('/');
    return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}

// memeops beside this program (the install puts them together), else from PATH.
std::string find_memeops() {
    char self[4096];
    ssize_t length = readlink("/proc/self/exe", self, sizeof self - 1);
    if (length > 0) {
        std::string beside = folder_of(std::string(self, static_cast<size_t>(length))) + "/memeops";
        if (is_executable(beside)) return beside;
    }
    const char* path = std::getenv("PATH");
    std::string_view dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
    while (!dirs.empty()) {
        size_t colon = dirs.find(':');
        std::string candidate = std::string(dirs.substr(0, colon)) + "/memeops";
        if (is_executable(candidate)) return candidate;
        dirs = colon == std::string_view::npos ? std::string_view() : dirs.substr(colon + 1);
    }
    return {};
}

// A file holding `text`, positioned at its start, to be a child's standard input.
int input_file(const std::string& text) {
    int fd = memfd_create("memeops-hook-input", MFD_CLOEXEC);
    if (fd < 0) return -1;
    size_t done = 0;
    while (done < text.size()) {
        ssize_t wrote = write(fd, text.data() + done, text.size() - done);
        if (wrote < 0 && errno == EINTR) continue;
        if (wrote <= 0) break;
        done += static_cast<size_t>(wrote);
    }
    lseek(fd, 0, SEEK_SET);
    return fd;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
    std::vector<char*> out;
    for (auto& s : strings) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

struct Spawn {
    std::vector<std::string> argv;
    std::optional<std::string> input;  // else standard input is inherited (or /dev/null, detached)
    bool stdout_to_stderr = false;     // git shows a hook's stderr; stdout stays clean for pipes
    bool detached = false;             // own session, /dev/null streams, no inherited descriptors
    bool stdin_null = false;           // standard input from /dev/null when there is no `input`
    std::vector<std::string> extra_env;
};

// Starts `spawn`; returns its pid, or -1. A script without "#!" is run by /bin/sh, as git would.
pid_t start(Spawn spawn) {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attributes);
    int input = spawn.input ? input_file(*spawn.input) : -1;
    if (input >= 0) posix_spawn_file_actions_adddup2(&actions, input, 0);
    else if (spawn.stdin_null && !spawn.detached) posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    if (spawn.detached) {
        posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSID);
        for (int fd : {0, 1, 2})
            if (fd != 0 || input < 0) posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", O_RDWR, 0);
        posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    } else if (spawn.stdout_to_stderr) {
        posix_spawn_file_actions_adddup2(&actions, 2, 1);
    }
    std::vector<std::string> environment;
    for (char** e = environ; *e; ++e) environment.emplace_back(*e);
    for (auto& extra : spawn.extra_env) environment.push_back(extra);
    auto envp = pointers(environment);
    pid_t pid = -1;
    auto argv = pointers(spawn.argv);
    int rc = posix_spawn(&pid, argv[0], &actions, &attributes, argv.data(), envp.data());
    if (rc == ENOEXEC) {
        spawn.argv.insert(spawn.argv.begin(), "/bin/sh");
        auto sh_argv = pointers(spawn.argv);
        rc = posix_spawn(&pid, "/bin/sh", &actions, &attributes, sh_argv.data(), envp.data());
    }
    if (input >= 0) close(input);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    return rc == 0 ? pid : -1;
}

// The exit status of `pid`, as a shell reports it.
int wait_for(pid_t pid) {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return 1;
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

int run_previous_hook(const Invocation& hook) {
    std::string previous = hook.folder + "/" + hook.name + std::string(k_chained_suffix);
    if (!is_executable(previous)) return 0;
    Spawn spawn{{previous}, hook.input};
    spawn.argv.insert(spawn.argv.end(), hook.args.begin(), hook.args.end());
    pid_t pid = start(spawn);
    return pid < 0 ? 1 : wait_for(pid);
}

Spawn memeops_hook(const std::string& memeops, const Invocation& hook) {
    Spawn spawn{{memeops, "hook", hook.name}, hook.input};
    spawn.stdin_null = !hook.input;  // memeops never reads git's terminal
    spawn.argv.insert(spawn.argv.end(), hook.args.begin(), hook.args.end());
    return spawn;
}

void run_in_foreground(const std::string& memeops, const Invocation& hook) {
    Spawn spawn = memeops_hook(memeops, hook);
    spawn.stdout_to_stderr = true;
    if (pid_t pid = start(spawn); pid > 0) wait_for(pid);
}

void run_detached(const std::string& memeops, const Invocation& hook) {
    Spawn spawn = memeops_hook(memeops, hook);
    spawn.detached = true;
    spawn.extra_env.push_back("MEMEOPS_HOOK_PHASE=background");
    start(spawn);  // not waited for: it outlives the hook
}

// The git dir of the repository the hook runs in (hooks start at the working tree's top).
std::string git_dir() {
    if (const char* set = std::getenv("GIT_DIR")) return set;
    struct stat info {};
    if (stat(".git", &info) == 0 && S_ISDIR(info.st_mode)) return ".git";
    auto link = read_file(".git");  // a linked worktree or submodule: "gitdir: <path>"
    if (!link || !link->starts_with("gitdir: ")) return ".git";
    std::string path = link->substr(8);
    while (!path.empty() && (path.back() == '\n' || path.back() == '\r')) path.pop_back();
    return path;
}

CommitScene read_scene(const std::optional<HookCache>& cache) {
    CommitScene scene;
    std::string dir = git_dir();
    struct stat info {};
    for (auto marker : replay_markers())
        if (stat((dir + "/" + std::string(marker)).c_str(), &info) == 0) scene.replaying = true;
    if (!cache || cache->policy != "versions") return scene;
    if (auto log = read_file(dir + "/logs/HEAD", k_reflog_tail_bytes)) scene.newest_head_entry = newest_reflog_entry(*log);
    const char* index_env = std::getenv("GIT_INDEX_FILE");
    auto index = index_env ? read_file(index_env) : std::nullopt;
    if (!index) index = read_file(dir + "/index");
    if (index) scene.index_files = read_index_files(*index);
    return scene;
}

bool post_commit_in_foreground() {
    std::optional<HookCache> cache;
    if (auto text = read_file(git_dir() + "/" + std::string(k_hook_cache_name))) cache = parse_hook_cache(*text);
    PostCommitVerdict verdict = route_post_commit(cache, read_scene(cache));
    bool foreground = verdict.route == PostCommitRoute::foreground;
    if (env_is("MEMEOPS_TRACE", "1"))
        std::cerr << "memeops-hook post-commit: " << (foreground ? "foreground" : "background") << " ("
                  << verdict.reason << ")\n";
    return foreground;
}

bool in_foreground(const Invocation& hook) {
    if (env_is("MEMEOPS_HOOK_FOREGROUND", "1") || hook.name == "post-rewrite") return true;
    return hook.name == "post-commit" && post_commit_in_foreground();
}

int run(const Invocation& hook) {
    int status = run_previous_hook(hook);
    if (env_is("MEMEOPS", "0") || !is_installable_hook(hook.name)) return status;
    std::string memeops = find_memeops();
    if (memeops.empty()) return status;
    if (in_foreground(hook)) run_in_foreground(memeops, hook);
    else run_detached(memeops, hook);
    return status;
}

// The hook git ran: this program under the hook's name (a link), or, from a hook script in a
// folder committed with the project, "memeops-hook HOOK_PATH ARGS…".
Invocation invocation(int argc, char** argv) {
    std::string self = argc > 0 ? argv[0] : "";
    int first_arg = 1;
    if (self.substr(self.rfind('/') + 1) == "memeops-hook" && argc > 1) self = argv[first_arg++];
    Invocation hook{self.substr(self.rfind('/') + 1), folder_of(self), {}, std::nullopt};
    for (int i = first_arg; i < argc; ++i) hook.args.emplace_back(argv[i]);
    if (hook_reads_stdin(hook.name)) hook.input = read_all(0);
    return hook;
}

}  // namespace
}  // namespace memeops::hooks::launcher

int main(int argc, char** argv) {
    signal(SIGPIPE, SIG_IGN);
    try {
        return memeops::hooks::launcher::run(memeops::hooks::launcher::invocation(argc, argv));
    } catch (const std::exception&) {
        return 0;  // out of memory at worst: git goes on
    }
}
