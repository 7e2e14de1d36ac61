// The main window: its views and docks, the wiring to the bridge, presentation mode.
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
#include <QScrollArea>
#include <QSettings>
#include <QStatusBar>
#include <QVBoxLayout>

#include "bridge/backends.h"
#include "bridge/session_bridge.h"
#include "bridge/spec_service.h"
#include "canvas/dataset_preview.h"
#include "canvas/network_canvas.h"
#include "data/dataset_panel.h"
#include "editor/network_editor.h"
#include "gradscope/names.h"
#include "inspector/layer_inspector.h"
#include "plots/gradient_flow.h"
#include "plots/training_plot.h"
#include "views/learned_views.h"
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
QDockWidget* make_dock(QMainWindow* w, const QString& title, const QString& name, QWidget* content,
                       bool scroll = false) {
    auto* dock = new QDockWidget(title, w);
    dock->setObjectName(name);
    if (scroll) {
        auto* area = new QScrollArea;
        area->setWidget(content);
        area->setWidgetResizable(true);
        area->setFrameShape(QFrame::NoFrame);
        area->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
        dock->setWidget(area);
    } else {
        dock->setWidget(content);
    }
    dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable |
                      QDockWidget::DockWidgetClosable);
    return dock;
}

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent), m_bridge(new SessionBridge(this)) {
    setObjectName(QStringLiteral("gradscope_main_window"));
    resize(1440, 900);
    m_load_timer.setSingleShot(true);
    m_load_timer.setInterval(150);
    connect(&m_load_timer, &QTimer::timeout, this, &MainWindow::load_current);
    build_views();
    build_menus();
    connect_bridge();
    m_default_state = saveState();
    restore_layout();
    apply_theme();
    update_title();
    m_canvas->setFocus();
}

MainWindow::~MainWindow() {
    // The views outlive this destructor briefly (QWidget deletes children
    // after it); what they announce while being torn down (a field losing
    // the focus) must not reach a half-destroyed window.
    m_load_timer.stop();
    for (QObject* view : std::initializer_list<QObject*>{m_data, m_editor, m_canvas, m_flow, m_controls,
                                                         m_data->preview()})
        view->disconnect(this);
    m_bridge->disconnect(this);
}

void MainWindow::build_views() {
    m_controls = new TrainingControls(this);
    addToolBar(Qt::TopToolBarArea, m_controls);
    m_controls->set_backends(list_backends(), m_backend);

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
    auto* learned_dock = make_dock(this, QStringLiteral("What the network learned"), QStringLiteral("dock_learned"), m_learned);
    tabifyDockWidget(flow_dock, learned_dock);
    flow_dock->raise();
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
    connect(m_controls->play_action(), &QAction::triggered, m_bridge, [this] { m_bridge->toggle(); });
    connect(m_controls->step_action(), &QAction::triggered, m_bridge, [this] { m_bridge->step(1); });
    connect(m_controls->step_epoch_action(), &QAction::triggered, m_bridge, [this] { m_bridge->step_epoch(); });
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
    });
    connect(m_controls, &TrainingControls::optimizerChanged, this, [this](const QString& type) {
        OptimizerSpec o = m_spec.optimizer;
        o.type = type.toStdString();
        if (m_bridge->set_optimizer(o)) m_spec.optimizer = o;
        else m_controls->set_spec(m_spec);
    });
    connect(m_controls, &TrainingControls::seedChanged, this, [this](int seed) {
        m_spec.seed = static_cast<uint64_t>(seed);
        schedule_load();
    });
    connect(m_controls, &TrainingControls::editingDone, this, [this] { m_canvas->setFocus(); });
    connect(m_controls, &TrainingControls::backendChanged, this, [this](const QString& name) {
        m_backend = name;
        schedule_load();
    });
}

