// RunFamily: forks of the bridge's session, their telemetry, scrubbing and races.
#include "bridge/run_family.h"

#include <algorithm>

#include "bridge/session_bridge.h"
#include "gradscope/io.h"
#include "gradscope/names.h"
#include "gradscope/run_group.h"
#include "gradscope/session.h"

namespace gs::studio {

namespace {

constexpr int kSnapshotEveryMs = 100;

CommandResult refused(const std::string& why) { return CommandResult{false, why}; }

// A parent's settings with a fork's changes, as the engine applies them.
ModelSpec forked_spec(ModelSpec s, const ForkSpec& ch) {
    if (ch.optimizer) s.optimizer = *ch.optimizer;
    if (ch.lr) s.optimizer.lr = *ch.lr;
    if (ch.weight_decay) s.optimizer.weight_decay = *ch.weight_decay;
    if (ch.batch_size) s.batch_size = *ch.batch_size;
    if (ch.schedule) s.schedule = *ch.schedule;
    if (ch.noise) s.data.noise = *ch.noise;
    return s;
}

}  // namespace

struct RunFamily::Run {
    uint32_t id = 0;
    std::unique_ptr<Session> session;  // null: a saved run listed only
    ModelSpec spec;                     // the settings it trains with
    RunInfo saved;                      // a run listed only: who it was
    long saved_steps = 0;
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

bool RunFamily::listed_only(uint32_t id) const {
    const Run* r = find(id);
    return r && !r->session;
}

CommandResult RunFamily::no_run(uint32_t id) {
    if (const Run* r = find(id); r && !r->session)
        return report(refused("the state of '" + r->saved.name +
                              "' was not saved with the project: its place in the tree is kept, but it cannot "
                              "train or be shown (tick \"Save states\" before saving to keep it)"));
    return report(refused("there is no run " + std::to_string(id)));
}

ModelSpec RunFamily::spec(uint32_t id) const {
    const Run* r = find(id);
    return r && r->session ? r->spec : m_bridge->spec();
}

RunInfo RunFamily::info(uint32_t id) const {
    if (const Run* r = find(id); r && !r->session) {
        RunInfo i = r->saved;
        i.id = id;
        return i;
    }
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
    if (const Run* r = find(id); r && !r->session) return r->saved_steps;
    Session* s = session_of(id);
    return s ? s->steps_done() : 0;
}

long RunFamily::first_step(uint32_t id) const {
    if (const Run* r = find(id); r && !r->session) return std::max(0L, r->saved.fork_step);
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
    if (!has(id)) return no_run(id);
    if (id == m_active) return {};
    go_live();
    m_active = id;
    if (Run* r = find(id)) request_snapshot(*r);
    emit activeChanged(id);
    return {};
}

CommandResult RunFamily::rename(uint32_t id, const QString& name) {
    Session* s = session_of(id);
    Run* listed = find(id);
    if (listed && listed->session) listed = nullptr;
    if (!s && !listed) return no_run(id);
    const std::string n = name.trimmed().toStdString();
    if (n.empty()) return report(refused("a run needs a name"));
    if (s) s->set_name(n);
    else listed->saved.name = n;
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

std::vector<Session*> RunFamily::race_of(uint32_t id) const {
    std::vector<Session*> out;
    if (std::find(m_racers.begin(), m_racers.end(), id) == m_racers.end()) return out;
    for (uint32_t r : m_racers)
        if (const Run* run = find(r); run && run->session) out.push_back(run->session.get());
    if (out.size() < 2) out.clear();
    return out;
}

CommandResult RunFamily::play(uint32_t id) {
    if (id == 0) return m_bridge->play();
    Session* s = session_of(id);
    if (!s) return no_run(id);
    if (s->state() == SessionState::Running) return {};
    // A racer goes on with its race, on the same round as the others.
    if (const auto race = race_of(id); !race.empty() && std::all_of(race.begin(), race.end(), [](Session* r) {
            return r->state() == SessionState::Paused || r->state() == SessionState::Idle;
        }))
        return report(RunGroup::race_sessions(race));
    return report(s->state() == SessionState::Paused ? s->resume() : s->start());
}

CommandResult RunFamily::pause(uint32_t id) {
    if (id == 0) return m_bridge->pause();
    Session* s = session_of(id);
    if (!s) return no_run(id);
    if (const auto race = race_of(id); !race.empty()) return report(RunGroup::pause_sessions(race));  // together
    return report(s->pause());
}

CommandResult RunFamily::step(uint32_t id, long n) {
    if (id == 0) return m_bridge->step(n);
    Session* s = session_of(id);
    if (!s) return no_run(id);
    if (s->state() == SessionState::Running) s->pause();
    return report(s->step(n));
}

bool RunFamily::wait_until_settled(uint32_t id, double seconds) const {
    Session* s = session_of(id);
    return s && s->wait_until_settled(seconds);
}

CommandResult RunFamily::step_epoch(uint32_t id) {
    if (id == 0) return m_bridge->step_epoch();
    Session* s = session_of(id);
    if (!s) return no_run(id);
    if (s->state() == SessionState::Running) s->pause();
    return report(s->step_epoch());
}

CommandResult RunFamily::show_step(long step, bool settled) {
    Session* s = session_of(m_active);
    if (!s) return report(refused("nothing to scrub: no run is loaded"));
    SnapshotRequest q = m_bridge->snapshot_request();
    // A past step's confusion matrix and mistakes take a pass over the
    // validation split: only when the drag stops.
    q.confusion = settled;
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
    run->spec = forked_spec(spec(m_active), changes);
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
    // Started at once, on the same round of the worker, which gives each a
    // step in turn: their counts stay matched.
    std::vector<Session*> sessions;
    for (uint32_t id : made) sessions.push_back(find(id)->session.get());
    if (CommandResult c = RunGroup::race_sessions(sessions, steps); !c) {
        for (uint32_t m : made) remove(m);
        return report(c);
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
    if (!s) return no_run(id);
    if (s->state() == SessionState::Running) pause(id);
    return report(s->save_checkpoint(path.toStdString(), step));
}

CommandResult RunFamily::add_saved_run(RunInfo run, long steps, bool visible, const QString& checkpoint,
                                       uint32_t* id) {
    if (run.id == 0) {  // the first run: the bridge's
        if (!m_bridge->session()) return report(refused("no first run is loaded"));
        if (!run.name.empty()) m_bridge->session()->set_name(run.name);
        m_root_visible = visible;
        if (id) *id = 0;
        emit runsChanged();
        return {};
    }
    if (run.parent != kNoRun && !find(run.parent) && run.parent != 0)
        return report(refused("run '" + run.name + "' names a parent that is not in the tree"));
    auto r = std::make_unique<Run>();
    r->id = m_next_id++;
    run.id = r->id;
    r->visible = visible;
    if (checkpoint.isEmpty()) {
        r->saved = std::move(run);
        r->saved_steps = steps;
    } else {
        QString why;
        try {
            r->spec = checkpoint_spec(checkpoint.toStdString());
        } catch (const std::exception& e) {
            why = QString::fromStdString(e.what());
        }
        if (why.isEmpty()) r->session = m_bridge->make_run(r->spec, checkpoint, run, &why);
        if (!r->session) {
            --m_next_id;
            return report(refused("run '" + run.name + "': " + why.toStdString()));
        }
        r->since_snapshot.start();
        request_snapshot(*r);
    }
    if (id) *id = r->id;
    m_runs.push_back(std::move(r));
    emit runsChanged();
    return {};
}

void RunFamily::request_snapshot(Run& r) {
    r.session->request_snapshot(m_bridge->snapshot_request());
    r.snapshot_asked_step = r.session->steps_done();
    r.since_snapshot.restart();
}

void RunFamily::tick() {
    if (m_bridge->session() != m_root) sync_root();
    for (auto& r : m_runs) {
        if (!r->session) continue;  // listed only
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
