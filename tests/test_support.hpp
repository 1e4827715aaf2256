// Shared pieces of the test suite: temporary folders, running the CLI in-process or as the real
// binary, and entries to archive.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "storage/entry.hpp"
#include "storage/sqlite.hpp"

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

// How a child process starts, beyond its program and arguments. It gets none of this process's
// other descriptors, and SIGPIPE at its default action (as a shell starts it, whatever this
// process ignores).
struct ChildOptions {
    std::map<std::string, std::string> env;  // set over this process's environment
    std::string working_dir;                  // empty: this process's
    std::string stdin_path = "/dev/null";     // the file the child reads as stdin
    bool stdout_closed = false;  // stdout is a pipe whose reading end is closed: every write fails
    int timeout_s = 60;          // then it is killed
};

// Runs an executable (a path, or a name looked up in PATH) with `args` as a child process and
// waits for it; `out` is empty when `options.stdout_closed`. Safe in a process with threads:
// the child is started with posix_spawn, everything prepared before (nothing runs between fork
// and exec that could allocate or take a lock).
CommandResult run_child(const std::string& program, const std::vector<std::string>& args,
                        const ChildOptions& options);

// run_child() with this process's environment plus `env`.
CommandResult run_process(const std::string& program, const std::vector<std::string>& args,
                          const std::map<std::string, std::string>& env = {}, int timeout_s = 60);

// `command` (the program, then its arguments) as a command that runs it as user and group
// nobody (65534, no supplementary groups) when this process is root, who may write anything;
// unchanged otherwise. For tests of what a user without write access sees. Uses setpriv
// (util-linux), prepared here, so nothing changes user between fork and exec.
std::vector<std::string> as_unprivileged(std::vector<std::string> command);

// Starts an executable in the background with its stdout and stderr in files and stdin from
// /dev/null; returns its pid. Throws std::runtime_error when it cannot be started.
pid_t spawn_process(const std::string& program, const std::vector<std::string>& args,
                    const std::map<std::string, std::string>& env, const std::string& out_path,
                    const std::string& err_path);

// A `memeops serve` child process on a free loopback port, with this process's environment plus
// `env` (give it MEMEOPS_DB and HOME of a temporary folder). Its stdout and stderr go to
// "serve-<tag>.out" and ".err" in `dir`, which must outlive it. Stopped with SIGTERM on
// destruction. Throws std::runtime_error (the child stopped) when it does not serve within 10 s.
// `listen` is the address to serve on; a fixed port lets a test restart the bot where its
// clients expect it.
class ServeProcess {
public:
    ServeProcess(const TempDir& dir, const std::map<std::string, std::string>& env, const std::string& tag,
                 const std::string& listen = "127.0.0.1:0");
    ~ServeProcess() { stop(SIGTERM); }
    ServeProcess(const ServeProcess&) = delete;
    ServeProcess& operator=(const ServeProcess&) = delete;

    // Sends `signal` and waits for the process to end; does nothing once it has.
    void stop(int signal);
    // POST /v1/events with `event`; the HTTP status, 0 when there was no answer.
    int post(const nlohmann::json& event) const;
    // What it wrote to stderr so far (its log).
    std::string log() const;
    int port() const { return m_port; }
    // 0 once stopped.
    pid_t pid() const { return m_pid; }
    // True while the process runs (not exited, not a zombie).
    bool alive() const;
    std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }

private:
    std::string m_err;
    pid_t m_pid = 0;
    int m_port = 0;
};

// A field of /proc/<pid>/status in kB ("VmRSS", "VmHWM"); 0 when it cannot be read.
long proc_status_kb(pid_t pid, const std::string& field);

// What a server answered on a raw connection.
struct RawReply {
    int status = 0;    // 0: no status line came
    std::string head;  // status line and headers
    std::string body;
    size_t sent = 0;   // bytes of the request that were sent before the server answered or closed
};

