// LogFollower: reads a file that another process is appending to, as whole
// lines, however it changes between two polls (docs/run-log.md, "Following a
// log while it grows"):
//  - a partial last line is kept until its '\n' arrives;
//  - growth is read from the last offset;
//  - truncation (the size drops below what was read) and replacement (the
//    path names another inode: a new run in the same directory) restart
//    from the beginning, and say so, so the reader can drop what it had;
//  - a file that does not exist yet (or vanished for a moment) is waited for.
// Capture only: it knows nothing of the records in the lines.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include <sys/types.h>

namespace gs::monitor {

class LogFollower {
public:
    // A line longer than this is no record: it is skipped to its newline and
    // handed on as kOverlongLine (which parses as garbage), never buffered whole.
    static constexpr size_t kMaxLineBytes = size_t{16} << 20;
    static constexpr const char* kOverlongLine = "<overlong line skipped>";

    explicit LogFollower(std::string path);
    ~LogFollower();
    LogFollower(const LogFollower&) = delete;
    LogFollower& operator=(const LogFollower&) = delete;

    struct Poll {
        size_t lines = 0;        // complete lines handed over
        bool restarted = false;  // truncated or replaced: earlier lines are void
        // Modification time of the file when it was read (CLOCK_REALTIME,
        // nanoseconds), for measuring how long a record took to be shown.
        int64_t mtime_ns = 0;
    };
    // Reads what is new and calls on_restart (before any line of the new
    // file) and on_line for every complete line (without its '\n'), at most
    // max_bytes of new data per call (the rest is read by the next calls).
    Poll poll(const std::function<void(std::string_view)>& on_line,
              const std::function<void()>& on_restart = {}, size_t max_bytes = SIZE_MAX);

    const std::string& path() const { return m_path; }
    bool is_open() const { return m_fd >= 0; }
    // Why the file is not open ("" when it is), in words for the status bar.
    const std::string& problem() const { return m_problem; }
    uint64_t offset() const { return m_offset; }
    // Bytes of a line whose '\n' has not arrived yet.
    size_t pending_bytes() const { return m_partial.size(); }
    // True while unread bytes were left by max_bytes.
    bool behind() const { return m_behind; }
    size_t restarts() const { return m_restarts; }

private:
    bool reopen();
    void close_file();

    std::string m_path;
    int m_fd = -1;
    dev_t m_dev = 0;
    ino_t m_ino = 0;
    uint64_t m_offset = 0;
    std::string m_partial;
    bool m_skipping = false;  // inside a line longer than kMaxLineBytes
    std::string m_chunk;
    std::string m_problem;
    bool m_behind = false;
    bool m_ever_read = false;  // some bytes were read from some file at this path
    size_t m_restarts = 0;
};

}  // namespace gs::monitor
