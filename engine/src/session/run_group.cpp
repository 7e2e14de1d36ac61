// RunGroup (gradscope/run_group.h): ids, names, colours and log directories
// of a family of runs, and starting or pausing several at once (one critical
// section on the worker's mutex, so a race starts on the same round).
#include "gradscope/run_group.h"

#include <algorithm>
#include <filesystem>

#include "gradscope/error.h"
#include "session/worker.h"

namespace gs {

RunGroup::RunGroup(const ModelSpec& spec, PreparedData data, Backend& backend, SessionOptions options,
                   std::string log_root)
    : m_options(std::move(options)), m_log_root(std::move(log_root)) {
    SessionOptions o = m_options;
    o.run.id = m_next_id++;
    o.run.colour = 0;
    if (o.run.name.empty()) o.run.name = spec.name.empty() ? "run" : spec.name;
    if (!m_log_root.empty()) o.log_dir = unique_log_dir(o.run.name);
    m_options.log_dir.clear();  // forks never share the root's directory
    m_options.resume_from.clear();
    auto s = std::make_unique<Session>(spec, std::move(data), backend, o);
    m_runs.push_back({o.run.id, std::move(s), o.log_dir});
}

RunGroup::~RunGroup() {
    // Forks first: the root's worker thread then ends with the root.
    while (!m_runs.empty()) m_runs.pop_back();
}

std::string RunGroup::unique_log_dir(const std::string& name) {
    const std::string base = run_dir_name(name);
    std::string dir = base;
    for (int k = 2; std::find(m_dirs.begin(), m_dirs.end(), dir) != m_dirs.end(); ++k)
        dir = base + "-" + std::to_string(k);
    m_dirs.push_back(dir);
    return (std::filesystem::path(m_log_root) / dir).string();
}

const RunGroup::Entry* RunGroup::find(uint32_t id) const {
    for (const Entry& e : m_runs)
        if (e.id == id) return &e;
    return nullptr;
}

std::vector<RunInfo> RunGroup::runs() const {
    std::vector<RunInfo> out;
    for (const Entry& e : m_runs) out.push_back(e.session->info());
    return out;
}

std::vector<uint32_t> RunGroup::ids() const {
    std::vector<uint32_t> out;
    for (const Entry& e : m_runs) out.push_back(e.id);
    return out;
}

Session* RunGroup::run(uint32_t id) const {
    const Entry* e = find(id);
    return e ? e->session.get() : nullptr;
}

std::string RunGroup::log_dir(uint32_t id) const {
    const Entry* e = find(id);
    return e ? e->log_dir : "";
}

CommandResult RunGroup::fork(uint32_t parent, long step, const ForkSpec& changes, uint32_t* id) {
    Session* p = run(parent);
    if (!p) return {false, "cannot fork: there is no run " + std::to_string(parent)};
    SessionOptions o = m_options;
    o.run = RunInfo{};
    o.run.id = m_next_id;
    o.run.colour = static_cast<int>(m_next_id);
    o.run.name = changes.name.empty()
                     ? p->info().name + (changes.summary().empty() ? " fork" : " " + changes.summary())
                     : changes.name;
    if (!m_log_root.empty()) o.log_dir = unique_log_dir(o.run.name);
    const std::string dir = o.log_dir;
    CommandResult why;
    std::unique_ptr<Session> s = p->fork(step, changes, std::move(o), &why);
    if (!s) {
        if (!dir.empty()) m_dirs.pop_back();
        return why;
    }
    ++m_next_id;
    if (id) *id = s->info().id;
    m_runs.push_back({s->info().id, std::move(s), dir});
    return {};
}

CommandResult RunGroup::race(const std::vector<uint32_t>& ids, long steps) {
    if (ids.empty()) return {false, "cannot race: no runs given"};
    std::vector<Session*> racers;
    for (uint32_t id : ids) {
        Session* s = run(id);
        if (!s) return {false, "cannot race: there is no run " + std::to_string(id)};
        racers.push_back(s);
    }
    return race_sessions(racers, steps);
}

CommandResult RunGroup::race_sessions(const std::vector<Session*>& racers, long steps) {
    if (racers.empty()) return {false, "cannot race: no runs given"};
    if (steps < 0) return {false, "cannot race " + std::to_string(steps) + " steps"};
    for (Session* s : racers) {
        if (!s) return {false, "cannot race: a run is missing"};
        if (s->m_core != racers.front()->m_core)
            return {false, "cannot race: '" + s->info().name + "' trains on another worker than '" +
                               racers.front()->info().name + "' (race forks of one run)"};
    }
    // One lock for all (they share the worker's): they start on the same round.
    std::lock_guard<std::mutex> lock(racers.front()->m_mutex);
    for (Session* s : racers)
        if (s->m_state != SessionState::Idle && s->m_state != SessionState::Paused)
            return {false, "cannot race: '" + s->m_info.name + "' is " + state_name(s->m_state) +
                               (s->m_state == SessionState::Running ? " — pause it first" : "")};
    for (Session* s : racers) {
        s->m_budget = steps;
        s->set_state(SessionState::Running);
    }
    racers.front()->m_cv.notify_all();
    return {};
}

CommandResult RunGroup::race_forks(uint32_t parent, long step, const std::vector<ForkSpec>& forks,
                                   long steps, std::vector<uint32_t>* ids) {
    if (forks.empty()) return {false, "cannot race: no forks given"};
    std::vector<uint32_t> made;
    for (const ForkSpec& f : forks) {
        uint32_t id = 0;
        if (CommandResult r = fork(parent, step, f, &id); !r) {
            for (uint32_t m : made) remove(m);
            return r;
        }
        made.push_back(id);
    }
    if (ids) *ids = made;
    return race(made, steps);
}

CommandResult RunGroup::pause(const std::vector<uint32_t>& ids) {
    std::vector<Session*> runs;
    for (uint32_t id : ids)
        if (Session* s = run(id)) runs.push_back(s);
    if (runs.empty()) return {false, "cannot pause: none of those runs exists"};
    return pause_sessions(runs);
}

CommandResult RunGroup::pause_sessions(const std::vector<Session*>& runs) {
    if (runs.empty()) return {false, "cannot pause: no runs given"};
    for (Session* s : runs)
        if (!s || s->m_core != runs.front()->m_core)
            return {false, "cannot pause them at once: they train on different workers"};
    std::lock_guard<std::mutex> lock(runs.front()->m_mutex);
    for (Session* s : runs)
        if (s->m_state == SessionState::Running) {
            s->m_budget = 0;
            s->set_state(SessionState::Paused);
        }
    return {};
}

CommandResult RunGroup::rename(uint32_t id, const std::string& name) {
    Session* s = run(id);
    if (!s) return {false, "cannot rename: there is no run " + std::to_string(id)};
    if (name.empty()) return {false, "cannot rename: give a name"};
    s->set_name(name);
    return {};
}

CommandResult RunGroup::remove(uint32_t id) {
    if (id == 0) return {false, "cannot remove the root run — reset it instead"};
    auto it = std::find_if(m_runs.begin(), m_runs.end(), [&](const Entry& e) { return e.id == id; });
    if (it == m_runs.end()) return {false, "cannot remove: there is no run " + std::to_string(id)};
    m_runs.erase(it);
    return {};
}

}  // namespace gs
