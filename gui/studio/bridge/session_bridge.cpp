// The session bridge: loading, commands, and the drain of telemetry on a timer.
#include "bridge/session_bridge.h"

#include <cmath>

#include <nlohmann/json.hpp>

#include "gradscope/backend.h"
#include "gradscope/data_pipeline.h"
#include "gradscope/error.h"
#include "gradscope/names.h"
#include "gradscope/session.h"

namespace gs::studio {

namespace {

// Snapshots while running: often enough to look live, rarely enough to cost
// little (the engine's telemetry-overhead bench measures 10 a second).
constexpr int kSnapshotEveryMs = 100;
// samples/s is measured over this much wall time.
constexpr qint64 kThroughputWindowMs = 1500;

std::string data_key(const ModelSpec& spec) {
    return nlohmann::json::parse(spec_to_json(spec, -1)).value("data", nlohmann::json()).dump();
}

CommandResult refused(const std::string& why) {
    CommandResult r;
    r.ok = false;
    r.reason = why;
    return r;
}

}  // namespace

SessionBridge::SessionBridge(QObject* parent) : QObject(parent) {
    m_timer.setInterval(30);
    connect(&m_timer, &QTimer::timeout, this, &SessionBridge::tick);
    m_timer.start();
    m_since_snapshot.start();
    m_wall.start();
}

SessionBridge::~SessionBridge() {
    ++m_generation;
    join_loaders();
    m_session.reset();
}

void SessionBridge::join_loaders() {
    for (auto& t : m_loaders)
        if (t.joinable()) t.join();
    m_loaders.clear();
}

void SessionBridge::clear_run_state() {
    m_store.clear();
    m_events_seen = 0;
    m_snapshot.reset();
    m_break = {};
    m_breaks_seen = m_session ? m_session->break_count() : 0;
    m_clock_on = false;
    m_elapsed_before = 0;
    m_snapshot_asked_step = -1;
    m_last_state = SessionState::Idle;
    m_throughput.clear();
    m_samples_per_s = 0;
}

void SessionBridge::load(const ModelSpec& spec, const QString& backend) {
    m_spec = spec;
    m_backend = backend;
    const std::string key = data_key(spec);
    const int gen = ++m_generation;
    if (m_data && key == m_data_key) {
        if (m_loading) {  // a load of other data was under way: it is dropped
            m_loading = false;
            emit loadingChanged(false, {});
        }
        build_session(m_data, {});
        return;
    }
    m_session.reset();
    clear_run_state();
    m_loading = true;
    emit loadingChanged(true, QStringLiteral("Opening %1…").arg(QString::fromStdString(spec.data.name)));
    emit sessionChanged();
    // A superseded loader finishes on its own (its result is dropped by the
    // generation check); only the destructor waits for loaders.
    m_loaders.emplace_back([this, spec, gen, key] {
        std::shared_ptr<const PreparedData> data;
        std::shared_ptr<const DataView> view;
        QString error;
        try {
            data = std::make_shared<const PreparedData>(prepare_data(spec));
            view = std::make_shared<const DataView>(make_data_view(*data));
        } catch (const std::exception& e) {
            data.reset();
            error = QString::fromStdString(e.what());
        }
        QMetaObject::invokeMethod(
            this,
            [this, data, view, error, gen, key] {
                if (gen != m_generation) return;  // a newer load() replaced this one
                m_loading = false;
                emit loadingChanged(false, {});
                if (!data) {
                    m_data.reset();
                    m_data_view.reset();
                    m_data_key.clear();
                    emit loadFailed(error);
                    emit sessionChanged();
                    return;
                }
                m_data = data;
                m_data_view = view;
                m_data_key = key;
                build_session(m_data, {});
            },
            Qt::QueuedConnection);
    });
}

void SessionBridge::load_checkpoint(const QString& path, const RunHistory* history) {
    if (!m_data) {
        emit loadFailed(QStringLiteral("open a model and its data before loading a checkpoint"));
        return;
    }
    // The curves this run drew, kept before the new session clears them.
    const TelemetryStore before = m_store;
    build_session(m_data, path, /*keep_on_failure=*/true);
    if (!m_session || m_session->steps_done() == 0) return;
    const long at = m_session->steps_done();
    RunHistory kept = history ? *history : history_of(before, at);
    // Only a history that reaches the checkpoint's step belongs to it.
    if (!history && (kept.loss.empty() || kept.step != at)) kept = {};
    replay(kept, m_store);
    if (kept.empty())
        emit message(QStringLiteral("Resumed at step %1: the curves start here").arg(at));
    emit telemetryUpdated();
}

void SessionBridge::build_session(std::shared_ptr<const PreparedData> data, const QString& resume_from,
                                  bool keep_on_failure) {
    // The backend asked for, or the CPU with the reason; a name this build
    // does not know (a project from another machine) falls back too.
    OpenedBackend opened;
    try {
        opened = open_backend(m_backend.toStdString());
    } catch (const std::exception& e) {
        opened = OpenedBackend{&cpu_backend(), "cpu", "", e.what(), e.what()};
    }
    if (opened.fell_back()) {
        emit message(QStringLiteral("%1 — training on the CPU").arg(QString::fromStdString(opened.error)));
        m_backend = QStringLiteral("cpu");
        emit backendChanged(m_backend);
    }
    Backend* backend = opened.backend;
    // The data decides the input: a spec made for other data gets its shape
    // (the editor then shows what else no longer fits).
    if (data->train && data->train->item_shape().numel() != m_spec.input.numel())
        m_spec.input = data->train->item_shape();
    SessionOptions options;
    options.break_on_nonfinite = m_stop_on_nonfinite;
    options.background_priority = true;  // frames before steps
    options.stop_at_end = false;          // a class watches on until paused
    options.resume_from = resume_from.toStdString();
    std::unique_ptr<Session> session;
    try {
        session = std::make_unique<Session>(m_spec, *data, *backend, options);
    } catch (const std::exception& e) {
        emit loadFailed(QString::fromStdString(e.what()));
        if (keep_on_failure && m_session) return;  // e.g. a checkpoint of another model: nothing lost
        m_session.reset();
        clear_run_state();
        emit sessionChanged();
        return;
    }
    m_session = std::move(session);
    clear_run_state();
    m_resetting = false;
    if (m_pace > 0) m_session->set_hyperparameter(id_of(Hyperparameter::StepsPerSecond), m_pace);
    for (const auto& [condition, threshold] : m_conditions) m_session->set_breakpoint(condition, threshold);
    emit sessionChanged();
    emit stateChanged(SessionState::Idle);
    request_snapshot();
}

std::unique_ptr<Session> SessionBridge::make_run(const ModelSpec& spec, const QString& checkpoint, const RunInfo& run,
                                                 QString* why) {
    try {
        std::shared_ptr<const PreparedData> data = m_data;
        if (!data || data_key(spec) != m_data_key) data = std::make_shared<const PreparedData>(prepare_data(spec));
        OpenedBackend opened = open_backend(m_backend.toStdString());
        SessionOptions options;
        options.break_on_nonfinite = m_stop_on_nonfinite;
        options.background_priority = true;
        options.stop_at_end = false;
        options.resume_from = checkpoint.toStdString();
        options.run = run;
        auto session = std::make_unique<Session>(spec, *data, *opened.backend, options);
        if (m_pace > 0) session->set_hyperparameter(id_of(Hyperparameter::StepsPerSecond), m_pace);
        for (const auto& [condition, threshold] : m_conditions) session->set_breakpoint(condition, threshold);
        return session;
    } catch (const std::exception& e) {
        if (why) *why = QString::fromStdString(e.what());
        return nullptr;
    }
}

SessionState SessionBridge::state() const {
    return m_session ? m_session->state() : SessionState::Idle;
}

long SessionBridge::steps_done() const { return m_session ? m_session->steps_done() : 0; }

WorkerTime SessionBridge::worker_time() const { return m_session ? m_session->worker_time() : WorkerTime{}; }

int SessionBridge::epoch() const {
    if (!m_session || m_session->steps_done() == 0) return 0;
    // Between epochs the last step closed the one before.
    return m_session->epoch() + (m_session->epoch_position() > 0 ? 1 : 0);
}

void SessionBridge::note_throughput() {
    const qint64 now = m_wall.elapsed();
    const long steps = steps_done();
    if (!m_throughput.empty() && m_throughput.back().second == steps) return;  // nothing trained since
    m_throughput.emplace_back(now, steps);
    // Keep one sample at or before the window's start, so the span covers it.
    while (m_throughput.size() > 2 && m_throughput[1].first <= now - kThroughputWindowMs) m_throughput.pop_front();
    const auto& [t0, s0] = m_throughput.front();
    if (m_throughput.size() >= 2 && now > t0)
        m_samples_per_s = static_cast<double>(steps - s0) * m_spec.batch_size * 1000.0 / static_cast<double>(now - t0);
}

double SessionBridge::elapsed_seconds() const {
    return m_elapsed_before + (m_clock_on ? m_running_clock.nsecsElapsed() / 1e9 : 0.0);
}

CommandResult SessionBridge::start_clock(CommandResult r) {
    if (r && !m_clock_on) {
        m_running_clock.start();
        m_clock_on = true;
        // The throughput of this stretch of training starts now, at this step.
        m_throughput.clear();
        m_throughput.emplace_back(m_wall.elapsed(), steps_done());
    }
    return r;
}

CommandResult SessionBridge::refuse_if_diverged() {
    if (m_break.diverged() && m_session && m_session->state() == SessionState::Paused)
        return report(refused("the weights have diverged, so every batch overflows again — press R to reset "
                              "(and lower the learning rate)"));
    return {};
}

void SessionBridge::stop_clock() {
    if (!m_clock_on) return;
    m_elapsed_before += m_running_clock.nsecsElapsed() / 1e9;
    m_clock_on = false;
}

CommandResult SessionBridge::with_session(const char* what) {
    if (m_session) return {};
    if (m_loading) return report(refused(std::string("the data is still opening — ") + what + " in a moment"));
    return report(refused(std::string("nothing to ") + what + ": the model or its data did not load"));
}

CommandResult SessionBridge::report(CommandResult r) {
    if (!r.ok) emit message(QString::fromStdString(r.reason));
    return r;
}

CommandResult SessionBridge::play() {
    if (auto r = with_session("train"); !r) return r;
    if (auto r = refuse_if_diverged(); !r) return r;
    switch (m_session->state()) {
        case SessionState::Idle: return start_clock(report(m_session->start()));
        case SessionState::Paused: return start_clock(report(m_session->resume()));
        case SessionState::Running: return {};
        case SessionState::Stopped:
            return report(refused("the run has finished — press R to reset and train again"));
        case SessionState::Failed:
            return report(refused("the run failed — press R to reset"));
    }
    return {};
}

CommandResult SessionBridge::pause() {
    if (auto r = with_session("pause"); !r) return r;
    CommandResult r = report(m_session->pause());
    if (r) stop_clock();
    return r;
}

CommandResult SessionBridge::toggle() {
    return state() == SessionState::Running ? pause() : play();
}

CommandResult SessionBridge::step(long n) {
    if (auto r = with_session("step"); !r) return r;
    if (auto r = refuse_if_diverged(); !r) return r;
    if (m_session->state() == SessionState::Running) m_session->pause();
    return start_clock(report(m_session->step(n)));
}

CommandResult SessionBridge::step_epoch() {
    if (auto r = with_session("step"); !r) return r;
    if (auto r = refuse_if_diverged(); !r) return r;
    if (m_session->state() == SessionState::Running) m_session->pause();
    return start_clock(report(m_session->step_epoch()));
}

CommandResult SessionBridge::reset() {
    if (auto r = with_session("reset"); !r) return r;
    // The run the reset starts, counted before asking: the worker may apply
    // the reset before this thread reads the count again.
    const auto next_run = m_session->run_count() + 1;
    CommandResult r = report(m_session->reset());
    if (!r) return r;
    // Records of a step that was under way when the reset came are dropped
    // with the rest (tick() discards until the worker has applied the
    // reset, and the session's drain() drops older runs' records after it):
    // the views start over from step 0.
    m_resetting = true;
    m_reset_run = next_run;
    clear_run_state();
    emit sessionChanged();
    emit stateChanged(SessionState::Idle);
    request_snapshot();
    return r;
}

CommandResult SessionBridge::set_hyperparameter(const QString& name, double value) {
    const std::string n = name.toStdString();
    CommandResult r;
    if (m_session) r = report(m_session->set_hyperparameter(n, value));
    if (!r) return r;
    const HyperparameterName* h = find_hyperparameter(n);
    if (!h) return r;  // (a session refuses an unknown name above)
    OptimizerSpec& o = m_spec.optimizer;
    switch (h->kind) {
        case Hyperparameter::Lr: o.lr = static_cast<float>(value); break;
        case Hyperparameter::Momentum: o.momentum = static_cast<float>(value); break;
        case Hyperparameter::WeightDecay: o.weight_decay = static_cast<float>(value); break;
        case Hyperparameter::ClipNorm: o.clip_norm = static_cast<float>(value); break;
        case Hyperparameter::BatchSize: m_spec.batch_size = static_cast<int>(value); break;
        case Hyperparameter::StepsPerSecond: m_pace = value; break;
    }
    return r;
}

CommandResult SessionBridge::set_optimizer(const OptimizerSpec& optimizer) {
    CommandResult r;
    if (m_session) r = report(m_session->set_optimizer(optimizer));
    if (r) m_spec.optimizer = optimizer;
    return r;
}

CommandResult SessionBridge::set_stop_on_nonfinite(bool on) {
    m_stop_on_nonfinite = on;
    if (!m_session) return {};
    return report(m_session->set_breakpoint(id_of(BreakpointKind::Nonfinite), on ? 1 : 0));
}

CommandResult SessionBridge::set_breakpoint(const QString& condition, double threshold) {
    const std::string c = condition.toStdString();
    if (m_session) {
        CommandResult r = report(m_session->set_breakpoint(c, threshold));
        if (!r) return r;
    }
    // Kept for the sessions that follow (an edit or a reset of the seed makes a new one).
    if (std::isfinite(threshold)) m_conditions[c] = threshold;
    else m_conditions.erase(c);
    return {};
}

CommandResult SessionBridge::save_checkpoint(const QString& path) {
    if (auto r = with_session("save"); !r) return r;
    // Paused at once; the worker saves between steps and reports back
    // through an event (message() says "saved ..." or why not).
    if (m_session->state() == SessionState::Running) pause();
    return report(m_session->save_checkpoint(path.toStdString()));
}

CommandResult SessionBridge::save_checkpoint_now(const QString& path, int timeout_ms) {
    if (auto r = save_checkpoint(path); !r) return r;
    if (!m_session->wait_until_settled(timeout_ms / 1000.0))
        return report(refused("the checkpoint was not written within " + std::to_string(timeout_ms / 1000) + " s"));
    tick();  // the worker's answer is an event: "checkpoint" or "error", named by the path
    const std::string p = path.toStdString();
    const auto& events = m_store.events();
    for (auto it = events.rbegin(); it != events.rend(); ++it)
        if (it->name == p && (it->kind == "checkpoint" || it->kind == "error"))
            return it->kind == "checkpoint" ? CommandResult{} : refused(it->text);
    return report(refused("no word from the worker about " + p));
}

void SessionBridge::set_probe(int item) {
    m_probe = item < 0 ? 0 : item;
    request_snapshot();
}

SnapshotRequest SessionBridge::snapshot_request() const {
    SnapshotRequest q;
    q.probe = m_probe;
    // A plane for 2-D data (two inputs, or input features computed from a
    // plane's points); a curve for one input (a regression line).
    const auto inputs = m_spec.input.numel();
    q.grid = (inputs == 2 || (m_data_view && m_data_view->two_d)) ? 64 : inputs == 1 ? 256 : 0;
    q.misclassified = 64;  // all the session keeps between passes: the mistakes gallery
    q.outcomes = true;  // every item's outcome, for the confusion view's cells (a copy, no pass)
    return q;
}

void SessionBridge::request_snapshot() {
    if (!m_session) return;
    m_session->request_snapshot(snapshot_request());
    m_snapshot_asked_step = m_session->steps_done();
    m_since_snapshot.restart();
}

void SessionBridge::maybe_request_snapshot() {
    const bool running = m_last_state == SessionState::Running;
    if (running ? m_since_snapshot.elapsed() >= kSnapshotEveryMs
                : m_session->steps_done() != m_snapshot_asked_step)
        request_snapshot();
}

void SessionBridge::announce_events() {
    const auto& events = m_store.events();
    if (events.size() < m_events_seen) m_events_seen = 0;  // the store forgot its oldest
    for (size_t i = m_events_seen; i < events.size(); ++i) {
        const EventRecord& e = events[i];
        if (e.kind == "checkpoint") emit message(QStringLiteral("Checkpoint saved: %1").arg(QString::fromStdString(e.name)));
        else if (e.kind == "error") emit message(QString::fromStdString(e.text));
    }
    m_events_seen = events.size();
}

void SessionBridge::tick() {
    if (!m_session) return;
    if (m_resetting) {
        // Until the worker has applied the reset, whatever arrives is the old run's.
        TelemetryStore discard;
        if (m_session->run_count() < m_reset_run) {
            m_session->drain(discard);
            return;
        }
        m_resetting = false;
    }
    if (m_session->drain(m_store) > 0) {
        announce_events();
        emit telemetryUpdated();
    }
    const SessionState st = m_session->state();
    if (m_clock_on) note_throughput();
    if (st != SessionState::Running) stop_clock();
    // A break is noticed by the session's count, however briefly the state
    // changed (a NaN met while stepping goes paused -> running -> paused
    // within one tick).
    if (const long breaks = m_session->break_count(); breaks != m_breaks_seen) {
        m_breaks_seen = breaks;
        m_break = m_session->last_break();
        if (m_break.kind == id_of(BreakpointKind::Nonfinite) || m_break.kind == "condition" ||
            m_break.kind == "error")
            emit breakpointHit();
        else if (!m_break.message.empty())
            emit message(QString::fromStdString(m_break.message));
    }
    if (st != m_last_state) {
        m_last_state = st;
        emit stateChanged(st);
    }
    if (auto snap = m_session->latest_snapshot(); snap && snap != m_snapshot) {
        m_snapshot = std::move(snap);
        emit snapshotUpdated();
    }
    maybe_request_snapshot();
}

}  // namespace gs::studio