void MainWindow::connect_bridge() {
    connect(m_bridge, &SessionBridge::sessionChanged, this, &MainWindow::session_changed);
    connect(m_bridge, &SessionBridge::telemetryUpdated, this, &MainWindow::telemetry_updated);
    connect(m_bridge, &SessionBridge::snapshotUpdated, this, [this] {
        if (!m_awaiting_session) m_canvas->update_snapshot(m_bridge->snapshot());
    });
    connect(m_bridge, &SessionBridge::stateChanged, this, [this](SessionState s) {
        m_controls->set_state(s);
        m_editor->set_read_only(s == SessionState::Running,
                                QStringLiteral("Pause to change the network's structure"));
        telemetry_updated();
    });
    connect(m_bridge, &SessionBridge::breakpointHit, this, &MainWindow::breakpoint_hit);
    connect(m_bridge, &SessionBridge::backendChanged, this, [this](const QString& name) {
        m_backend = name;
        m_controls->set_backends(list_backends(), name);
    });
    connect(m_bridge, &SessionBridge::message, this,
            [this](const QString& text) { statusBar()->showMessage(text, 8000); });
    connect(m_bridge, &SessionBridge::loadingChanged, this, [this](bool loading, const QString& what) {
        m_loading->setText(what);
        m_loading->setVisible(loading);
        if (loading) m_data->set_status(what);
        update_can_train();
    });
    connect(m_bridge, &SessionBridge::loadFailed, this, [this](const QString& message) {
        m_load_error = message;
        if (!m_bridge->data()) m_data->set_status(message, true);
        show_banner(QStringLiteral("Cannot train yet: ") + message, true);
        update_can_train();
    });
}

bool MainWindow::open_preset(const QString& name) {
    try {
        open_spec(preset_spec(name.toStdString()));
        return true;
    } catch (const std::exception& e) {
        show_banner(QString::fromStdString(e.what()), true);
        return false;
    }
}

void MainWindow::open_spec(const ModelSpec& spec) {
    m_spec = spec;
    m_project_path.clear();
    m_syncing = true;
    m_editor->set_spec(spec);
    m_data->set_data_spec(spec.data);
    m_controls->set_spec(spec);
    m_canvas->set_model(spec);
    m_flow->set_model(spec);
    m_inspector->set_model(spec);
    m_syncing = false;
    hide_banner();
    select_layer(m_editor->selected_layer());
    update_title();
    load_current();
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
    // The editor owns the model part of the spec; the rest stays ours.
    const ModelSpec edited = m_editor->spec();
    m_spec.input = edited.input;
    m_spec.layers = edited.layers;
    m_spec.loss = edited.loss;
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
    m_spec.data = m_data->data_spec();
    load_current();
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
    }
    m_controls->set_state(m_bridge->state());
    update_can_train();
    telemetry_updated();
}

void MainWindow::telemetry_updated() {
    if (m_awaiting_session) return;  // the old network's numbers
    const TelemetryStore& store = m_bridge->store();
    m_plot->update_from(store);
    m_flow->update_from(store);
    // The inspector's text re-lays out its whole panel: a few times a
    // second is as often as anyone can read it.
    if (!m_inspector_clock.isValid() || m_inspector_clock.elapsed() >= 250 ||
        m_bridge->state() != SessionState::Running) {
        m_inspector->update_stats(store.layers());
        m_inspector_clock.restart();
    }
    const StepRecord& last = store.last_step();
    m_controls->set_progress(last.step > 0 ? last.epoch + 1 : 0, m_bridge->steps_done(),
                             last.samples_per_s, m_bridge->elapsed_seconds());
}

void MainWindow::refresh_now() {
    m_bridge->tick();
    telemetry_updated();
    if (auto s = m_bridge->snapshot(); s && !m_awaiting_session) m_canvas->update_snapshot(s);
}

void MainWindow::breakpoint_hit() {
    const BreakInfo& b = m_bridge->last_break();
    show_banner(QStringLiteral("Paused: ") + QString::fromStdString(b.message), true);
    const int layer = layer_index_in(b.layer);
    if (layer >= 0) select_layer(layer);
}

void MainWindow::update_can_train() {
    QString why;
    if (!m_editor->is_valid()) why = m_editor->problem();
    else if (m_bridge->is_loading()) why = QStringLiteral("the data is still opening");
    else if (!m_load_error.isEmpty()) why = m_load_error;
    else if (!m_bridge->has_session()) why = QStringLiteral("nothing is loaded");
    m_controls->set_can_train(why.isEmpty(), why);
}

