// SessionBridge: the one seam between Qt and the engine (DESIGN.md, rule 2).
// It owns the Session, sends it commands, and drains its telemetry into a
// TelemetryStore on a short timer (30 ms), so a burst of thousands of steps
// reaches the views as one update. Data is opened on a background thread;
// nothing here waits for training. Views never see the Session: they read
// the store, the spec, the data (as a DataView) and snapshots, and are told
// when to. Engine objects stay behind forward declarations: this header
// includes only the core library and Qt.
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QTimer>
#include <deque>
#include <memory>
#include <map>
#include <utility>
#include <thread>
#include <vector>

#include "bridge/data_view.h"
#include "bridge/run_history.h"
#include "gradscope/run_info.h"
#include "gradscope/session_types.h"
#include "gradscope/spec.h"
#include "gradscope/telemetry.h"

namespace gs {
class Session;
struct PreparedData;
}  // namespace gs

namespace gs::studio {

class SessionBridge : public QObject {
    Q_OBJECT

public:
    explicit SessionBridge(QObject* parent = nullptr);
    ~SessionBridge() override;

    // Builds a session for spec on backend ("cpu", "cuda:0"...). The data is
    // opened on a background thread unless the same data is already open;
    // loadingChanged(true) ... then sessionChanged() or loadFailed(message).
    void load(const ModelSpec& spec, const QString& backend = QStringLiteral("cpu"));
    // Starts again from a checkpoint (same spec and data): the next session
    // resumes from it, and the curves go on from the history given, else
    // from what this run showed up to the checkpoint's step (a checkpoint of
    // another run starts its curves there). Errors come back through loadFailed.
    void load_checkpoint(const QString& path, const RunHistory* history = nullptr);
    bool is_loading() const { return m_loading; }
    bool has_session() const { return m_session != nullptr; }
    // The session itself, for the bridge's other parts (run_family.h): views
    // cannot use it (they see no engine header).
    Session* session() const { return m_session.get(); }

    const ModelSpec& spec() const { return m_spec; }
    QString backend() const { return m_backend; }
    // What the views show of the open data (null until loaded); the same
    // object as long as the same data stays open.
    std::shared_ptr<const DataView> data() const { return m_data_view; }
    const TelemetryStore& store() const { return m_store; }
    SessionState state() const;
    long steps_done() const;
    // The session's worker's own account of its time (zeros without a session).
    WorkerTime worker_time() const;
    // The epoch the last step belonged to, 1-based (0 before the first step),
    // from the session itself: right after a checkpoint too.
    int epoch() const;
    // Samples trained per second of wall time over the last 1.5 s while
    // training (pacing, snapshots and all), the last figure once paused.
    double samples_per_second() const { return m_samples_per_s; }
    // Seconds spent running (paused time not counted).
    double elapsed_seconds() const;
    std::shared_ptr<const Snapshot> snapshot() const { return m_snapshot; }
    const BreakInfo& last_break() const { return m_break; }

    // Commands. A refused one returns the engine's reason and also emits
    // message(); with no session they are refused with a reason too.
    CommandResult play();  // start or resume
    CommandResult pause();
    CommandResult toggle();  // Space: play or pause
    CommandResult step(long n = 1);
    CommandResult step_epoch();
    CommandResult reset();
    CommandResult set_hyperparameter(const QString& name, double value);
    CommandResult set_optimizer(const OptimizerSpec& optimizer);
    CommandResult set_stop_on_nonfinite(bool on);
    bool stop_on_nonfinite() const { return m_stop_on_nonfinite; }
    double steps_per_second() const { return m_pace; }
    const std::map<std::string, double>& breakpoints() const { return m_conditions; }
    // loss_above, grad_norm_above, dead_fraction_above; NaN clears it.
    CommandResult set_breakpoint(const QString& condition, double threshold);
    CommandResult save_checkpoint(const QString& path);
    // Pauses, saves between steps and waits for the worker to have written
    // it (at most timeout_ms: about one step): for saving a project or an
    // export, which need the file before they go on.
    CommandResult save_checkpoint_now(const QString& path, int timeout_ms = 30000);
    // The probe item snapshots show (an item of the split DatasetPreview shows).
    void set_probe(int item);
    int probe() const { return m_probe; }
    // Asks for a fresh snapshot now (they also come on their own while training).
    void request_snapshot();
    // What the views ask a snapshot for (the probe, a decision grid or curve,
    // the mistakes gallery, every item's outcome): forks and past steps ask
    // for the same, so every run and step is shown alike.
    SnapshotRequest snapshot_request() const;