// The next piece of a request body to send; false when there is no more.
using BodySource = std::function<bool(std::string& piece)>;

// An HTTP exchange over a raw socket to 127.0.0.1:`port`, for requests no HTTP client would
// send: writes `head` as given, then the pieces of `body` until it runs out, the server
// answers, or the server stops reading; then reads the answer until the server closes or has
// sent Content-Length bytes, for at most `timeout_ms`.
RawReply raw_http(int port, const std::string& head, const BodySource& body = {}, int timeout_ms = 10000);

// Requests sent one after another on one raw connection, each after the previous answer and
// a pause of `pause_ms` (the first at once): the answers, with status 0 from the first one that did
// not come (the server closed the connection, or `timeout_ms` passed).
std::vector<RawReply> raw_http_keep_alive(int port, const std::vector<std::string>& requests, int pause_ms,
                                          int timeout_ms = 5000);

// A body of `bytes` bytes of 'x', sent in pieces of 64 KiB; with `chunked`, in chunked framing
// (with its last chunk).
BodySource filler_body(size_t bytes, bool chunked = false);

// `body`, sent only after a pause of `pause_ms`: a server that answers on the head alone has
// answered before a byte of the body was sent (RawReply::sent is the head's size).
BodySource after_a_pause(BodySource body, int pause_ms = 300);

// A request whose answer keeps coming (Server-Sent Events): sends `head` to 127.0.0.1:`port`
// and reads what arrives, as it arrives. Closed on destruction.
class StreamingReader {
public:
    StreamingReader(int port, const std::string& head);
    ~StreamingReader();
    StreamingReader(const StreamingReader&) = delete;
    StreamingReader& operator=(const StreamingReader&) = delete;

    // Reads until everything received so far (head included) contains `needle`, the server
    // closes, or `timeout_ms` passes. True when it is there.
    bool read_until(const std::string& needle, int timeout_ms = 5000);
    // Reads until the server closes the connection, for at most `timeout_ms`; true when it did.
    bool read_until_closed(int timeout_ms = 5000);
    // Everything received so far.
    const std::string& received() const { return m_received; }
    // The socket, for a test that writes more on the same connection or stops reading it.
    int fd() const { return m_fd; }

private:
    bool read_some(int wait_ms);  // false once the server closed

    int m_fd = -1;
    bool m_closed = false;
    std::string m_received;
};

// `n` connections to 127.0.0.1:`port` that send nothing; closed on destruction.
class IdleConnections {
public:
    IdleConnections(int port, int n);
    ~IdleConnections();
    IdleConnections(const IdleConnections&) = delete;
    IdleConnections& operator=(const IdleConnections&) = delete;
    size_t open() const { return m_fds.size(); }

private:
    std::vector<int> m_fds;
};

// Runs the built memeops binary.
CommandResult run_memeops(const std::vector<std::string>& args,
                          const std::map<std::string, std::string>& env = {});

// Waits for every child process and returns how many did not exit with status 0.
int wait_for_children(const std::vector<int>& pids);

// `depth` arrays nested in each other, "[[…]]": a JSON document `depth` levels deep.
std::string nested_arrays(size_t depth);

// Writes `text` to `path`.
void write_file(const std::string& path, const std::string& text);

// An entry of the given kind with plausible fields; `n` varies the times and shas.
storage::Entry sample_entry(storage::EntryKind kind, int n);

// The single integer `sql` selects with `text` bound to ?1 (0 when it selects no row), e.g. a
// count of rows: count_where(db, "SELECT count(*) FROM entries WHERE kind = ?1", "ci").
std::int64_t count_where(storage::Database& db, const std::string& sql, const std::string& text);

// Creates the archive file `path` at schema `version`, as an older memeops left it, holding what
// `sql` inserts; opening it with storage::Archive::open then migrates it.
void old_archive(const std::string& path, int version, const std::string& sql);

// A 40-hex-digit sha derived from `n`.
std::string fake_sha(int n);

}  // namespace memeops::test
