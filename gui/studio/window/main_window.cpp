// The main window: its views and docks, the wiring to the bridge, the banner.
#include "window/main_window.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileInfo>
#include <QElapsedTimer>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QRegularExpression>
#include <QScreen>
#include <QSettings>
#include <QStatusBar>
#include <QVBoxLayout>
#include <set>

#include "bridge/backends.h"
#include "bridge/data_map_service.h"
#include "bridge/session_bridge.h"
#include "bridge/spec_service.h"
#include "canvas/dataset_preview.h"
#include "canvas/network_canvas.h"
#include "window/classroom.h"
#include "window/docks.h"
#include "data/dataset_panel.h"
#include "editor/layer_catalog.h"
#include "editor/network_editor.h"
#include "gradscope/names.h"
#include "inspector/layer_inspector.h"
#include "plots/gradient_flow.h"
#include "plots/training_plot.h"
#include "views/learned_views.h"
#include "window/field_focus.h"
#include "window/text_fit.h"
#include "window/time_travel.h"
#include "window/training_controls.h"

namespace gs::studio {

namespace {

// "layer 3 (Dense)" -> 2 (spec index); -1 when there is no layer in it.
int layer_index_in(const std::string& text) {
    static const QRegularExpression re(QStringLiteral("layer (\\d+)"));
    const auto m = re.match(QString::fromStdString(text));
    return m.hasMatch() ? m.captured(1).toInt() - 1 : -1;
}

// Panels of controls scroll rather than force the window to their full
// height: the studio must fit a 1366x768 laptop as well as a projector.
// A network in a few words: "2-8-6-1 (Tanh, Sigmoid)" for dense networks,
// "1x28x28 → Conv2D 32, MaxPool2D, Flatten, Dense 10" otherwise.
std::string architecture(const ModelSpec& spec) {
    bool dense = true;
    std::string sizes = spec.input.str(), rest, acts;
    std::vector<std::string> activations;
    for (const LayerSpec& l : spec.layers) {
        if (l.type == "Dense") {
            sizes.append("-").append(std::to_string(l.units));
        } else if (l.type == "Conv2D" || l.type == "MaxPool2D" || l.type == "AvgPool2D" || l.type == "Flatten") {
            dense = false;
        } else if (std::find(activations.begin(), activations.end(), l.type) == activations.end()) {
            activations.push_back(l.type);
            acts.append(acts.empty() ? "" : ", ").append(l.type);
        }
        rest.append(rest.empty() ? "" : ", ").append(l.type);
        if (l.units > 0) rest.append(" ").append(std::to_string(l.units));
        else if (l.filters > 0) rest.append(" ").append(std::to_string(l.filters));
    }
    if (!dense) return spec.input.str().append(" → ").append(rest);
    if (!acts.empty()) sizes.append(" (").append(acts).append(")");
    return sizes;
}

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent), m_bridge(new SessionBridge(this)) {
    setObjectName(QStringLiteral("gradscope_main_window"));
    // 1440x900, or less on a smaller screen.
    const QSize avail = screen() ? screen()->availableGeometry().size() : QSize(1440, 900);
    resize(std::min(1440, avail.width() * 9 / 10), std::min(900, avail.height() * 9 / 10));
    m_zoom = std::clamp(QSettings().value(QStringLiteral("view/zoom"), 1.0).toDouble(), 0.6, 2.5);
    m_load_timer.setSingleShot(true);
    m_load_timer.setInterval(150);
    connect(&m_load_timer, &QTimer::timeout, this, &MainWindow::load_current);
    build_views();
    m_time_travel = new TimeTravel(this);
    build_menus();
    m_classroom = new Classroom(this);  // step-through, touch, draw, lessons
    connect_bridge();
    m_default_state = saveState();
    restore_layout();
    apply_theme();
    update_title();
    // Enter in any field gives the keyboard back to the canvas (Space works again).
    new FieldFocusReturner(this, m_canvas);
    m_canvas->setFocus();
}

MainWindow::~MainWindow() {
    // The views outlive this destructor briefly (QWidget deletes children
    // after it); what they announce while being torn down (a field losing
    // the focus) must not reach a half-destroyed window.
    m_load_timer.stop();
    m_plot->follow(nullptr);
    for (QObject* view : std::initializer_list<QObject*>{m_data, m_editor, m_canvas, m_flow, m_controls,
                                                         m_data->preview()})
        view->disconnect(this);
    m_bridge->disconnect(this);
}

void MainWindow::build_views() {
    m_controls = new TrainingControls(this);
    addToolBar(Qt::TopToolBarArea, m_controls);
    addToolBar(Qt::TopToolBarArea, m_controls->settings_bar());
    // The CPU at once; CUDA once probed off the GUI thread (bridge/backends.h).
    m_backends = new BackendProbe(this);
    m_controls->set_backends(m_backends->backends(), m_backend);
    connect(m_backends, &BackendProbe::probed, this,
            [this] { m_controls->set_backends(m_backends->backends(), m_backend); });

    // The canvas, with the banner (breakpoints, load errors) and a loading note over it.
    auto* centre = new QWidget;
    auto* col = new QVBoxLayout(centre);
    col->setContentsMargins(0, 0, 0, 0);
    col->setSpacing(0);
    m_banner = new QWidget;
    m_banner->setObjectName(QStringLiteral("banner"));
    auto* row = new QHBoxLayout(m_banner);
    row->setContentsMargins(10, 6, 6, 6);
    m_banner_label = new QLabel;
    m_banner_label->setWordWrap(true);
    m_banner_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* close = new QPushButton(QStringLiteral("Dismiss"));
    close->setFlat(true);
    connect(close, &QPushButton::clicked, this, &MainWindow::hide_banner);
    row->addWidget(m_banner_label, 1);
    row->addWidget(close, 0, Qt::AlignTop);
    m_banner->hide();
    col->addWidget(m_banner);
    m_loading = new QLabel;
    m_loading->setAlignment(Qt::AlignCenter);
    m_loading->hide();
    col->addWidget(m_loading);
    m_canvas = new NetworkCanvas;
    // The canvas holds the keyboard focus, so Space, S and R reach the
    // training controls instead of a text field.
    m_canvas->setFocusPolicy(Qt::StrongFocus);
    col->addWidget(m_canvas, 1);
    setCentralWidget(centre);

    m_editor = new NetworkEditor;
    m_data = new DatasetPanel;
    m_inspector = new LayerInspector;
    m_plot = new TrainingPlot;
    m_flow = new GradientFlowView;
    auto* network_dock = make_dock(this, QStringLiteral("Network"), QStringLiteral("dock_network"), m_editor, true);
    auto* data_dock = make_dock(this, QStringLiteral("Data"), QStringLiteral("dock_data"), m_data, true);
    auto* inspector_dock =
        make_dock(this, QStringLiteral("Inspector"), QStringLiteral("dock_inspector"), m_inspector, true);
    auto* plot_dock =
        make_dock(this, QStringLiteral("Loss and accuracy"), QStringLiteral("dock_plot"), m_plot);
    auto* flow_dock = make_dock(this, QStringLiteral("Gradient flow"), QStringLiteral("dock_flow"), m_flow);
    addDockWidget(Qt::LeftDockWidgetArea, network_dock);
    addDockWidget(Qt::LeftDockWidgetArea, data_dock);
    splitDockWidget(network_dock, data_dock, Qt::Vertical);
    addDockWidget(Qt::RightDockWidgetArea, inspector_dock);
    addDockWidget(Qt::BottomDockWidgetArea, plot_dock);
    addDockWidget(Qt::BottomDockWidgetArea, flow_dock);
    splitDockWidget(plot_dock, flow_dock, Qt::Horizontal);
    m_learned = new LearnedViews(m_bridge);
    auto* learned_dock = make_dock(this, QStringLiteral("What the network learned"), QStringLiteral("dock_learned"), m_learned,
                                   /*scroll=*/true);  // a narrow window scrolls it, never grows for it
    tabifyDockWidget(flow_dock, learned_dock);
    flow_dock->raise();
    build_on_first_show(learned_dock, [this] { m_learned->build_views(); });  // not in the first frame
    // The data map colours the Data panel's scatter too, when asked (issue 17).
    connect(m_learned->data_map_service(), &DataMapService::mapUpdated, this,
            [this] { m_data->preview()->set_data_map(m_learned->data_map_service()->map()); });
    connect(m_learned, &LearnedViews::probeChosen, this, [this](int item) {
        m_bridge->set_probe(item);
        m_data->preview()->set_selected_item(item);
        statusBar()->showMessage(QStringLiteral("Probe: item %1 — the canvas shows it").arg(item), 4000);
    });
    setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);
    setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);
    resizeDocks({network_dock, inspector_dock}, {340, 300}, Qt::Horizontal);
    resizeDocks({network_dock, data_dock}, {520, 380}, Qt::Vertical);
    resizeDocks({plot_dock}, {300}, Qt::Vertical);
    resizeDocks({plot_dock, flow_dock}, {560, 440}, Qt::Horizontal);
    statusBar()->addPermanentWidget(m_controls->progress_label());
    statusBar()->showMessage(QStringLiteral("Ready"));

    connect(m_editor, &NetworkEditor::specChanged, this, &MainWindow::spec_edited);
    connect(m_editor, &NetworkEditor::layerSelected, this, &MainWindow::select_layer);
    connect(m_canvas, &NetworkCanvas::layerSelected, this, &MainWindow::select_layer);
    connect(m_flow, &GradientFlowView::layerClicked, this, &MainWindow::select_layer);
    connect(m_data, &DatasetPanel::dataSpecChanged, this, &MainWindow::data_edited);
    connect(m_data, &DatasetPanel::probeChosen, this, [this](int item) {
        m_bridge->set_probe(item);
        statusBar()->showMessage(QStringLiteral("Probe: item %1 — the feature maps show it").arg(item), 4000);
    });

    // Training controls.
    // Play, Step and Epoch drive the active run (the runs panel's "Make active").
    connect(m_controls->play_action(), &QAction::triggered, this, [this] { m_time_travel->toggle_active(); });
    connect(m_controls->step_action(), &QAction::triggered, this, [this] { m_time_travel->step_active(1); });
    connect(m_controls->step_epoch_action(), &QAction::triggered, this, [this] { m_time_travel->step_active_epoch(); });
    connect(m_controls->reset_action(), &QAction::triggered, this, [this] {
        hide_banner();
        if (!m_bridge->has_session()) load_current();
        else m_bridge->reset();
    });
    connect(m_controls, &TrainingControls::hyperparameterChanged, this, [this](const QString& n, double v) {
        if (m_bridge->set_hyperparameter(n, v)) {
            const HyperparameterName* h = find_hyperparameter(n.toStdString());
            switch (h ? h->kind : Hyperparameter::StepsPerSecond) {
                case Hyperparameter::Lr: m_spec.optimizer.lr = static_cast<float>(v); break;
                case Hyperparameter::WeightDecay: m_spec.optimizer.weight_decay = static_cast<float>(v); break;
                case Hyperparameter::BatchSize: m_spec.batch_size = static_cast<int>(v); break;
                default: break;  // the others are not in the spec the window keeps
            }
        } else {
            m_controls->set_spec(m_spec);  // refused: show what is really used
        }
        note_work_changed();
    });
    connect(m_controls, &TrainingControls::optimizerChanged, this, [this](const QString& type) {
        OptimizerSpec o = m_spec.optimizer;
        o.type = type.toStdString();
        if (m_bridge->set_optimizer(o)) m_spec.optimizer = o;
        else m_controls->set_spec(m_spec);
        note_work_changed();
    });
    connect(m_controls, &TrainingControls::seedChanged, this, [this](int seed) {
        m_spec.seed = static_cast<uint64_t>(seed);
        note_work_changed();
        schedule_load();
    });
    connect(m_controls, &TrainingControls::editingDone, this, [this] { m_canvas->setFocus(); });
    connect(m_controls, &TrainingControls::backendChanged, this, [this](const QString& name) {
        m_backend = name;
        note_work_changed();
        schedule_load();
    });
}

