#include "core/file_follower.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <utility>

namespace memeops::core {

FileFollower::FileFollower(std::string path) : m_path(std::move(path)) {}

FileFollower::~FileFollower() { close_file(); }

FileFollower::News FileFollower::poll() {
    News news;
    struct stat opened {};
    if (m_fd < 0) {
        if (!open_file()) return news;
        news.restarted = true;
    } else if (fstat(m_fd, &opened) == 0 && opened.st_size < m_offset) {  // truncated
        lseek(m_fd, 0, SEEK_SET);
        m_offset = 0;
        m_partial.clear();
        news.restarted = true;
    }
    read_new(news.lines);
    if (news.restarted || !replaced()) return news;
    // Replaced (rotated) or deleted. What was appended to the old file between the read above
    // and the check is read now, before it is let go; its unfinished last line is finished,
    // since nobody writes there any more.
    read_new(news.lines);
    if (!m_partial.empty()) news.lines.push_back(std::exchange(m_partial, {}));
    close_file();
    if (!news.lines.empty()) return news;  // the new file is read from the next poll
    return poll();
}

bool FileFollower::open_file() {
    m_fd = ::open(m_path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    struct stat opened {};
    if (m_fd < 0 || fstat(m_fd, &opened) != 0 || !S_ISREG(opened.st_mode)) {
        close_file();
        return false;
    }
    m_inode = opened.st_ino;
    m_device = opened.st_dev;
    m_offset = 0;
    m_partial.clear();
    return true;
}

void FileFollower::close_file() {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
}

bool FileFollower::replaced() const {
    struct stat now {};
    return stat(m_path.c_str(), &now) != 0 || now.st_ino != m_inode || now.st_dev != m_device;
}

void FileFollower::read_new(std::vector<std::string>& lines) {
    char buffer[64 * 1024];
    for (;;) {
        ssize_t got = ::read(m_fd, buffer, sizeof buffer);
        if (got <= 0) return;  // the end for now (or an error: tried again at the next poll)
        m_offset += got;
        m_partial.append(buffer, static_cast<size_t>(got));
        take_lines(lines);
    }
}

void FileFollower::take_lines(std::vector<std::string>& lines) {
    size_t start = 0;
    for (size_t end; (end = m_partial.find('\n', start)) != std::string::npos; start = end + 1) {
        size_t length = end - start;
        if (length > 0 && m_partial[end - 1] == '\r') --length;
        lines.push_back(m_partial.substr(start, length));
    }
    m_partial.erase(0, start);
    while (m_partial.size() >= k_max_line_bytes) {
        lines.push_back(m_partial.substr(0, k_max_line_bytes));
        m_partial.erase(0, k_max_line_bytes);
    }
}

}  // namespace memeops::core
