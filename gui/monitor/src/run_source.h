// RunSource: one run directory followed live: its run.jsonl read by a
// LogFollower, each line parsed by the core's reader (parse_run_log_line)
// and added to a RunData. What went wrong is counted (garbage lines, unknown
// record types, restarts) for the status bar. The data map's table
// (datamap.csv beside the log) is read when it changes: the first time at
// once, later on a background thread, so a frame never waits for it.
#pragma once

#include <cstdint>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "gradscope/run_log_reader.h"
#include "log_follower.h"
#include "run_data.h"

namespace gs::monitor {

class RunSource {
public:
    // dir: a run directory, or a run.jsonl file itself; name: its legend
    // name (default: run_display_name(dir_or_file)).
    explicit RunSource(const std::string& dir_or_file, const std::string& name = {});
    const std::string& path() const { return m_path; }

    // Reads what is new (at most max_bytes); true when the data changed.
    bool poll(size_t max_bytes = SIZE_MAX);
    // Where the data map's table is read from (datamap.csv beside run.jsonl),
    // and why the last read failed ("" if it did not).
    const std::string& table_path() const { return m_table_path; }
    const std::string& table_problem() const { return m_table_problem; }

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
    std::string m_path;
    LogFollower m_follower;
    RunData m_data;
    RunLogLine m_line;
    bool m_have_run = false;
    size_t m_garbage = 0, m_unknown = 0, m_lines = 0;
    int64_t m_mtime_ns = 0;
    // The data map's table: the file's identity when last read, a read in flight.
    bool poll_table();
    std::string m_table_path, m_table_problem;
    int64_t m_table_mtime_ns = -1;
    long long m_table_size = -1;
    bool m_table_read_once = false;
    std::future<std::shared_ptr<DataMap>> m_table_read;
};

// The run.jsonl of a run directory (or the path itself when it names a file).
std::string run_log_path(const std::string& dir_or_file);
// A short name for legends: the directory's last component.
std::string run_display_name(const std::string& dir_or_file);

// The runs below root: root itself when it holds a run.jsonl (or is a file),
// else every directory below it, at most kRunSearchDepth levels down, that
// holds one (the rank-0/, rank-1/ ... of a torchrun job, the forks of a run),
// in natural order: rank-2 before rank-10. Empty when there is none yet.
inline constexpr int kRunSearchDepth = 3;
std::vector<std::string> find_runs(const std::string& root);
// The legend name of a run found below root: "root/rank-1" (root's own
// last component, then the path below it), or run_display_name(run) when
// the run is root itself.
std::string run_display_name(const std::string& root, const std::string& run);

// The runs named on the command line, found with find_runs: a root with
// none yet is followed as a run directory itself until runs appear below it
// (the rank-N/ directories of a torchrun job started after the monitor).
class RunSet {
public:
    explicit RunSet(std::vector<std::string> roots);
    // Looks for runs that appeared since; true when the set changed (a
    // waiting root with no records is replaced by the runs found below it).
    bool rescan();
    const std::vector<std::unique_ptr<RunSource>>& sources() const { return m_sources; }

private:
    bool has(const std::string& path) const;
    std::vector<std::string> m_roots;
    std::vector<std::unique_ptr<RunSource>> m_sources;
};

}  // namespace gs::monitor