void MainWindow::connect_bridge() {
    connect(m_bridge, &SessionBridge::sessionChanged, this, &MainWindow::session_changed);
    m_plot->follow(&m_bridge->store());  // the bridge is this window's: it outlives the plot's use
    connect(m_bridge, &SessionBridge::telemetryUpdated, this, &MainWindow::telemetry_updated);
    connect(m_bridge, &SessionBridge::snapshotUpdated, this, [this] {
        if (!m_awaiting_session && !m_time_travel->views_taken()) m_canvas->update_snapshot(m_bridge->snapshot());
    });
    connect(m_bridge, &SessionBridge::stateChanged, this, [this](SessionState s) {
        if (!m_time_travel->fork_active()) m_controls->set_state(s);  // else the fork's (TimeTravel)
        m_editor->set_read_only(s == SessionState::Running,
                                QStringLiteral("Pause to change the network's structure"));
        // Snapshots ten times a second: their frames composed off this thread.
        m_canvas->set_compose_in_background(s == SessionState::Running);
        telemetry_updated();
    });
    connect(m_bridge, &SessionBridge::breakpointHit, this, &MainWindow::breakpoint_hit);
    connect(m_bridge, &SessionBridge::backendChanged, this, [this](const QString& name) {
        m_backend = name;
        m_controls->set_backends(m_backends->backends(), name);
    });
    connect(m_bridge, &SessionBridge::message, this,
            [this](const QString& text) { statusBar()->showMessage(fit_message(text, 60, 300), 8000); });
    connect(m_bridge, &SessionBridge::loadingChanged, this, [this](bool loading, const QString& what) {
        m_loading->setText(what);
        m_loading->setVisible(loading);
        if (loading) m_data->set_status(what);
        update_can_train();
    });
    connect(m_bridge, &SessionBridge::loadFailed, this, [this](const QString& message) {
        const QString words = text_for_people(message);
        m_load_error = fit_message(words, 60, 300);
        if (!m_bridge->data()) m_data->set_status(fit_message(words, 40, 300), true);
        else tell_editor_about_data();
        show_banner(QStringLiteral("Cannot train yet: ") + words, true, BannerKind::LoadError);
        update_can_train();
    });
}

