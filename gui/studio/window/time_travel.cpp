// TimeTravel: the timeline, runs panel, race grid and overlay, wired to the main window's views.
#include "window/time_travel.h"

#include <QCheckBox>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileInfo>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QPushButton>
#include <QShortcut>
#include <QStringList>
#include <QStatusBar>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "bridge/run_family.h"
#include "gradscope/names.h"
#include "bridge/session_bridge.h"
#include "bridge/spec_service.h"
#include "canvas/network_canvas.h"
#include "inspector/layer_inspector.h"
#include "plots/gradient_flow.h"
#include "plots/run_overlay.h"
#include "plots/training_plot.h"
#include "project/run_tree.h"
#include "views/learned_views.h"
#include "window/docks.h"
#include "window/fork_dialog.h"
#include "window/main_window.h"
#include "window/race_view.h"
#include "window/runs_panel.h"
#include "window/timeline.h"
#include "window/training_controls.h"

namespace gs::studio {

namespace {

// Statistics by layer index, as the inspector takes them.
std::vector<LayerStats> by_layer(const std::vector<LayerStats>& stats, size_t layers) {
    std::vector<LayerStats> out(layers);
    for (const LayerStats& s : stats)
        if (s.layer >= 0 && static_cast<size_t>(s.layer) < layers) out[static_cast<size_t>(s.layer)] = s;
    return out;
}

}  // namespace

TimeTravel::TimeTravel(MainWindow* window)
    : QObject(window), m_window(window), m_family(new RunFamily(window->bridge(), this)) {
    // The timeline goes under the curves, in the plot's dock.
    m_timeline = new Timeline;
    TrainingPlot* plot = window->training_plot();
    if (auto* dock = window->findChild<QDockWidget*>(QStringLiteral("dock_plot"))) {
        auto* box = new QWidget;
        auto* col = new QVBoxLayout(box);
        col->setContentsMargins(0, 0, 0, 0);
        col->setSpacing(0);
        col->addWidget(plot, 1);
        col->addWidget(m_timeline);
        dock->setWidget(box);
    }
    m_overlay = new RunOverlay(plot);

    m_runs = new RunsPanel(m_family);
    auto* runs_dock = make_dock(window, QStringLiteral("Runs"), QStringLiteral("dock_runs"), m_runs, /*scroll=*/true);
    window->addDockWidget(Qt::RightDockWidgetArea, runs_dock);
    if (auto* inspector_dock = window->findChild<QDockWidget*>(QStringLiteral("dock_inspector"))) {
        window->splitDockWidget(inspector_dock, runs_dock, Qt::Vertical);
        window->resizeDocks({inspector_dock, runs_dock}, {420, 240}, Qt::Vertical);  // the inspector keeps the larger part
    }
    // The race grid takes the canvas's place while a race is shown.
    m_race = new RaceView(m_family);
    if (auto* centre = qobject_cast<QVBoxLayout*>(window->canvas()->parentWidget()->layout()))
        centre->addWidget(m_race, 1);
    m_race->hide();
    connect(m_race, &RaceView::closeRequested, this, [this] {
        m_race->hide();
        m_window->canvas()->show();
    });

    for (QKeySequence key : {QKeySequence(Qt::Key_L), QKeySequence(Qt::Key_End)}) {
        auto* s = new QShortcut(key, window);
        connect(s, &QShortcut::activated, this, &TimeTravel::go_live);
    }
    connect(m_timeline, &Timeline::scrubbed, this, [this](long step) { scrub_to(step, false); });
    connect(m_timeline, &Timeline::settled, this, [this](long step) {
        if (step >= m_timeline->last()) go_live();  // the end of the timeline is now
        else scrub_to(step, true);
    });
    connect(m_timeline, &Timeline::liveRequested, this, &TimeTravel::go_live);
    connect(m_timeline, &Timeline::forkRequested, this, &TimeTravel::open_fork_dialog);
    connect(m_timeline, &Timeline::raceRequested, this, &TimeTravel::open_race_dialog);
    connect(m_timeline, &Timeline::checkpointRequested, this, &TimeTravel::open_checkpoint_dialog);
    connect(m_timeline, &Timeline::rewindRequested, this, [this] {
        if (m_family->showing_past()) m_family->rewind(m_family->shown_step());
    });

    connect(m_family, &RunFamily::pastReady, this, &TimeTravel::show_past);
    connect(m_family, &RunFamily::liveAgain, this, [this] {
        m_timeline->set_shown(-1);
        m_overlay->set_marker(-1);
        show_active_live();
    });
    connect(m_family, &RunFamily::activeChanged, this, [this](uint32_t id) {
        show_active_live();
        refresh();
        m_window->controls()->set_state(m_family->state(id));  // Play or Pause: the active run's
    });
    connect(m_family, &RunFamily::runsChanged, this, &TimeTravel::update_overlay);
    connect(window->bridge(), &SessionBridge::sessionChanged, this, [this] {
        // One run's state: the weights and biases, and at most two optimizer moments each.
        double params = 0;
        for (const LayerInfo& l : analyze_spec(m_window->bridge()->spec()).layers) params += static_cast<double>(l.params);
        m_runs->set_state_bytes(params * 4 * 3);
    });
    connect(m_family, &RunFamily::runUpdated, m_runs, [this](uint32_t) { m_runs->update_size_note(); });
    connect(m_family, &RunFamily::runUpdated, this, &TimeTravel::run_updated);
    connect(m_family, &RunFamily::message, this,
            [this](const QString& text) { m_window->statusBar()->showMessage(text, 8000); });
}

TimeTravel::~TimeTravel() = default;

bool TimeTravel::views_taken() const { return m_family->showing_past() || m_family->active() != 0; }

long TimeTravel::step_here() const {
    return m_family->showing_past() ? m_family->shown_step() : m_family->steps_done(m_family->active());
}

void TimeTravel::scrub_to(long step, bool settled) {
    if (!m_family->show_step(step, settled)) return;
    m_timeline->set_shown(step);
    m_overlay->set_marker(step);
}

void TimeTravel::go_live() {
    m_family->go_live();
    m_timeline->set_shown(-1);
    m_overlay->set_marker(-1);
}

void TimeTravel::show_past() {
    auto past = m_family->past();
    if (!past) return;
    const size_t layers = m_window->bridge()->spec().layers.size();
    // The canvas: the Snapshot as the session made it at that step.
    m_shown_snapshot = std::shared_ptr<const Snapshot>(past, &past->snapshot);
    m_window->canvas()->update_snapshot(m_shown_snapshot);
    // The inspector and the gradient flow: that step's statistics, and the
    // update-ratio series up to it.
    m_window->inspector()->update_stats(by_layer(past->layers, layers));
    if (const TelemetryStore* live = m_family->store(m_family->active())) m_past_store = *live;
    m_past_store.truncate_after(past->step);
    for (const LayerStats& s : past->layers) m_past_store.add(s);
    m_window->gradient_flow()->clear();
    m_window->gradient_flow()->update_from(m_past_store);
    // The confusion matrix and the mistakes: that step's, once the drag
    // stops (while dragging, the snapshot has none and they stay as they were).
    m_window->learned_views()->show_snapshot(m_shown_snapshot);
    m_timeline->set_shown(past->step);
    m_overlay->set_marker(past->step);
}

void TimeTravel::show_active_live() {
    const uint32_t id = m_family->active();
    const TelemetryStore* store = m_family->store(id);
    m_shown_snapshot.reset();
    m_window->gradient_flow()->clear();
    if (store) {
        m_window->gradient_flow()->update_from(*store);
        m_window->inspector()->update_stats(store->layers());
    }
    auto snap = m_family->snapshot(id);
    if (snap) m_window->canvas()->update_snapshot(snap);
    if (id != 0) m_shown_snapshot = snap;
    if (id == 0) m_window->learned_views()->follow_bridge();
    else m_window->learned_views()->show_snapshot(snap);
}

void TimeTravel::run_updated(uint32_t id) {
    if (id == m_family->active() && !m_family->showing_past()) {
        const TelemetryStore* store = m_family->store(id);
        if (store) {
            m_window->gradient_flow()->update_from(*store);
            m_window->inspector()->update_stats(store->layers());
        }
        if (auto snap = m_family->snapshot(id); snap && snap != m_shown_snapshot) {
            m_shown_snapshot = snap;
            m_window->canvas()->update_snapshot(snap);
            m_window->learned_views()->show_snapshot(snap);
        }
    }
    if (id == m_family->active()) {
        m_timeline->set_range(m_family->first_step(id), m_family->steps_done(id));
        m_window->controls()->set_state(m_family->state(id));
    }
    update_overlay();
}

void TimeTravel::update_overlay() {
    std::vector<RunOverlay::Curve> curves;
    const Theme& theme = m_window->theme();
    for (uint32_t id : m_family->ids()) {
        if (id == 0 || !m_family->visible(id)) continue;  // the root's curves are the plot's own
        const RunInfo info = m_family->info(id);
        curves.push_back({id, QString::fromStdString(info.name), theme.category(info.colour), m_family->store(id)});
    }
    m_overlay->set_runs(curves);
}

bool TimeTravel::fork_active() const { return m_family->active() != 0; }

CommandResult TimeTravel::toggle_active() {
    const uint32_t id = m_family->active();
    if (id == 0) return m_window->bridge()->toggle();
    return m_family->state(id) == SessionState::Running ? m_family->pause(id) : m_family->play(id);
}

CommandResult TimeTravel::step_active(long n) {
    const uint32_t id = m_family->active();
    return id == 0 ? m_window->bridge()->step(n) : m_family->step(id, n);
}

CommandResult TimeTravel::step_active_epoch() {
    const uint32_t id = m_family->active();
    return id == 0 ? m_window->bridge()->step_epoch() : m_family->step_epoch(id);
}

void TimeTravel::refresh() {
    m_runs->update_states_soon();  // the first run's steps and state, a few times a second
    const uint32_t id = m_family->active();
    m_timeline->set_range(m_family->first_step(id), m_family->steps_done(id));
}

CommandResult TimeTravel::fork_here(const ForkSpec& changes, uint32_t* id) {
    const long step = step_here();
    uint32_t made = 0;
    CommandResult r = m_family->fork(step, changes, &made);
    if (!r) return r;
    if (id) *id = made;
    m_window->statusBar()->showMessage(
        QStringLiteral("Forked at step %L1: %2").arg(step).arg(QString::fromStdString(m_family->info(made).name)), 8000);
    return r;
}

CommandResult TimeTravel::race_here(const std::vector<ForkSpec>& forks, long steps) {
    const long step = step_here();
    std::vector<uint32_t> ids;
    CommandResult r = m_family->race(step, forks, steps, &ids);
    if (!r) return r;
    m_race->set_runs(ids, m_window->bridge()->spec(), m_window->bridge()->data());
    m_window->canvas()->hide();
    m_race->show();
    return r;
}

CommandResult TimeTravel::save_checkpoint_here(const QString& path) {
    return m_family->save_checkpoint(m_family->active(), path, step_here());
}

bool TimeTravel::save_runs(const QString& project_path, QString* error) {
    const std::vector<uint32_t> ids = m_family->ids();
    const QString tree = run_tree_path(project_path);
    if (ids.size() < 2) {
        QFile::remove(tree);
        return true;
    }
    const bool states = m_runs->save_states_box()->isChecked();
    const QString dir = run_states_dir(project_path);
    if (states && !QDir().mkpath(dir)) {
        if (error) *error = QStringLiteral("cannot make the folder %1").arg(dir);
        return false;
    }
    std::vector<RunTreeEntry> entries;
    for (uint32_t id : ids) {
        RunTreeEntry e;
        e.info = m_family->info(id);
        e.visible = m_family->visible(id);
        e.steps = m_family->steps_done(id);
        if (states && m_family->has(id)) {  // (a run listed only has no state to save)
            const QString name = QStringLiteral("%1-%2.safetensors").arg(QString::fromStdString(run_dir_name(e.info.name))).arg(id);
            if (CommandResult r = m_family->save_checkpoint(id, QDir(dir).filePath(name), e.steps); !r) {
                if (error) *error = QString::fromStdString(r.reason);
                return false;
            }
            e.checkpoint = (QFileInfo(dir).fileName() + QLatin1Char('/') + name).toStdString();
        }
        entries.push_back(std::move(e));
    }
    try {
        save_run_tree(tree, entries);
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        return false;
    }
    return true;
}

bool TimeTravel::open_runs(const QString& project_path, QString* error) {
    const QString tree_path = run_tree_path(project_path);
    if (!QFileInfo::exists(tree_path)) return true;  // a lone run: nothing beside it
    std::vector<RunTreeEntry> tree;
    try {
        tree = load_run_tree(tree_path);
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        return false;
    }
    const QDir dir = QFileInfo(project_path).dir();
    std::map<uint32_t, uint32_t> now;  // the saved ids, as this family numbers them
    QStringList problems;
    bool states = false;
    for (const RunTreeEntry& e : tree) {
        RunInfo info = e.info;
        const QString name = QString::fromStdString(info.name);
        if (info.id == 0) {  // the first run: its name and whether it is shown
            if (CommandResult r = m_family->add_saved_run(info, e.steps, e.visible, {}); !r)
                problems << QString::fromStdString(r.reason);
            now[0] = 0;
            continue;
        }
        if (info.parent != kNoRun) {
            auto it = now.find(info.parent);
            if (it == now.end()) {
                problems << QStringLiteral("'%1' names a parent that is not in the tree").arg(name);
                continue;
            }
            info.parent = it->second;
        }
        QString checkpoint;
        if (!e.checkpoint.empty()) {
            checkpoint = dir.filePath(QString::fromStdString(e.checkpoint));
            if (!QFileInfo(checkpoint).isFile()) {
                problems << QStringLiteral("the state of '%1' (%2) is missing").arg(name, checkpoint);
                checkpoint.clear();
            }
        }
        uint32_t id = 0;
        CommandResult r = m_family->add_saved_run(info, e.steps, e.visible, checkpoint, &id);
        if (!r && !checkpoint.isEmpty()) {  // a state that does not load: the run is listed still
            problems << QString::fromStdString(r.reason);
            checkpoint.clear();
            r = m_family->add_saved_run(info, e.steps, e.visible, checkpoint, &id);
        }
        if (!r) {
            problems << QString::fromStdString(r.reason);
            continue;
        }
        now[e.info.id] = id;
        states = states || !checkpoint.isEmpty();
    }
    if (states) m_runs->save_states_box()->setChecked(true);  // saved with states: saved so again
    update_overlay();
    if (problems.isEmpty()) return true;
    if (error) *error = problems.join(QStringLiteral("; "));
    return false;
}

std::unique_ptr<ForkDialog> TimeTravel::make_fork_dialog() {
    // The settings of the run forked (a fork of a fork starts from the fork's).
    const uint32_t id = m_family->active();
    return std::make_unique<ForkDialog>(m_family->spec(id), QString::fromStdString(m_family->info(id).name),
                                        step_here(), m_window);
}

void TimeTravel::open_fork_dialog() {
    std::unique_ptr<ForkDialog> d = make_fork_dialog();
    if (d->exec() == QDialog::Accepted) fork_here(d->changes());
}

void TimeTravel::open_race_dialog() {
    const OptimizerSpec base = m_family->spec(m_family->active()).optimizer;  // the active run's
    const QStringList kinds = {QStringLiteral("Optimizers: SGD, SGD with momentum, Adam"),
                               QStringLiteral("Learning rates: ×0.3, ×1, ×3")};
    bool ok = false;
    const QString pick = QInputDialog::getItem(m_window, QStringLiteral("Race"),
                                               QStringLiteral("Forks of the step shown, trained in turn:"), kinds, 0,
                                               false, &ok);
    if (!ok) return;
    std::vector<ForkSpec> forks;
    if (pick == kinds[0]) {
        const char* sgd = id_of(OptimizerKind::Sgd);
        for (auto [type, momentum, lr] : {std::tuple{sgd, 0.0f, base.lr}, std::tuple{sgd, 0.9f, base.lr},
                                          std::tuple{id_of(OptimizerKind::Adam), 0.0f, std::min(base.lr, 0.01f)}}) {
            ForkSpec f;
            OptimizerSpec o = base;
            o.type = type;
            o.momentum = momentum;
            o.lr = lr;
            f.optimizer = o;
            f.name = std::string(type) + (momentum > 0 ? " momentum" : "");
            forks.push_back(f);
        }
    } else {
        for (double k : {0.3, 1.0, 3.0}) {
            ForkSpec f;
            f.lr = static_cast<float>(QString::number(base.lr * k, 'g', 3).toDouble());
            f.name = "lr " + gs::short_number(*f.lr);
            forks.push_back(f);
        }
    }
    race_here(forks);
}

void TimeTravel::open_checkpoint_dialog() {
    const QString path = QFileDialog::getSaveFileName(m_window, QStringLiteral("Save this step as checkpoint"),
                                                      QStringLiteral("step-%1.safetensors").arg(step_here()),
                                                      QStringLiteral("Checkpoints (*.safetensors)"));
    if (!path.isEmpty()) save_checkpoint_here(path);
}

void TimeTravel::tick() { m_family->tick(); }

void TimeTravel::breakpoint_hit(QWidget* banner) {
    if (!m_rewind_offer && banner) {
        auto* row = qobject_cast<QHBoxLayout*>(banner->layout());
        m_rewind_offer = new QPushButton(QStringLiteral("Rewind to the last healthy step"), banner);
        m_fork_offer = new QPushButton(QStringLiteral("Fork with a lower learning rate"), banner);
        for (QPushButton* b : {m_rewind_offer, m_fork_offer}) {
            b->setObjectName(b == m_rewind_offer ? QStringLiteral("rewind_offer") : QStringLiteral("fork_offer"));
            b->setFocusPolicy(Qt::NoFocus);
            if (row) row->insertWidget(row->count() - 1, b, 0, Qt::AlignTop);
            connect(b, &QPushButton::clicked, this, [this, b] {
                b->hide();
                if (b == m_rewind_offer) rewind_to_last_healthy();
                else fork_with_lower_rate();
            });
        }
        connect(m_window->bridge(), &SessionBridge::sessionChanged, this, [this] {
            m_rewind_offer->hide();
            m_fork_offer->hide();
        });
    }
    if (!m_rewind_offer) return;
    const BreakInfo& b = m_window->bridge()->last_break();
    const bool offer = b.kind == id_of(BreakpointKind::Nonfinite) && b.last_healthy_step >= 0;
    m_rewind_offer->setVisible(offer);
    m_fork_offer->setVisible(offer);
    if (offer) {
        m_rewind_offer->setToolTip(QStringLiteral("Back to step %L1, the newest step with finite values").arg(b.last_healthy_step));
        m_fork_offer->setToolTip(QStringLiteral("A new run from step %L1 with a tenth of the learning rate").arg(b.last_healthy_step));
    }
}

void TimeTravel::rewind_to_last_healthy() {
    // The breakpoint stopped the first run (the bridge's): it is the one to go back.
    if (m_family->active() != 0) m_family->make_active(0);
    const BreakInfo b = m_family->last_break(0);
    if (b.last_healthy_step < 0) {
        m_window->statusBar()->showMessage(QStringLiteral("No healthy step is known to go back to"), 8000);
        return;
    }
    if (m_family->rewind(b.last_healthy_step))
        m_window->statusBar()->showMessage(QStringLiteral("Back at step %L1, the last healthy step").arg(b.last_healthy_step), 8000);
}

void TimeTravel::fork_with_lower_rate() {
    if (m_family->active() != 0) m_family->make_active(0);
    const BreakInfo b = m_family->last_break(0);
    if (b.last_healthy_step < 0) {
        m_window->statusBar()->showMessage(QStringLiteral("No healthy step is known to fork from"), 8000);
        return;
    }
    ForkSpec f;
    // A tenth of the rate the run broke with.
    float lr = m_window->bridge()->store().last_step().lr;
    if (!(std::isfinite(lr) && lr > 0)) lr = m_window->bridge()->spec().optimizer.lr;
    lr /= 10;
    f.lr = lr;
    uint32_t id = 0;
    go_live();
    if (!m_family->fork(b.last_healthy_step, f, &id)) return;
    m_family->make_active(id);
    m_window->statusBar()->showMessage(
        QStringLiteral("Forked at step %L1 with learning rate %2 — press Train in Runs").arg(b.last_healthy_step).arg(lr), 8000);
}

}  // namespace gs::studio
