// LogFollower (see log_follower.h): POSIX open/read/fstat, one read buffer.
#include "log_follower.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace gs::monitor {

namespace {

constexpr size_t kChunk = 1 << 20;

int64_t mtime_of(const struct stat& st) {
    return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

}  // namespace

LogFollower::LogFollower(std::string path) : m_path(std::move(path)) {}

LogFollower::~LogFollower() { close_file(); }

void LogFollower::close_file() {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
    m_offset = 0;
    m_partial.clear();
    m_skipping = false;
    m_behind = false;
}

bool LogFollower::reopen() {
    close_file();
    // O_NONBLOCK: a FIFO at the path must not hang the window in open(); it
    // is refused below as not a regular file.
    const int fd = ::open(m_path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        m_problem = errno == ENOENT ? "waiting for " + m_path + " to appear"
                                    : "cannot read " + m_path + ": " + std::strerror(errno);
        return false;
    }
    struct stat st{};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        m_problem = m_path + " is not a regular file";
        ::close(fd);
        return false;
    }
    m_fd = fd;
    m_dev = st.st_dev;
    m_ino = st.st_ino;
    m_problem.clear();
    return true;
}

LogFollower::Poll LogFollower::poll(const std::function<void(std::string_view)>& on_line,
                                    const std::function<void()>& on_restart, size_t max_bytes) {
    Poll result;
    struct stat path_st{};
    const bool exists = ::stat(m_path.c_str(), &path_st) == 0;
    if (m_fd < 0) {
        if (!exists || !reopen()) {
            if (!exists && m_problem.empty()) m_problem = "waiting for " + m_path + " to appear";
            return result;
        }
        // A file that reappears after one was read is a new run.
        if (m_restarts > 0 || m_ever_read) {
            result.restarted = true;
            ++m_restarts;
            if (on_restart) on_restart();
        }
    } else if (exists && (path_st.st_ino != m_ino || path_st.st_dev != m_dev)) {
        // Replaced: a new run in the same directory.
        if (!reopen()) return result;
        result.restarted = true;
        ++m_restarts;
        if (on_restart) on_restart();
    }
    struct stat st{};
    if (::fstat(m_fd, &st) != 0) return result;
    result.mtime_ns = mtime_of(st);
    if (static_cast<uint64_t>(st.st_size) < m_offset) {
        // Truncated: what was read is no longer in the file.
        m_offset = 0;
        m_partial.clear();
    m_skipping = false;
        result.restarted = true;
        ++m_restarts;
        if (on_restart) on_restart();
    }
    m_behind = false;
    size_t budget = max_bytes;
    for (;;) {
        if (budget == 0) {
            m_behind = true;
            break;
        }
        const size_t want = std::min(kChunk, budget);
        m_chunk.resize(want);
        const ssize_t n = ::pread(m_fd, m_chunk.data(), want, static_cast<off_t>(m_offset));
        if (n <= 0) break;
        m_ever_read = true;
        m_offset += static_cast<uint64_t>(n);
        budget -= static_cast<size_t>(n);
        const std::string_view data(m_chunk.data(), static_cast<size_t>(n));
        size_t pos = 0;
        // Complete the pending partial line first (or skip the rest of one
        // too long to be a record: a binary or newline-free file).
        if (!m_partial.empty() || m_skipping) {
            const size_t nl = data.find('\n');
            if (nl == std::string_view::npos) {
                if (!m_skipping && m_partial.size() + data.size() > kMaxLineBytes) {
                    m_skipping = true;
                    m_partial.clear();
                    m_partial.shrink_to_fit();
                } else if (!m_skipping) {
                    m_partial.append(data);
                }
                continue;
            }
            if (m_skipping) {
                on_line(kOverlongLine);  // not JSON: counted as garbage
                m_skipping = false;
            } else {
                m_partial.append(data.substr(0, nl));
                on_line(m_partial);
            }
            ++result.lines;
            m_partial.clear();
            pos = nl + 1;
        }
        while (pos < data.size()) {
            const void* hit = std::memchr(data.data() + pos, '\n', data.size() - pos);
            if (!hit) {
                if (data.size() - pos > kMaxLineBytes) m_skipping = true;
                else m_partial.assign(data.substr(pos));
                break;
            }
            const size_t nl = static_cast<size_t>(static_cast<const char*>(hit) - data.data());
            on_line(data.substr(pos, nl - pos));
            ++result.lines;
            pos = nl + 1;
        }
        if (static_cast<size_t>(n) < want) break;
    }
    return result;
}

}  // namespace gs::monitor