void MainWindow::select_layer(int layer) {
    m_selected = layer;
    if (m_editor->selected_layer() != layer && layer >= 0) m_editor->select_layer(layer);
    m_canvas->select_layer(layer);
    m_flow->select_layer(layer);
    m_inspector->show_layer(layer);
}

QString MainWindow::banner_text() const { return m_banner->isVisible() || !m_banner->isHidden() ? m_banner_label->text() : QString(); }

void MainWindow::show_banner(const QString& text, bool error) {
    m_banner_label->setText(text);
    const QColor c = error ? m_theme.error : m_theme.warning;
    m_banner->setStyleSheet(QStringLiteral("#banner { background: %1; } QLabel { color: %2; }")
                                .arg(QColor(c.red(), c.green(), c.blue(), 40).name(QColor::HexArgb),
                                     m_theme.foreground.name()));
    m_banner->show();
}

void MainWindow::hide_banner() {
    m_banner_label->clear();
    m_banner->hide();
}

void MainWindow::set_presentation(bool on, bool full_screen) {
    if (on == m_theme.presentation) return;
    m_theme = on ? Theme::presentation_theme() : Theme::standard();
    if (m_presentation_action && m_presentation_action->isChecked() != on)
        m_presentation_action->setChecked(on);
    if (on) {
        // At the projector: the canvas and the curves, big; the editing
        // panels come back when presentation mode ends.
        m_state_before_presentation = saveState();
        for (const char* name : {"dock_network", "dock_data", "dock_inspector"})
            if (auto* dock = findChild<QDockWidget*>(QLatin1String(name))) dock->hide();
        // The curves and the gradient flow share the bottom as tabs, each
        // at full width: at 1280x720 side by side, neither is readable.
        auto* plot_dock = findChild<QDockWidget*>(QStringLiteral("dock_plot"));
        auto* flow_dock = findChild<QDockWidget*>(QStringLiteral("dock_flow"));
        if (plot_dock && flow_dock) {
            tabifyDockWidget(plot_dock, flow_dock);
            plot_dock->raise();
            resizeDocks({plot_dock}, {height() * 9 / 20}, Qt::Vertical);
        }
        if (full_screen) showFullScreen();
    } else {
        if (isFullScreen()) showNormal();
        if (!m_state_before_presentation.isEmpty()) restoreState(m_state_before_presentation);
    }
    apply_theme();
}

void MainWindow::apply_theme() {
    // Menus, toolbar and dock titles grow with the theme; the views scale
    // their own text from the application's font, so they keep it as is.
    QFont f = QApplication::font();
    f.setPointSizeF(f.pointSizeF() * m_theme.font_scale);
    setFont(f);
    for (QWidget* view : std::initializer_list<QWidget*>{m_canvas, m_plot, m_flow, m_editor, m_inspector, m_data})
        view->setFont(QApplication::font());
    m_canvas->set_theme(m_theme);
    m_plot->set_theme(m_theme);
    m_flow->set_theme(m_theme);
    m_editor->set_theme(m_theme);
    m_inspector->set_theme(m_theme);
    m_data->set_theme(m_theme);
    m_learned->set_theme(m_theme);
    if (!m_banner->isHidden()) show_banner(m_banner_label->text(), true);
}

void MainWindow::update_title() {
    const QString name = m_project_path.isEmpty() ? QString::fromStdString(m_spec.name.empty() ? "untitled" : m_spec.name)
                                                  : QFileInfo(m_project_path).fileName();
    setWindowTitle(name + QStringLiteral(" — Gradscope"));
}

void MainWindow::restore_layout() {
    QSettings s;
    restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(s.value(QStringLiteral("window/state")).toByteArray());
}

void MainWindow::closeEvent(QCloseEvent* event) {
    QSettings s;
    if (!isFullScreen()) s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/state"), saveState());
    QMainWindow::closeEvent(event);
}

}  // namespace gs::studio
