// RunSource: a followed run directory (see run_source.h).
#include "run_source.h"

#include <filesystem>

namespace gs::monitor {

namespace fs = std::filesystem;

std::string run_log_path(const std::string& dir_or_file) {
    std::error_code ec;
    if (fs::is_regular_file(dir_or_file, ec)) return dir_or_file;
    return (fs::path(dir_or_file) / "run.jsonl").string();
}

std::string run_display_name(const std::string& dir_or_file) {
    fs::path p(dir_or_file);
    std::error_code ec;
    if (fs::is_regular_file(p, ec)) p = p.parent_path();
    while (!p.empty() && p.filename().empty()) p = p.parent_path();  // "runs/a/"
    std::string name = p.filename().string();
    return name.empty() ? dir_or_file : name;
}

RunSource::RunSource(const std::string& dir_or_file) : m_follower(run_log_path(dir_or_file)) {
    m_data.name = run_display_name(dir_or_file);
}

bool RunSource::poll(size_t max_bytes) {
    bool changed = false;
    auto on_restart = [&] {
        const std::string name = m_data.name;
        m_data.clear();
        m_data.name = name;
        m_have_run = false;
        m_garbage = m_unknown = m_lines = 0;
        changed = true;
    };
    auto on_line = [&](std::string_view line) {
        if (line.empty()) return;
        ++m_lines;
        switch (parse_run_log_line(line, m_line)) {
            case RunLogLineKind::Step: m_data.add(m_line.step, m_line.merged); break;
            case RunLogLineKind::Epoch: m_data.add(m_line.epoch); break;
            case RunLogLineKind::Event: m_data.add(m_line.event); break;
            case RunLogLineKind::Layers:
                for (const LayerStats& s : m_line.layers) m_data.add(s);
                break;
            case RunLogLineKind::Run:
                if (!m_have_run) {  // a second "run" record is ignored
                    m_have_run = true;
                    m_data.set_spec_json(m_line.spec_json);
                    m_data.set_backend(m_line.backend);
                }
                break;
            case RunLogLineKind::Unknown: ++m_unknown; break;
            case RunLogLineKind::Garbage: ++m_garbage; break;
        }
        changed = true;
    };
    const LogFollower::Poll p = m_follower.poll(on_line, on_restart, max_bytes);
    if (p.lines) m_mtime_ns = p.mtime_ns;
    return changed;
}

std::string RunSource::status() const {
    std::string s = m_data.name + ": ";
    if (!m_follower.is_open()) return s + m_follower.problem();
    s += std::to_string(m_data.records()) + " records, step " + std::to_string(m_data.last_step());
    if (m_garbage) s += ", " + std::to_string(m_garbage) + " garbage line" + (m_garbage == 1 ? "" : "s") + " skipped";
    if (m_unknown) s += ", " + std::to_string(m_unknown) + " of unknown type";
    if (m_follower.restarts()) s += ", restarted " + std::to_string(m_follower.restarts()) + "x";
    if (m_follower.pending_bytes()) s += ", partial line waiting";
    if (m_follower.behind()) s += ", loading...";
    return s;
}

}  // namespace gs::monitor