bool MainWindow::open_preset(const QString& name) {
    try {
        ModelSpec spec = preset_spec(name.toStdString());
        if (!maybe_discard(QStringLiteral("opening the preset %1").arg(name))) return false;
        open_spec(spec);
        return true;
    } catch (const std::exception& e) {
        show_banner(QString::fromStdString(e.what()), true);
        return false;
    }
}

void MainWindow::open_spec(const ModelSpec& spec) { open_spec_as(spec, true); }

void MainWindow::open_spec_as(const ModelSpec& spec, bool default_pace) {
    m_spec = spec;
    m_opened_spec = spec;
    m_project_path.clear();
    m_pending_run.reset();
    m_pending_tree.clear();
    m_syncing = true;
    m_editor->set_spec(spec);
    m_data->set_data_spec(spec.data);
    m_controls->set_spec(spec);
    m_canvas->set_model(spec);
    m_flow->set_model(spec);
    m_inspector->set_model(spec);
    m_syncing = false;
    // The 2-D sets at a pace a class can watch (a spiral forms in about a
    // minute); other data at full speed. A project brings its own.
    if (default_pace) m_controls->set_speed(spec.input.numel() <= 2 ? 1000 : 0);
    hide_banner();
    select_layer(m_editor->selected_layer());
    load_current();
    mark_saved();
    update_title();
}

