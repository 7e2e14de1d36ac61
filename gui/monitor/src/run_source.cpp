// RunSource: a followed run directory (see run_source.h).
#include "run_source.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include <sys/stat.h>

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

namespace {

// a < b in natural order: digit runs compare as numbers ("rank-2" < "rank-10").
bool natural_less(const std::string& a, const std::string& b) {
    size_t i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        const bool da = std::isdigit(static_cast<unsigned char>(a[i])) != 0;
        const bool db = std::isdigit(static_cast<unsigned char>(b[j])) != 0;
        if (da && db) {
            size_t ie = i, je = j;
            while (ie < a.size() && std::isdigit(static_cast<unsigned char>(a[ie]))) ++ie;
            while (je < b.size() && std::isdigit(static_cast<unsigned char>(b[je]))) ++je;
            // Without leading zeros, the longer run of digits is the larger number.
            size_t is = i, js = j;
            while (is + 1 < ie && a[is] == '0') ++is;
            while (js + 1 < je && b[js] == '0') ++js;
            if (ie - is != je - js) return ie - is < je - js;
            const int c = a.compare(is, ie - is, b, js, je - js);
            if (c) return c < 0;
            i = ie;
            j = je;
        } else {
            if (a[i] != b[j]) return a[i] < b[j];
            ++i;
            ++j;
        }
    }
    return a.size() - i < b.size() - j;
}

void collect_runs(const fs::path& dir, int depth, std::vector<std::string>& out) {
    std::error_code ec;
    fs::directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
    if (ec) return;
    std::vector<fs::path> subdirs;
    for (; it != fs::directory_iterator(); it.increment(ec)) {
        if (ec) break;
        std::error_code e2;
        // Symbolic links are not followed: a link back up would loop.
        if (it->is_directory(e2) && !it->is_symlink(e2)) subdirs.push_back(it->path());
    }
    std::sort(subdirs.begin(), subdirs.end(),
              [](const fs::path& a, const fs::path& b) { return natural_less(a.filename().string(), b.filename().string()); });
    for (const fs::path& d : subdirs) {
        std::error_code e3;
        if (fs::is_regular_file(d / "run.jsonl", e3))
            out.push_back(d.string());
        else if (depth > 1)
            collect_runs(d, depth - 1, out);
    }
}

}  // namespace

std::vector<std::string> find_runs(const std::string& root) {
    std::error_code ec;
    if (fs::is_regular_file(root, ec) || fs::is_regular_file(fs::path(root) / "run.jsonl", ec)) return {root};
    std::vector<std::string> out;
    if (fs::is_directory(root, ec)) collect_runs(root, kRunSearchDepth, out);
    return out;
}

std::string run_display_name(const std::string& root, const std::string& run) {
    if (run == root) return run_display_name(run);
    std::error_code ec;
    const fs::path rel = fs::relative(run, root, ec);
    if (ec || rel.empty()) return run_display_name(run);
    return run_display_name(root) + "/" + rel.generic_string();
}

RunSource::RunSource(const std::string& dir_or_file, const std::string& name)
    : m_path(dir_or_file), m_follower(run_log_path(dir_or_file)) {
    m_data.name = name.empty() ? run_display_name(dir_or_file) : name;
    m_table_path = (fs::path(run_log_path(dir_or_file)).parent_path() / "datamap.csv").string();
}

// Starts reading the table when the file changed (size or time), and takes
// a finished read; true when the data changed.
bool RunSource::poll_table() {
    bool changed = false;
    if (m_table_read.valid()) {
        if (m_table_read.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return false;
        try {
            std::shared_ptr<DataMap> t = m_table_read.get();
            m_data.set_data_map_table(std::move(t));
            m_table_problem.clear();
        } catch (const std::exception& e) {
            m_table_problem = e.what();
        }
        changed = true;
    }
    struct stat st {};
    if (::stat(m_table_path.c_str(), &st) != 0) return changed;
    const int64_t mtime = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    if (mtime == m_table_mtime_ns && static_cast<long long>(st.st_size) == m_table_size) return changed;
    m_table_mtime_ns = mtime;
    m_table_size = static_cast<long long>(st.st_size);
    auto read = [path = m_table_path] { return std::make_shared<DataMap>(read_data_map_csv(path)); };
    if (!m_table_read_once) {
        // The first read is part of opening the run, as reading its log is.
        m_table_read_once = true;
        std::promise<std::shared_ptr<DataMap>> done;
        try {
            done.set_value(read());
        } catch (...) {
            done.set_exception(std::current_exception());
        }
        m_table_read = done.get_future();
        return poll_table() || changed;
    }
    m_table_read = std::async(std::launch::async, read);
    return changed;
}

bool RunSource::poll(size_t max_bytes) {
    bool changed = false;
    auto on_restart = [&] {
        const std::string name = m_data.name;
        m_data.clear();
        m_data.name = name;
        m_have_run = false;
        m_garbage = m_unknown = m_lines = 0;
        m_table_mtime_ns = -1;  // a new run: read its table again when there is one
        m_table_size = -1;
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
            case RunLogLineKind::Sharpness: m_data.add(m_line.sharpness); break;
            case RunLogLineKind::NoiseScale: m_data.add(m_line.noise_scale); break;
            case RunLogLineKind::LrRange: m_data.add(m_line.lr_range); break;
            case RunLogLineKind::Confusion: m_data.add(m_line.confusion); break;
            case RunLogLineKind::DataMap: m_data.add(m_line.data_map); break;
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
    if (poll_table()) changed = true;
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
    if (!m_table_problem.empty()) s += "; " + m_table_problem;
    return s;
}

RunSet::RunSet(std::vector<std::string> roots) : m_roots(std::move(roots)) { rescan(); }

bool RunSet::has(const std::string& path) const {
    for (const auto& s : m_sources)
        if (s->path() == path) return true;
    return false;
}

bool RunSet::rescan() {
    bool changed = false;
    for (const std::string& root : m_roots) {
        const std::vector<std::string> runs = find_runs(root);
        if (runs.empty()) {
            if (!has(root)) {
                m_sources.push_back(std::make_unique<RunSource>(root));
                changed = true;
            }
            continue;
        }
        if (runs.front() != root)
            for (auto it = m_sources.begin(); it != m_sources.end(); ++it)
                if ((*it)->path() == root && (*it)->data().records() == 0) {
                    m_sources.erase(it);
                    changed = true;
                    break;
                }
        for (const std::string& run : runs)
            if (!has(run)) {
                m_sources.push_back(std::make_unique<RunSource>(run, run_display_name(root, run)));
                changed = true;
            }
    }
    return changed;
}

}  // namespace gs::monitor