    // Another run of the family beside this session (run_family.h: a fork
    // saved with a project): a session of spec on this backend, with this
    // session's options, breakpoints and pace, resumed from checkpoint, who
    // `run` says. The open data when spec's is the same (else spec's own,
    // prepared now). Null, with the reason in *why.
    std::unique_ptr<Session> make_run(const ModelSpec& spec, const QString& checkpoint, const RunInfo& run,
                                      QString* why = nullptr);

    // For the bridge's other services (DataMapService): the session, or null.
    gs::Session* engine_session() const { return m_session.get(); }
    // A reset was asked for and the worker has not applied it yet.
    bool resetting() const { return m_resetting; }

    // Drains the session at once (the timer does this every 30 ms); public
    // so that tests and the screenshot mode need not wait for the timer.
    void tick();
    // The 30 ms timer that calls tick() (off: whoever calls tick() drives
    // the window alone, as --bench-ui's frames do, one update per frame).
    void set_polling(bool on) { on ? m_timer.start() : m_timer.stop(); }

signals:
    void loadingChanged(bool loading, const QString& what);
    void sessionChanged();   // a new session (spec, data or backend changed): views start over
    void loadFailed(const QString& message);
    void telemetryUpdated();  // new records in store()
    void stateChanged(gs::SessionState state);
    void snapshotUpdated();  // snapshot() is newer
    // A breakpoint paused the run (last_break() says why).
    void breakpointHit();
    void message(const QString& text);  // refusals and notes, for the status bar
    // The backend asked for could not be used; this one trains instead.
    void backendChanged(const QString& backend);

private:
    friend class ClassroomService;  // the classroom's commands (bridge/classroom_service.h)
    friend class GaugesBridge;  // bridge/gauges_bridge.h: the gauges' commands
    CommandResult with_session(const char* what);
    CommandResult report(CommandResult r);
    void build_session(std::shared_ptr<const PreparedData> data, const QString& resume_from,
                       bool keep_on_failure = false);
    void clear_run_state();  // the store, snapshot, break and clock of a run that starts over
    void maybe_request_snapshot();
    void announce_events();  // checkpoint results and errors, as messages
    void join_loaders();
    CommandResult start_clock(CommandResult r);  // the run clock starts when a command succeeds
    void stop_clock();
    CommandResult refuse_if_diverged();  // after a NaN break whose weights diverged: reset first
    void note_throughput();              // a sample of (time, steps) for samples_per_second()

    QTimer m_timer;
    ModelSpec m_spec;
    QString m_backend = QStringLiteral("cpu");
    std::string m_data_key;  // the DataSpec the open data came from, as JSON
    std::shared_ptr<const PreparedData> m_data;
    std::shared_ptr<const DataView> m_data_view;  // of m_data
    std::unique_ptr<Session> m_session;
    TelemetryStore m_store;
    std::shared_ptr<const Snapshot> m_snapshot;
    BreakInfo m_break;
    SessionState m_last_state = SessionState::Idle;
    bool m_loading = false;
    bool m_resetting = false;  // dropping records until the worker applies a reset
    uint32_t m_reset_run = 0;  // ... which makes Session::run_count() this
    bool m_stop_on_nonfinite = true;
    int m_probe = 0;
    size_t m_events_seen = 0;  // store events already announced
    double m_pace = 0;  // steps per second while running (0: full speed)
    long m_snapshot_asked_step = -1;
    QElapsedTimer m_since_snapshot;
    QElapsedTimer m_running_clock;
    bool m_clock_on = false;
    double m_elapsed_before = 0;  // running seconds before the current run
    std::vector<std::thread> m_loaders;  // joined only by the destructor
    std::map<std::string, double> m_conditions;  // breakpoints to set on every new session
    QElapsedTimer m_wall;  // since the bridge was made: the time axis of m_throughput
    std::deque<std::pair<qint64, long>> m_throughput;  // (ms, steps_done), the newest last
    double m_samples_per_s = 0;
    long m_breaks_seen = 0;
    int m_generation = 0;  // a load result for an older request is dropped
};

}  // namespace gs::studio