void MainWindow::schedule_load() { m_load_timer.start(); }

void MainWindow::load_current() {
    m_load_timer.stop();
    m_load_error.clear();
    if (!m_editor->is_valid()) {
        update_can_train();
        return;
    }
    hide_banner();
    m_bridge->set_stop_on_nonfinite(m_stop_on_nan_action->isChecked());
    m_bridge->load(m_spec, m_backend);
}

void MainWindow::spec_edited() {
    if (m_syncing) return;
    m_pending_tree.clear();  // a project's forks belong to its network as opened
    // The editor owns the model part of the spec; the rest stays ours.
    const ModelSpec edited = m_editor->spec();
    m_spec.input = edited.input;
    m_spec.layers = edited.layers;
    m_spec.loss = edited.loss;
    // The description names the network: once it is another, it says so.
    const bool same = spec_to_json(edited) == spec_to_json([&] {
        ModelSpec o = edited;
        o.layers = m_opened_spec.layers;
        o.loss = m_opened_spec.loss;
        return o;
    }());
    m_spec.description = same ? m_opened_spec.description
                              : std::string("Edited from ")
                                    .append(m_opened_spec.name.empty() ? "a new network" : m_opened_spec.name)
                                    .append(": ")
                                    .append(architecture(m_spec));
    if (m_banner_kind == BannerKind::LoadError) hide_banner();  // the old network's; the editor says what is wrong now
    note_work_changed();
    // Until the edited network's session exists, what arrives belongs to
    // the old one: not drawn on the new picture.
    m_awaiting_session = true;
    m_canvas->set_model(m_spec);
    m_canvas->clear();
    m_flow->set_model(m_spec);
    m_inspector->set_model(m_spec);
    update_can_train();
    if (m_editor->is_valid()) schedule_load();
}

