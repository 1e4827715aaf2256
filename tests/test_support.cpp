#include "test_support.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <random>
#include <regex>
#include <sstream>
#include <string_view>
#include <thread>

#include <httplib.h>

#include "cli/command.hpp"
#include "storage/schema.hpp"
#include "storage/search_tokenizer.hpp"

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

namespace {

// This process's environment with `overrides` set over it, as "NAME=value" strings. Built before
// spawning: a threaded process may not allocate or call setenv between fork and exec (the
// sanitizers' allocator lock can be held by another thread at the fork, and the child hangs or
// aborts), so the child gets a finished vector instead.
std::vector<std::string> child_environment(const std::map<std::string, std::string>& overrides) {
    std::vector<std::string> entries;
    for (char** entry = environ; *entry; ++entry) {
        std::string_view text(*entry);
        if (!overrides.count(std::string(text.substr(0, text.find('='))))) entries.emplace_back(text);
    }
    for (const auto& [name, value] : overrides) entries.push_back(name + "=" + value);
    return entries;
}

// Pointers into `strings`, null-terminated, as exec wants them; they live as long as `strings`.
std::vector<char*> c_strings(std::vector<std::string>& strings) {
    std::vector<char*> pointers;
    for (auto& s : strings) pointers.push_back(s.data());
    pointers.push_back(nullptr);
    return pointers;
}

// File actions for a child: stdin from `in_path`, stdout into `out_path` (or onto `stdout_fd`
// when it is not -1), stderr into `err_path`, and nothing else of this process's descriptors (a
// bot's listening socket must not outlive the test in a child); then `working_dir`, if any.
// Owns the posix_spawn_file_actions_t.
class ChildFiles {
public:
    ChildFiles(const std::string& in_path, const std::string& out_path, const std::string& err_path, int stdout_fd,
               const std::string& working_dir) {
        posix_spawn_file_actions_init(&m_actions);
        posix_spawn_file_actions_addopen(&m_actions, 0, in_path.c_str(), O_RDONLY, 0);
        if (stdout_fd >= 0) posix_spawn_file_actions_adddup2(&m_actions, stdout_fd, 1);
        else posix_spawn_file_actions_addopen(&m_actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        posix_spawn_file_actions_addopen(&m_actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        posix_spawn_file_actions_addclosefrom_np(&m_actions, 3);
        if (!working_dir.empty()) posix_spawn_file_actions_addchdir_np(&m_actions, working_dir.c_str());
    }
    ~ChildFiles() { posix_spawn_file_actions_destroy(&m_actions); }
    ChildFiles(const ChildFiles&) = delete;
    ChildFiles& operator=(const ChildFiles&) = delete;
    const posix_spawn_file_actions_t* get() const { return &m_actions; }

private:
    posix_spawn_file_actions_t m_actions;
};

// Spawn attributes that start the child with SIGPIPE at its default action. Owns the
// posix_spawnattr_t.
class ChildSignals {
public:
    ChildSignals() {
        posix_spawnattr_init(&m_attributes);
        sigset_t defaults;
        sigemptyset(&defaults);
        sigaddset(&defaults, SIGPIPE);
        posix_spawnattr_setsigdefault(&m_attributes, &defaults);
        posix_spawnattr_setflags(&m_attributes, POSIX_SPAWN_SETSIGDEF);
    }
    ~ChildSignals() { posix_spawnattr_destroy(&m_attributes); }
    ChildSignals(const ChildSignals&) = delete;
    ChildSignals& operator=(const ChildSignals&) = delete;
    const posix_spawnattr_t* get() const { return &m_attributes; }

private:
    posix_spawnattr_t m_attributes;
};

// A pipe whose reading end is closed at once: writes to its writing end fail. Closes the
// writing end on destruction (after the child got its copy).
class ClosedPipe {
public:
    ClosedPipe() {
        int fds[2];
        if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
        close(fds[0]);
        m_write = fds[1];
    }
    ~ClosedPipe() { close(m_write); }
    ClosedPipe(const ClosedPipe&) = delete;
    ClosedPipe& operator=(const ClosedPipe&) = delete;
    int write_end() const { return m_write; }

private:
    int m_write = -1;
};

// Starts the child; see spawn_process() and ChildFiles.
pid_t spawn_child(const std::string& program, const std::vector<std::string>& args,
                  const std::map<std::string, std::string>& env, const ChildFiles& files) {
    std::vector<std::string> argv_strings{program};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<std::string> env_strings = child_environment(env);
    std::vector<char*> argv = c_strings(argv_strings);
    std::vector<char*> envp = c_strings(env_strings);
    ChildSignals signals;
    pid_t pid = 0;
    // posix_spawnp searches PATH (this process's, as execvp did) for a bare program name.
    int failed = posix_spawnp(&pid, program.c_str(), files.get(), signals.get(), argv.data(), envp.data());
    if (failed) throw std::runtime_error("cannot start " + program + ": " + std::strerror(failed));
    return pid;
}

// Waits for `pid` up to `timeout_s`, then kills it; its exit code, 128 + the signal that ended
// it, or -1 when it was killed after the timeout.
int wait_for(pid_t pid, int timeout_s) {
    int status = 0;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
    while (waitpid(pid, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return -1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

pid_t spawn_process(const std::string& program, const std::vector<std::string>& args,
                    const std::map<std::string, std::string>& env, const std::string& out_path,
                    const std::string& err_path) {
    return spawn_child(program, args, env, ChildFiles("/dev/null", out_path, err_path, -1, ""));
}

CommandResult run_child(const std::string& program, const std::vector<std::string>& args,
                        const ChildOptions& options) {
    TempDir capture;
    std::string out_path = capture.file("out");
    std::string err_path = capture.file("err");
    std::optional<ClosedPipe> closed;
    if (options.stdout_closed) closed.emplace();
    pid_t pid = spawn_child(program, args, options.env,
                            ChildFiles(options.stdin_path, out_path, err_path, closed ? closed->write_end() : -1,
                                       options.working_dir));
    closed.reset();
    int code = wait_for(pid, options.timeout_s);
    if (code == -1) return {-1, slurp(out_path), slurp(err_path) + "\n[killed after timeout]"};
    return {code, slurp(out_path), slurp(err_path)};
}

CommandResult run_process(const std::string& program, const std::vector<std::string>& args,
                          const std::map<std::string, std::string>& env, int timeout_s) {
    ChildOptions options;
    options.env = env;
    options.timeout_s = timeout_s;
    return run_child(program, args, options);
}

std::vector<std::string> as_unprivileged(std::vector<std::string> command) {
    if (geteuid() != 0) return command;
    std::vector<std::string> dropped{"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"};
    dropped.insert(dropped.end(), command.begin(), command.end());
    return dropped;
}

ServeProcess::ServeProcess(const TempDir& dir, const std::map<std::string, std::string>& env, const std::string& tag,
                           const std::string& listen)
    : m_err(dir.file("serve-" + tag + ".err")) {
    m_pid = spawn_process(MEMEOPS_BINARY, {"serve", "--listen", listen}, env, dir.file("serve-" + tag + ".out"), m_err);
    std::smatch match;
    const std::regex serving("serving on http://127\\.0\\.0\\.1:(\\d+)");
    for (int i = 0; i < 1000 && m_port == 0; ++i) {
        std::string err = slurp(m_err);
        if (std::regex_search(err, match, serving)) m_port = std::stoi(match[1]);
        else std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (m_port != 0) return;
    stop(SIGKILL);  // the destructor does not run for a constructor that throws
    throw std::runtime_error("memeops serve did not start: " + slurp(m_err));
}

void ServeProcess::stop(int signal) {
    if (m_pid <= 0) return;
    kill(m_pid, signal);
    int status = 0;
    waitpid(m_pid, &status, 0);
    m_pid = 0;
}

int ServeProcess::post(const nlohmann::json& event) const {
    httplib::Client client("127.0.0.1", m_port);
    client.set_read_timeout(10);
    auto r = client.Post("/v1/events", event.dump(), "application/json");
    return r ? r->status : 0;
}

std::string ServeProcess::log() const { return slurp(m_err); }

bool ServeProcess::alive() const {
    if (m_pid <= 0) return false;
    int status = 0;
    return waitpid(m_pid, &status, WNOHANG) == 0;
}

long proc_status_kb(pid_t pid, const std::string& field) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line))
        if (line.starts_with(field + ":")) return std::atol(line.c_str() + field.size() + 1);
    return 0;
}

namespace {

int connect_loopback(int port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) return fd;
    if (fd >= 0) close(fd);
    return -1;
}

// True when the server has something to say (or closed) within `wait_ms`.
bool readable(int fd, int wait_ms) {
    pollfd p{fd, POLLIN, 0};
    return poll(&p, 1, wait_ms) > 0;
}

// Sends all of `data`; false when the server stopped reading or answered first.
bool send_all(int fd, const std::string& data, size_t& sent) {
    for (size_t done = 0; done < data.size();) {
        if (readable(fd, 0)) return false;
        pollfd p{fd, POLLOUT, 0};
        if (poll(&p, 1, 5000) <= 0) return false;
        ssize_t n = send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
        if (n <= 0) return false;
        done += static_cast<size_t>(n);
        sent += static_cast<size_t>(n);
    }
    return true;
}

// Whether `answer` holds a whole response: its head and Content-Length bytes of body.
bool complete(const std::string& answer) {
    size_t end = answer.find("\r\n\r\n");
    if (end == std::string::npos) return false;
    std::smatch length;
    std::string head = answer.substr(0, end);
    if (!std::regex_search(head, length, std::regex("[Cc]ontent-[Ll]ength: *(\\d+)"))) return false;
    return answer.size() >= end + 4 + std::stoul(length[1]);
}

RawReply parse_raw(const std::string& answer) {
    RawReply reply;
    size_t end = answer.find("\r\n\r\n");
    reply.head = answer.substr(0, end);
    if (end != std::string::npos) reply.body = answer.substr(end + 4);
    if (answer.starts_with("HTTP/1.") && answer.size() > 12) reply.status = std::atoi(answer.c_str() + 9);
    return reply;
}

}  // namespace

RawReply raw_http(int port, const std::string& head, const BodySource& body, int timeout_ms) {
    int fd = connect_loopback(port);
    if (fd < 0) return {};
    size_t sent = 0;
    bool sending = send_all(fd, head, sent);
    std::string piece;
    while (sending && body && body(piece)) sending = send_all(fd, piece, sent);
    std::string answer;
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    char buffer[65536];
    while (!complete(answer) && std::chrono::steady_clock::now() < until) {
        if (!readable(fd, 50)) continue;
        ssize_t n = recv(fd, buffer, sizeof buffer, 0);
        if (n <= 0) break;
        answer.append(buffer, static_cast<size_t>(n));
    }
    close(fd);
    RawReply reply = parse_raw(answer);
    reply.sent = sent;
    return reply;
}

std::vector<RawReply> raw_http_keep_alive(int port, const std::vector<std::string>& requests, int pause_ms,
                                          int timeout_ms) {
    std::vector<RawReply> replies(requests.size());
    int fd = connect_loopback(port);
    if (fd < 0) return replies;
    char buffer[65536];
    for (size_t i = 0; i < requests.size(); ++i) {
        if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
        size_t sent = 0;
        if (!send_all(fd, requests[i], sent)) break;
        std::string answer;
        auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
        ssize_t n = 1;
        while (n > 0 && !complete(answer) && std::chrono::steady_clock::now() < until)
            if (readable(fd, 50) && (n = recv(fd, buffer, sizeof buffer, 0)) > 0) answer.append(buffer, static_cast<size_t>(n));
        replies[i] = parse_raw(answer);
        replies[i].sent = sent;
        if (!complete(answer)) break;
    }
    close(fd);
    return replies;
}

BodySource filler_body(size_t bytes, bool chunked) {
    auto left = std::make_shared<size_t>(bytes);
    auto ended = std::make_shared<bool>(false);
    return [left, ended, chunked](std::string& piece) {
        if (*ended) return false;
        size_t n = std::min<size_t>(*left, 64 * 1024);
        *left -= n;
        piece.assign(n, 'x');
        if (chunked) {
            char size[32];
            std::snprintf(size, sizeof size, "%zx\r\n", n);
            piece = size + piece + "\r\n";
        }
        *ended = n == 0;
        return n > 0 || chunked;  // chunked ends with its zero-length chunk
    };
}

BodySource after_a_pause(BodySource body, int pause_ms) {
    auto paused = std::make_shared<bool>(false);
    return [body, paused, pause_ms](std::string& piece) {
        if (!*paused) std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
        *paused = true;
        return body(piece);
    };
}

StreamingReader::StreamingReader(int port, const std::string& head) : m_fd(connect_loopback(port)) {
    size_t sent = 0;
    if (m_fd < 0 || !send_all(m_fd, head, sent)) m_closed = true;
}

StreamingReader::~StreamingReader() {
    if (m_fd >= 0) close(m_fd);
}

bool StreamingReader::read_some(int wait_ms) {
    if (m_closed || !readable(m_fd, wait_ms)) return !m_closed;
    char buffer[65536];
    ssize_t n = recv(m_fd, buffer, sizeof buffer, 0);
    if (n <= 0) m_closed = true;
    else m_received.append(buffer, static_cast<size_t>(n));
    return !m_closed;
}

bool StreamingReader::read_until(const std::string& needle, int timeout_ms) {
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (m_received.find(needle) == std::string::npos && std::chrono::steady_clock::now() < until)
        if (!read_some(20)) break;
    return m_received.find(needle) != std::string::npos;
}

bool StreamingReader::read_until_closed(int timeout_ms) {
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < until)
        if (!read_some(20)) return true;
    return false;
}

IdleConnections::IdleConnections(int port, int n) {
    for (int i = 0; i < n; ++i)
        if (int fd = connect_loopback(port); fd >= 0) m_fds.push_back(fd);
}

IdleConnections::~IdleConnections() {
    for (int fd : m_fds) close(fd);
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

std::string nested_arrays(size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

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

std::int64_t count_where(storage::Database& db, const std::string& sql, const std::string& text) {
    auto select = db.cached(sql);
    select.bind(1, text);
    std::int64_t n = select.step() ? select.column_int(0) : 0;
    select.reset();
    return n;
}

void old_archive(const std::string& path, int version, const std::string& sql) {
    storage::Database db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, 1000);
    storage::register_search_tokenizer(db.handle());
    storage::migrate_archive_to(db, path, version);
    db.exec(sql);
}

}  // namespace memeops::test
