// RunFamily: forks of the bridge's session, their telemetry, scrubbing and races.
#include "bridge/run_family.h"

#include <algorithm>

#include "bridge/session_bridge.h"
#include "gradscope/names.h"
#include "gradscope/session.h"

namespace gs::studio {

namespace {

constexpr int kSnapshotEveryMs = 100;

CommandResult refused(const std::string& why) { return CommandResult{false, why}; }

}  // namespace

struct RunFamily::Run {
    uint32_t id = 0;
    std::unique_ptr<Session> session;
    TelemetryStore store;
    bool visible = true;
    std::shared_ptr<const Snapshot> snapshot;
    long snapshot_asked_step = -1;
    QElapsedTimer since_snapshot;
    SessionState last_state = SessionState::Idle;
};

RunFamily::RunFamily(SessionBridge* bridge, QObject* parent) : QObject(parent), m_bridge(bridge) {
    m_timer.setInterval(30);
    connect(&m_timer, &QTimer::timeout, this, &RunFamily::tick);
    m_timer.start();
    connect(m_bridge, &SessionBridge::sessionChanged, this, &RunFamily::sync_root);
    m_root = m_bridge->session();
}

RunFamily::~RunFamily() {
    // Forks before the bridge's root: their hand-overs are done or failed.
    m_runs.clear();
}

void RunFamily::sync_root() {
    if (m_bridge->session() == m_root && m_root) return;
    // Another session (or none): the forks were of the old one.
    const bool had = !m_runs.empty() || m_active != 0 || showing_past();
    m_runs.clear();
    m_racers.clear();
    m_root = m_bridge->session();
    m_active = 0;
    m_root_visible = true;
    m_past.reset();
    m_past_step = m_past_asked = -1;
    if (had) {
        emit liveAgain();
        emit activeChanged(0);
    }
    emit runsChanged();  // the first run is another one (or none)
}

Session* RunFamily::session_of(uint32_t id) const {
    if (id == 0) return m_bridge->session();
    const Run* r = find(id);
    return r ? r->session.get() : nullptr;
}

RunFamily::Run* RunFamily::find(uint32_t id) {
    for (auto& r : m_runs)
        if (r->id == id) return r.get();
    return nullptr;
}

const RunFamily::Run* RunFamily::find(uint32_t id) const {
    for (const auto& r : m_runs)
        if (r->id == id) return r.get();
    return nullptr;
}

CommandResult RunFamily::report(CommandResult r) {
    if (!r.ok) emit message(QString::fromStdString(r.reason));
    return r;
}

std::vector<uint32_t> RunFamily::ids() const {
    std::vector<uint32_t> out;
    if (!m_bridge->session()) return out;
    out.push_back(0);
    for (const auto& r : m_runs) out.push_back(r->id);
    return out;
}

bool RunFamily::has(uint32_t id) const { return session_of(id) != nullptr; }

RunInfo RunFamily::info(uint32_t id) const {
    Session* s = session_of(id);
    if (!s) return {};
    RunInfo i = s->info();
    i.id = id;
    if (id == 0) i.colour = 0;
    return i;
}

SessionState RunFamily::state(uint32_t id) const {
    Session* s = session_of(id);
    return s ? s->state() : SessionState::Idle;
}

long RunFamily::steps_done(uint32_t id) const {
    Session* s = session_of(id);
    return s ? s->steps_done() : 0;
}

long RunFamily::first_step(uint32_t id) const {
    Session* s = session_of(id);
    return s ? s->first_step() : 0;
}

const TelemetryStore* RunFamily::store(uint32_t id) const {
    if (id == 0) return m_bridge->session() ? &m_bridge->store() : nullptr;
    const Run* r = find(id);
    return r ? &r->store : nullptr;
}

std::shared_ptr<const Snapshot> RunFamily::snapshot(uint32_t id) const {
    if (id == 0) return m_bridge->snapshot();
    const Run* r = find(id);
    return r ? r->snapshot : nullptr;
}

BreakInfo RunFamily::last_break(uint32_t id) const {
    if (id == 0) return m_bridge->last_break();
    Session* s = session_of(id);
    return s ? s->last_break() : BreakInfo{};
}

RestorePointSummary RunFamily::restore_points(uint32_t id) const {
    RestorePointSummary out;
    Session* s = session_of(id);
    if (!s) return out;
    const RestorePointInfo p = s->restore_points();
    out.points = p.points;
    out.bytes = p.bytes;
    out.budget = p.budget;
    out.oldest_step = p.oldest_step;
    out.newest_step = p.newest_step;
    out.first_step = p.first_step;
    return out;
}

bool RunFamily::visible(uint32_t id) const {
    if (id == 0) return m_root_visible;
    const Run* r = find(id);
    return r && r->visible;
}

void RunFamily::set_visible(uint32_t id, bool on) {
    if (id == 0) m_root_visible = on;
    else if (Run* r = find(id)) r->visible = on;
    else return;
    emit runsChanged();
}

CommandResult RunFamily::make_active(uint32_t id) {
    if (!has(id)) return report(refused("there is no run " + std::to_string(id)));
    if (id == m_active) return {};
    go_live();
    m_active = id;
    if (Run* r = find(id)) request_snapshot(*r);
    emit activeChanged(id);
    return {};
}

CommandResult RunFamily::rename(uint32_t id, const QString& name) {
    Session* s = session_of(id);
    if (!s) return report(refused("there is no run " + std::to_string(id)));
    const std::string n = name.trimmed().toStdString();
    if (n.empty()) return report(refused("a run needs a name"));
    s->set_name(n);
    emit runsChanged();
    return {};
}

CommandResult RunFamily::remove(uint32_t id) {
    if (id == 0) return report(refused("the first run stays: press R to reset it instead"));
    auto it = std::find_if(m_runs.begin(), m_runs.end(), [id](const auto& r) { return r->id == id; });
    if (it == m_runs.end()) return report(refused("there is no run " + std::to_string(id)));
    if (m_active == id) {
        go_live();
        m_active = 0;
        emit activeChanged(0);
    }
    m_racers.erase(std::remove(m_racers.begin(), m_racers.end(), id), m_racers.end());
    m_runs.erase(it);  // waits for its current step, as closing a session does
    emit runsChanged();
    return {};
}

CommandResult RunFamily::play(uint32_t id) {
    if (id == 0) return m_bridge->play();
    Session* s = session_of(id);
    if (!s) return report(refused("there is no run " + std::to_string(id)));
    if (s->state() == SessionState::Running) return {};
    return report(s->state() == SessionState::Paused ? s->resume() : s->start());
}

CommandResult RunFamily::pause(uint32_t id) {
    if (id == 0) return m_bridge->pause();
    Session* s = session_of(id);
    if (!s) return report(refused("there is no run " + std::to_string(id)));
    return report(s->pause());
}

CommandResult RunFamily::step(uint32_t id, long n) {
    if (id == 0) return m_bridge->step(n);
    Session* s = session_of(id);
    if (!s) return report(refused("there is no run " + std::to_string(id)));
    if (s->state() == SessionState::Running) s->pause();
    return report(s->step(n));
}

CommandResult RunFamily::show_step(long step, bool settled) {
    Session* s = session_of(m_active);
    if (!s) return report(refused("nothing to scrub: no run is loaded"));
    SnapshotRequest q;
    q.probe = m_bridge->probe();
    q.grid = m_bridge->spec().input.numel() == 2 ? 64 : 0;
    q.confusion = settled;  // a pass over the validation split: only when the drag stops
    CommandResult r = s->show_step(step, q);
    if (!r) return report(r);
    m_past_step = step;
    m_past_asked = step;
    return r;
}

void RunFamily::go_live() {
    if (!showing_past()) return;
    m_past_step = m_past_asked = -1;
    m_past.reset();
    emit liveAgain();
}

CommandResult RunFamily::fork(long step, const ForkSpec& changes, uint32_t* id) {
    Session* parent = session_of(m_active);
    if (!parent) return report(refused("nothing to fork: no run is loaded"));
    SessionOptions o;
    o.background_priority = true;
    o.run.id = m_next_id;
    o.run.colour = static_cast<int>(m_next_id);
    o.run.name = changes.name.empty()
                     ? parent->info().name + (changes.summary().empty() ? " fork" : " " + changes.summary())
                     : changes.name;
    CommandResult why;
    std::unique_ptr<Session> s = parent->fork(step, changes, std::move(o), &why);
    if (!s) return report(why.ok ? refused("the fork could not be made") : why);
    auto run = std::make_unique<Run>();
    run->id = m_next_id++;
    run->session = std::move(s);
    run->since_snapshot.start();
    if (id) *id = run->id;
    m_runs.push_back(std::move(run));
    emit runsChanged();
    return {};
}

CommandResult RunFamily::race(long step, const std::vector<ForkSpec>& forks, long steps,
                              std::vector<uint32_t>* ids) {
    if (forks.size() < 2 || forks.size() > 4)
        return report(refused("a race takes two to four runs, not " + std::to_string(forks.size())));
    if (steps < 0) return report(refused("cannot race a negative number of steps"));
    // The parent pauses: the racers then share the worker among themselves.
    if (state(m_active) == SessionState::Running) pause(m_active);
    std::vector<uint32_t> made;
    for (const ForkSpec& f : forks) {
        uint32_t id = 0;
        CommandResult r = fork(step, f, &id);
        if (!r) {
            for (uint32_t m : made) remove(m);
            return r;
        }
        made.push_back(id);
    }
    // Started one after another within microseconds; the worker gives each
    // a round of one step in turn, so their counts stay matched.
    for (uint32_t id : made) {
        Run* r = find(id);
        CommandResult c = steps > 0 ? r->session->step(steps) : r->session->start();
        if (!c) {
            for (uint32_t m : made) remove(m);
            return report(c);
        }
    }
    m_racers = made;
    if (ids) *ids = made;
    emit runsChanged();
    return {};
}

CommandResult RunFamily::rewind(long step) {
    Session* s = session_of(m_active);
    if (!s) return report(refused("nothing to rewind: no run is loaded"));
    go_live();
    CommandResult r = report(s->rewind(step));
    if (r && m_active == 0) m_bridge->request_snapshot();
    if (Run* run = find(m_active); r && run) request_snapshot(*run);
    return r;
}

CommandResult RunFamily::save_checkpoint(uint32_t id, const QString& path, long step) {
    Session* s = session_of(id);
    if (!s) return report(refused("nothing to save: there is no run " + std::to_string(id)));
    if (s->state() == SessionState::Running) pause(id);
    return report(s->save_checkpoint(path.toStdString(), step));
}

void RunFamily::request_snapshot(Run& r) {
    SnapshotRequest q;
    q.probe = m_bridge->probe();
    q.grid = m_bridge->spec().input.numel() == 2 ? 64 : 0;
    r.session->request_snapshot(q);
    r.snapshot_asked_step = r.session->steps_done();
    r.since_snapshot.restart();
}

void RunFamily::tick() {
    if (m_bridge->session() != m_root) sync_root();
    for (auto& r : m_runs) {
        bool changed = r->session->drain(r->store) > 0;
        const SessionState st = r->session->state();
        if (st != r->last_state) {
            r->last_state = st;
            changed = true;
        }
        if (auto snap = r->session->latest_snapshot(); snap && snap != r->snapshot) {
            r->snapshot = std::move(snap);
            changed = true;
        }
        const bool running = st == SessionState::Running;
        if (running ? r->since_snapshot.elapsed() >= kSnapshotEveryMs
                    : r->session->steps_done() != r->snapshot_asked_step)
            request_snapshot(*r);
        if (changed) emit runUpdated(r->id);
    }
    if (showing_past()) {
        Session* s = session_of(m_active);
        auto p = s ? s->latest_past_step() : nullptr;
        if (p && p != m_past && p->step == m_past_asked) {
            m_past = std::move(p);
            emit pastReady();
        }
    }
}

}  // namespace gs::studio