void MainWindow::data_edited() {
    if (m_syncing) return;
    m_pending_tree.clear();
    m_spec.data = m_data->data_spec();
    if (m_banner_kind == BannerKind::LoadError) hide_banner();
    note_work_changed();
    load_current();
}

void MainWindow::tell_editor_about_data() {
    // What the data holds, so the editor's advice fits it (3 classes: no
    // "for two classes use binary cross-entropy").
    if (auto data = m_bridge->data()) {
        const QString path = QString::fromStdString(m_spec.data.path);
        m_editor->set_data_facts(data->classes, data->probe_split ? data->probe_split->target_size() : 1,
                                path.isEmpty() ? QString::fromStdString(m_spec.data.name) : QFileInfo(path).completeBaseName());
    }
}

void MainWindow::session_changed() {
    m_awaiting_session = false;
    m_plot->clear();
    m_flow->clear();
    m_inspector->set_model(m_spec);  // forgets the old statistics
    m_canvas->clear();
    // The data decides the input shape: the bridge adapts the spec to it.
    if (m_bridge->spec().input.str() != m_spec.input.str() && !m_bridge->is_loading()) {
        m_spec.input = m_bridge->spec().input;
        m_syncing = true;
        m_editor->set_spec(m_spec);
        m_syncing = false;
        m_canvas->set_model(m_spec);
        m_flow->set_model(m_spec);
        m_inspector->set_model(m_spec);
    }
    if (auto data = m_bridge->data()) {
        m_data->set_data(*data);
        m_data->preview()->set_selected_item(m_bridge->probe());
        m_canvas->set_data(*data);
        tell_editor_about_data();
    }
    m_controls->set_state(m_bridge->state());
    update_can_train();
    telemetry_updated();
    apply_pending_run();
    apply_pending_tree();
}

