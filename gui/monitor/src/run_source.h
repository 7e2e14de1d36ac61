// RunSource: one run directory followed live: its run.jsonl read by a
// LogFollower, each line parsed by the core's reader (parse_run_log_line)
// and added to a RunData. What went wrong is counted (garbage lines, unknown
// record types, restarts) for the status bar.
#pragma once

#include <cstdint>
#include <string>

#include "gradscope/run_log_reader.h"
#include "log_follower.h"
#include "run_data.h"

namespace gs::monitor {

class RunSource {
public:
    // dir: a run directory, or a run.jsonl file itself.
    explicit RunSource(const std::string& dir_or_file);

    // Reads what is new (at most max_bytes); true when the data changed.
    bool poll(size_t max_bytes = SIZE_MAX);

    const RunData& data() const { return m_data; }
    RunData& data() { return m_data; }
    const LogFollower& follower() const { return m_follower; }
    size_t garbage_lines() const { return m_garbage; }
    size_t unknown_lines() const { return m_unknown; }
    size_t lines() const { return m_lines; }
    // The modification time the newest data was read at (ns, CLOCK_REALTIME).
    int64_t last_mtime_ns() const { return m_mtime_ns; }
    // A line for the status bar: "runs/a: 10234 records, 2 garbage lines".
    std::string status() const;

private:
    LogFollower m_follower;
    RunData m_data;
    RunLogLine m_line;
    bool m_have_run = false;
    size_t m_garbage = 0, m_unknown = 0, m_lines = 0;
    int64_t m_mtime_ns = 0;
};

// The run.jsonl of a run directory (or the path itself when it names a file).
std::string run_log_path(const std::string& dir_or_file);
// A short name for legends: the directory's last component.
std::string run_display_name(const std::string& dir_or_file);

}  // namespace gs::monitor
