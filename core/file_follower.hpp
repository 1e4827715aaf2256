// Follows a file another process appends to, as `tail -F` does: its complete lines as they are
// written, through truncation and replacement (log rotation), and a file that does not exist
// yet. It polls (no inotify), so it works on any file system, network ones included.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace memeops::core {

class FileFollower {
public:
    // The longest line kept whole: a longer one is handed over in pieces of this size, so a
    // file without line ends cannot grow the follower's memory.
    static constexpr size_t k_max_line_bytes = 1024 * 1024;

    // Follows `path` from its first byte. Opens nothing yet.
    explicit FileFollower(std::string path);
    ~FileFollower();
    FileFollower(const FileFollower&) = delete;
    FileFollower& operator=(const FileFollower&) = delete;

    // What one poll found.
    struct News {
        // The file was truncated, replaced or created since the previous poll: `lines` start at
        // the beginning of a file the previous lines did not come from.
        bool restarted = false;
        // Complete lines written since, in order, without their line ends ("\n" or "\r\n").
        // A line still being written waits for its end, unless the file is replaced first
        // (then it is complete).
        std::vector<std::string> lines;
    };

    // Reads what was written since the last poll. Never blocks; never throws for a missing or
    // unreadable file (it is tried again at the next poll).
    News poll();

    // True once the file was opened.
    bool found() const { return m_fd >= 0; }
    const std::string& path() const { return m_path; }

private:
    std::string m_path;
    int m_fd = -1;
    unsigned long m_inode = 0;
    unsigned long m_device = 0;
    long long m_offset = 0;
    std::string m_partial;  // the start of a line whose end has not been written yet

    bool open_file();
    void close_file();
    // True when the path now names another file than the one open (or none at all).
    bool replaced() const;
    // Reads to the end of the open file, appending complete lines to `lines`.
    void read_new(std::vector<std::string>& lines);
    void take_lines(std::vector<std::string>& lines);
};

}  // namespace memeops::core