void MainWindow::telemetry_updated() {
    if (m_awaiting_session) return;  // the old network's numbers
    const TelemetryStore& store = m_bridge->store();
    m_plot->refresh();  // taken at the plot's pace (it follows the store)
    m_time_travel->refresh();
    // The inspector's text re-lays out its whole panel: a few times a
    // second is as often as anyone can read it. (While a past step or a
    // fork is shown, time travel feeds these views.)
    if (!m_time_travel->views_taken()) {
        m_flow->update_from(store);
        if (!m_inspector_clock.isValid() || m_inspector_clock.elapsed() >= 250 ||
            m_bridge->state() != SessionState::Running) {
            m_inspector->update_stats(store.layers());
            m_inspector_clock.restart();
        }
    }
    // The epoch from the session itself (right after a checkpoint too); the
    // throughput over wall time, pacing and all.
    m_controls->set_progress(m_bridge->epoch(), m_bridge->steps_done(), m_bridge->samples_per_second(),
                             m_bridge->elapsed_seconds());
    setWindowModified(is_modified());
}

void MainWindow::refresh_now() {
    m_bridge->tick();
    m_time_travel->tick();
    telemetry_updated();
    if (auto s = m_bridge->snapshot(); s && !m_awaiting_session && !m_time_travel->views_taken())
        m_canvas->update_snapshot(s);
}

void MainWindow::breakpoint_hit() {
    const BreakInfo& b = m_bridge->last_break();
    show_banner(QStringLiteral("Paused: ") + text_for_people(QString::fromStdString(b.message)), true,
                BannerKind::Break);
    const int layer = layer_index_in(b.layer);
    if (layer >= 0) select_layer(layer);
    m_time_travel->breakpoint_hit(m_banner);  // offers: rewind, fork with a lower rate
}

void MainWindow::update_can_train() {
    QString why;
    if (!m_editor->is_valid()) why = text_for_people(m_editor->problem());
    else if (m_bridge->is_loading()) why = QStringLiteral("the data is still opening");
    else if (!m_load_error.isEmpty()) why = m_load_error;
    else if (!m_bridge->has_session()) why = QStringLiteral("nothing is loaded");
    m_controls->set_can_train(why.isEmpty(), why);
    // The canvas's "Cannot train yet" in the same words (the editor's knows
    // the data: 3 classes, not the engine's "for two classes ...").
    m_canvas->set_cannot_train(!m_editor->is_valid() ? why : m_bridge->is_loading() ? QString() : m_load_error);
}

void MainWindow::select_layer(int layer) {
    m_selected = layer;
    if (m_editor->selected_layer() != layer && layer >= 0) m_editor->select_layer(layer);
    m_canvas->select_layer(layer);
    m_flow->select_layer(layer);
    m_inspector->show_layer(layer);
}

QString MainWindow::banner_text() const { return !m_banner->isHidden() ? m_banner_full : QString(); }

void MainWindow::show_banner(const QString& text, bool error, BannerKind kind) {
    // A 100,000-character path must not make the window wider than the
    // screen: long words are shortened on screen, whole in the tooltip.
    m_banner_full = text;
    m_banner_kind = kind;
    m_banner_label->setText(fit_message(text));
    m_banner_label->setToolTip(tooltip_text(text));
    const QColor c = error ? m_theme.error : m_theme.warning;
    m_banner->setStyleSheet(QStringLiteral("#banner { background: %1; } QLabel { color: %2; }")
                                .arg(QColor(c.red(), c.green(), c.blue(), 40).name(QColor::HexArgb),
                                     m_theme.foreground.name()));
    m_banner->show();
}

void MainWindow::hide_banner() {
    m_banner_label->clear();
    m_banner_label->setToolTip({});
    m_banner_full.clear();
    m_banner_kind = BannerKind::None;
    m_banner->hide();
}

}  // namespace gs::studio
