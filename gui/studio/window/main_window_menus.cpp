// The main window's menus: File (projects, recent files, checkpoints,
// exports), Presets, Training, View (presentation, zoom) and Help; opening
// and saving projects; exporting the model (PyTorch, ONNX).
#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QMenuBar>
#include <QMessageBox>
#include <QSaveFile>
#include <QSettings>
#include <QUndoStack>
#include <QStatusBar>

#include "bridge/backends.h"
#include "bridge/export_service.h"
#include "bridge/session_bridge.h"
#include "bridge/spec_service.h"
#include "canvas/network_canvas.h"
#include "data/dataset_panel.h"
#include "editor/network_editor.h"
#include "gauges/gauges_hook.h"
#include "gradscope/names.h"
#include "plots/gradient_flow.h"
#include "plots/training_plot.h"
#include "window/main_window.h"
#include "window/text_fit.h"
#include "window/time_travel.h"
#include "window/training_controls.h"

namespace gs::studio {

namespace {

constexpr int kMaxRecent = 8;
const char* kProjectFilter = "Gradscope projects (*.gradscope);;All files (*)";

ModelSpec blank_spec() {
    ModelSpec s;
    s.name = "untitled";
    s.input = Shape{2};
    LayerSpec d1;
    d1.type = "Dense";
    d1.units = 8;
    LayerSpec t;
    t.type = "Tanh";
    LayerSpec d2;
    d2.type = "Dense";
    d2.units = 2;
    s.layers = {d1, t, d2};
    s.optimizer.type = id_of(OptimizerKind::Adam);
    s.optimizer.lr = 0.01f;
    s.batch_size = 16;
    s.epochs = 1000;
    s.data.name = "spiral";
    s.data.samples = 400;
    s.data.noise = 0.1f;
    return s;
}

}  // namespace

void MainWindow::build_menus() {
    build_file_menu();

    QMenu* edit = menuBar()->addMenu(QStringLiteral("&Edit"));
    QAction* undo = m_editor->undo_stack()->createUndoAction(this, QStringLiteral("&Undo"));
    undo->setShortcut(QKeySequence::Undo);
    QAction* redo = m_editor->undo_stack()->createRedoAction(this, QStringLiteral("&Redo"));
    redo->setShortcut(QKeySequence::Redo);
    edit->addAction(undo);
    edit->addAction(redo);

    QMenu* presets = menuBar()->addMenu(QStringLiteral("&Presets"));
    for (const std::string& name : preset_list()) {
        QAction* a = presets->addAction(QString::fromStdString(name));
        try {
            a->setToolTip(QString::fromStdString(preset_spec(name).description));
        } catch (const std::exception&) {
        }
        connect(a, &QAction::triggered, this, [this, name] { open_preset(QString::fromStdString(name)); });  // asks first
    }
    presets->setToolTipsVisible(true);

    QMenu* training = menuBar()->addMenu(QStringLiteral("&Training"));
    training->addAction(m_controls->play_action());
    training->addAction(m_controls->step_action());
    training->addAction(m_controls->step_epoch_action());
    training->addAction(m_controls->reset_action());
    training->addSeparator();
    m_stop_on_nan_action = training->addAction(QStringLiteral("Stop on NaN"));
    m_stop_on_nan_action->setCheckable(true);
    m_stop_on_nan_action->setChecked(true);
    m_stop_on_nan_action->setToolTip(QStringLiteral("Pause at the first non-finite value and name the layer"));
    connect(m_stop_on_nan_action, &QAction::toggled, this, [this](bool on) { m_bridge->set_stop_on_nonfinite(on); });
    // Condition breakpoints (named in gradscope/names.h): kept by the bridge
    // for every session that follows.
    auto condition = [this, training](BreakpointKind kind, double suggestion) {
        const BreakpointName& b = entry_of(breakpoint_table(), kind);
        const QString name = QString::fromLatin1(b.id), what = QString::fromLatin1(b.quantity);
        const QString title = QStringLiteral("Pause when the %1 rises above…").arg(what);
        connect(training->addAction(title), &QAction::triggered, this, [this, name, what, suggestion] {
            bool ok = false;
            const double v = QInputDialog::getDouble(
                this, QStringLiteral("Breakpoint"),
                QStringLiteral("Pause after a step whose %1 is above\n(0 clears the breakpoint):").arg(what),
                suggestion, 0, 1e12, 4, &ok);
            if (!ok) return;
            if (m_bridge->set_breakpoint(name, v > 0 ? v : NAN))
                statusBar()->showMessage(v > 0 ? QStringLiteral("Pauses when the %1 rises above %2").arg(what).arg(v)
                                               : QStringLiteral("Breakpoint on the %1 cleared").arg(what),
                                         6000);
        });
    };
    condition(BreakpointKind::LossAbove, 10.0);
    condition(BreakpointKind::GradNormAbove, 100.0);
    install_gauges(this, m_bridge, training, m_theme);  // gauges/gauges_hook.h

    QMenu* view = menuBar()->addMenu(QStringLiteral("&View"));
    m_presentation_action = view->addAction(QStringLiteral("Presentation mode"));
    m_presentation_action->setCheckable(true);
    m_presentation_action->setShortcut(Qt::Key_F11);
    connect(m_presentation_action, &QAction::toggled, this, [this](bool on) { set_presentation(on); });
    m_test_points_action = view->addAction(QStringLiteral("Show test points"));
    m_test_points_action->setCheckable(true);
    m_test_points_action->setShortcut(Qt::Key_T);
    connect(m_test_points_action, &QAction::toggled, m_canvas, &NetworkCanvas::set_show_test_points);
    m_gradients_action = view->addAction(QStringLiteral("Draw gradients on connections"));
    m_gradients_action->setCheckable(true);
    m_gradients_action->setShortcut(Qt::Key_G);
    connect(m_gradients_action, &QAction::toggled, m_canvas, &NetworkCanvas::set_show_gradients);
    view->addSeparator();
    // Zoom, as in a browser: everything's text, lines and points.
    QAction* zoom_in = view->addAction(QStringLiteral("Zoom in"));
    zoom_in->setShortcuts({QKeySequence::ZoomIn, QKeySequence(Qt::CTRL | Qt::Key_Equal)});
    connect(zoom_in, &QAction::triggered, this, [this] { set_zoom(m_zoom * 1.1); });
    QAction* zoom_out = view->addAction(QStringLiteral("Zoom out"));
    zoom_out->setShortcut(QKeySequence::ZoomOut);
    connect(zoom_out, &QAction::triggered, this, [this] { set_zoom(m_zoom / 1.1); });
    QAction* zoom_reset = view->addAction(QStringLiteral("Actual size"));
    zoom_reset->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    connect(zoom_reset, &QAction::triggered, this, [this] { set_zoom(1.0); });
    view->addSeparator();
    for (QDockWidget* dock : findChildren<QDockWidget*>()) view->addAction(dock->toggleViewAction());
    view->addAction(m_controls->toggleViewAction());
    view->addAction(m_controls->settings_bar()->toggleViewAction());
    view->addSeparator();
    QAction* reset_layout = view->addAction(QStringLiteral("Reset layout"));
    connect(reset_layout, &QAction::triggered, this, [this] {
        restoreState(m_default_state);
        for (QDockWidget* dock : findChildren<QDockWidget*>()) dock->show();
        m_docks_sized = false;
        size_docks();
    });
    auto* leave = new QAction(this);
    leave->setShortcut(Qt::Key_Escape);
    connect(leave, &QAction::triggered, this, [this] {
        if (presentation()) set_presentation(false);
    });
    addAction(leave);

    QMenu* help = menuBar()->addMenu(QStringLiteral("&Help"));
    QAction* keys = help->addAction(QStringLiteral("Keyboard shortcuts"));
    keys->setShortcut(QKeySequence::HelpContents);
    connect(keys, &QAction::triggered, this, [this] {
        QMessageBox::information(
            this, QStringLiteral("Keyboard shortcuts"),
            QStringLiteral("<table cellspacing=6>"
                           "<tr><td><b>Space</b></td><td>play / pause</td></tr>"
                           "<tr><td><b>Right</b> or <b>S</b></td><td>train one batch</td></tr>"
                           "<tr><td><b>Shift+Right</b></td><td>train to the end of the epoch</td></tr>"
                           "<tr><td><b>R</b></td><td>reset: new weights from the seed</td></tr>"
                           "<tr><td><b>F11</b></td><td>presentation mode (Esc leaves)</td></tr>"
                           "<tr><td><b>Ctrl+plus / minus / 0</b></td><td>zoom in / out / actual size</td></tr>"
                           "<tr><td><b>T</b></td><td>show test points</td></tr>"
                           "<tr><td><b>G</b></td><td>draw gradients instead of weights</td></tr>"
                           "<tr><td><b>Ctrl+Up/Down</b></td><td>move the selected layer</td></tr>"
                           "<tr><td><b>Insert</b> / <b>Delete</b></td><td>add / remove a layer</td></tr>"
                           "<tr><td><b>Ctrl+O / Ctrl+S</b></td><td>open / save a project</td></tr>"
                           "</table>"));
    });
    QAction* about = help->addAction(QStringLiteral("About Gradscope"));
    connect(about, &QAction::triggered, this, [this] {
        QMessageBox::about(this, QStringLiteral("About Gradscope"),
                           QStringLiteral("<b>Gradscope</b> — watch neural networks learn.<br>"
                                          "GPL-3.0. Training on %1.")
                               .arg(m_bridge->backend()));
    });
    // Every menu's shortcuts work with the menu bar hidden (presentation):
    // the window holds the actions too.
    std::function<void(QMenu*)> adopt = [&](QMenu* menu) {
        for (QAction* a : menu->actions()) {
            if (a->menu()) adopt(a->menu());
            else if (!a->isSeparator()) addAction(a);
        }
    };
    for (QAction* top : menuBar()->actions())
        if (top->menu()) adopt(top->menu());
}

void MainWindow::build_file_menu() {
    QMenu* file = menuBar()->addMenu(QStringLiteral("&File"));
    QAction* fresh = file->addAction(QStringLiteral("&New"));
    fresh->setShortcut(QKeySequence::New);
    connect(fresh, &QAction::triggered, this, [this] {
        if (maybe_discard(QStringLiteral("starting a new network"))) open_spec(blank_spec());
    });
    QAction* open = file->addAction(QStringLiteral("&Open…"));
    open->setShortcut(QKeySequence::Open);
    connect(open, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, QStringLiteral("Open a project"), QString(),
                                                          QString::fromLatin1(kProjectFilter));
        if (!path.isEmpty()) open_project(path);  // asks first
    });
    m_recent_menu = file->addMenu(QStringLiteral("Open &Recent"));
    rebuild_recent_menu();
    QAction* save = file->addAction(QStringLiteral("&Save"));
    save->setShortcut(QKeySequence::Save);
    QAction* save_as = file->addAction(QStringLiteral("Save &As…"));
    save_as->setShortcut(QKeySequence::SaveAs);
    connect(save, &QAction::triggered, this, [this] {
        if (m_project_path.isEmpty()) save_interactively(true);
        else save_project_as(m_project_path, nullptr, m_saved_with_run && m_bridge->steps_done() > 0);
    });
    connect(save_as, &QAction::triggered, this, [this] {
        const QString kept = m_project_path;
        m_project_path.clear();  // asks where
        if (!save_interactively(true)) m_project_path = kept;
    });
    file->addSeparator();
    QAction* save_ckpt = file->addAction(QStringLiteral("Save &checkpoint…"));
    connect(save_ckpt, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, QStringLiteral("Save a checkpoint"), QString::fromStdString(m_spec.name) + ".safetensors",
            QStringLiteral("Checkpoints (*.safetensors);;All files (*)"));
        if (path.isEmpty()) return;
        m_bridge->save_checkpoint(path);  // the result comes back as a message
    });
    QAction* load_ckpt = file->addAction(QStringLiteral("&Load checkpoint…"));
    connect(load_ckpt, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, QStringLiteral("Load a checkpoint"), QString(),
                                                          QStringLiteral("Checkpoints (*.safetensors);;All files (*)"));
        if (path.isEmpty()) return;
        m_bridge->load_checkpoint(path);
    });
    file->addSeparator();
    QMenu* png = file->addMenu(QStringLiteral("Export view as &PNG"));
    connect(png->addAction(QStringLiteral("Network canvas…")), &QAction::triggered, this,
            [this] { export_png(m_canvas, QStringLiteral("canvas")); });
    connect(png->addAction(QStringLiteral("Loss and accuracy…")), &QAction::triggered, this,
            [this] { export_png(m_plot, QStringLiteral("loss")); });
    connect(png->addAction(QStringLiteral("Gradient flow…")), &QAction::triggered, this,
            [this] { export_png(m_flow, QStringLiteral("gradient-flow")); });
    connect(png->addAction(QStringLiteral("Whole window…")), &QAction::triggered, this,
            [this] { export_png(this, QStringLiteral("window")); });
    QMenu* model = file->addMenu(QStringLiteral("E&xport the model"));
    connect(model->addAction(QStringLiteral("As a PyTorch project (folder)…")), &QAction::triggered, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(
            this, QStringLiteral("A folder for the PyTorch project (an empty one, or a new one)"));
        if (!dir.isEmpty()) export_model(QStringLiteral("pytorch"), dir);
    });
    QAction* onnx = model->addAction(QStringLiteral("As ONNX, for inference…"));
    onnx->setEnabled(can_export_onnx());
    if (!can_export_onnx()) onnx->setToolTip(QStringLiteral("This build has no ONNX support (GRADSCOPE_ONNX)"));
    model->setToolTipsVisible(true);
    connect(onnx, &QAction::triggered, this, [this] {
        QString path = QFileDialog::getSaveFileName(this, QStringLiteral("Export as ONNX"),
                                                    QString::fromStdString(m_spec.name) + ".onnx",
                                                    QStringLiteral("ONNX models (*.onnx)"));
        if (path.isEmpty()) return;
        if (!path.endsWith(QLatin1String(".onnx"), Qt::CaseInsensitive)) path += QLatin1String(".onnx");
        export_model(QStringLiteral("onnx"), path);
    });
    QMenu* csv = file->addMenu(QStringLiteral("Export series as &CSV"));
    connect(csv->addAction(QStringLiteral("Loss and accuracy…")), &QAction::triggered, this,
            [this] { export_csv(false); });
    connect(csv->addAction(QStringLiteral("Gradient flow and update ratios…")), &QAction::triggered, this,
            [this] { export_csv(true); });
    file->addSeparator();
    QAction* quit = file->addAction(QStringLiteral("&Quit"));
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &QWidget::close);
}

Project MainWindow::current_project() const {
    Project p;
    p.spec = m_spec;
    p.backend = m_backend;
    p.stop_on_nonfinite = m_stop_on_nan_action->isChecked();
    p.steps_per_second = m_bridge->steps_per_second();
    p.breakpoints = m_bridge->breakpoints();
    p.view.geometry = saveGeometry();
    p.view.state = saveState();
    p.view.smoothing = m_plot->smoothing();
    p.view.log_scale = m_plot->log_scale();
    p.view.show_test_points = m_canvas->show_test_points();
    p.view.show_gradients = m_canvas->show_gradients();
    p.view.presentation = presentation();
    p.view.probe = m_bridge->probe();
    return p;
}

bool MainWindow::open_project(const QString& path, QString* error) {
    Project p;
    try {
        p = load_project(path);
    } catch (const std::exception& e) {
        const QString why = QString::fromStdString(e.what());
        if (error) *error = why;
        show_banner(QStringLiteral("Cannot open the project: ") + why, true);
        return false;
    }
    if (!maybe_discard(QStringLiteral("opening %1").arg(QFileInfo(path).fileName()))) {
        if (error) *error = QStringLiteral("kept the unsaved work");
        return false;
    }
    m_backend = p.backend;
    m_controls->set_backends(m_backends->backends(), m_backend);
    m_stop_on_nan_action->setChecked(p.stop_on_nonfinite);
    for (const auto& [condition, threshold] : m_bridge->breakpoints())  // the old project's go
        if (!p.breakpoints.count(condition)) m_bridge->set_breakpoint(QString::fromStdString(condition), NAN);
    for (const auto& [condition, threshold] : p.breakpoints)
        if (!m_bridge->set_breakpoint(QString::fromStdString(condition), threshold))
            statusBar()->showMessage(QStringLiteral("Breakpoint %1 ignored").arg(QString::fromStdString(condition)), 6000);
    m_plot->set_smoothing(p.view.smoothing);
    m_plot->set_log_scale(p.view.log_scale);
    m_test_points_action->setChecked(p.view.show_test_points);
    m_gradients_action->setChecked(p.view.show_gradients);
    m_bridge->set_probe(p.view.probe);
    if (!p.view.geometry.isEmpty()) {
        restoreGeometry(p.view.geometry);
        fit_to_screen();  // saved on another screen, perhaps a larger one
    }
    if (!p.view.state.isEmpty() && restoreState(p.view.state)) m_docks_sized = true;
    open_spec_as(p.spec, false);
    // The project's own pace (after the spec, which would set the default).
    m_controls->set_speed(p.steps_per_second);
    m_bridge->set_hyperparameter(QString::fromLatin1(id_of(Hyperparameter::StepsPerSecond)), p.steps_per_second);
    if (p.view.presentation != presentation()) set_presentation(p.view.presentation);
    m_project_path = path;
    m_saved_with_run = p.run.has_value();
    if (p.run) {  // its weights and curves, once its session exists
        m_pending_run = p.run;
        m_pending_run_path = run_weights_path(path, *p.run);
    }
    m_pending_tree = path;  // its forks, once the first run is there (with its weights)
    mark_saved();
    update_title();
    add_recent(path);
    statusBar()->showMessage(fit_message(QStringLiteral("Opened %1").arg(path), 60, 300), 5000);
    apply_pending_run();
    apply_pending_tree();
    return true;
}

bool MainWindow::save_project_as(const QString& path, QString* error, bool with_run) {
    auto fail = [&](const QString& why) {
        if (error) *error = why;
        show_banner(QStringLiteral("Cannot save the project: ") + why, true);
        return false;
    };
    Project p = current_project();
    if (with_run && m_bridge->steps_done() > 0) {
        // The weights first (a checkpoint beside the project, written between
        // steps), then the project that names them: never a project whose
        // weights did not arrive.
        SavedRun run;
        run.weights = weights_name_for(path);
        const CommandResult r = m_bridge->save_checkpoint_now(QFileInfo(path).dir().filePath(run.weights));
        if (!r) return fail(QString::fromStdString(r.reason));
        run.step = m_bridge->steps_done();
        run.history = history_of(m_bridge->store(), run.step);
        run.history.step = run.step;
        p.run = std::move(run);
    }
    try {
        save_project(path, p);
    } catch (const std::exception& e) {
        return fail(QString::fromStdString(e.what()));
    }
    QString runs_why;  // the family of runs (forks), beside the project
    if (!m_time_travel->save_runs(path, &runs_why)) return fail(QStringLiteral("the runs: ") + runs_why);
    m_project_path = path;
    m_saved_with_run = p.run.has_value();
    mark_saved();
    update_title();
    add_recent(path);
    statusBar()->showMessage(QStringLiteral("Saved %1").arg(path), 5000);
    return true;
}

bool MainWindow::export_model(const QString& format, const QString& path, QString* error) {
    const ExportOutcome out = gs::studio::export_model(*m_bridge, format, path);
    if (!out.ok) {
        if (error) *error = out.message;
        show_banner(QStringLiteral("Cannot export the model: ") + out.message, true);
        return false;
    }
    statusBar()->showMessage(fit_message(out.message, 60, 300), 10000);
    return true;
}

void MainWindow::add_recent(const QString& path) {
    QSettings s;
    QStringList recent = s.value(QStringLiteral("recent")).toStringList();
    const QString abs = QFileInfo(path).absoluteFilePath();
    recent.removeAll(abs);
    recent.prepend(abs);
    while (recent.size() > kMaxRecent) recent.removeLast();
    s.setValue(QStringLiteral("recent"), recent);
    rebuild_recent_menu();
}

void MainWindow::rebuild_recent_menu() {
    m_recent_menu->clear();
    const QStringList recent = QSettings().value(QStringLiteral("recent")).toStringList();
    for (const QString& path : recent)
        connect(m_recent_menu->addAction(QFileInfo(path).fileName()), &QAction::triggered, this,
                [this, path] { open_project(path); });  // asks first
    m_recent_menu->setEnabled(!recent.isEmpty());
}

void MainWindow::export_png(QWidget* view, const QString& what) {
    QString path = QFileDialog::getSaveFileName(this, QStringLiteral("Export as PNG"),
                                                QString::fromStdString(m_spec.name) + "-" + what + ".png",
                                                QStringLiteral("PNG images (*.png)"));
    if (path.isEmpty()) return;
    if (!path.endsWith(QLatin1String(".png"), Qt::CaseInsensitive)) path += QLatin1String(".png");
    bool ok = false;
    if (view == m_canvas) ok = m_canvas->save_png(path);
    else if (view == m_plot) ok = m_plot->save_png(path);
    else if (view == m_flow) ok = m_flow->save_png(path);
    else {
        QSaveFile file(path);  // written whole or not at all
        ok = file.open(QIODevice::WriteOnly) && view->grab().save(&file, "PNG") && file.commit();
    }
    statusBar()->showMessage(ok ? QStringLiteral("Exported %1").arg(path)
                                : QStringLiteral("Could not write %1").arg(path),
                             6000);
}

void MainWindow::export_csv(bool gradient_flow) {
    QString path = QFileDialog::getSaveFileName(
        this, QStringLiteral("Export as CSV"),
        QString::fromStdString(m_spec.name) + (gradient_flow ? "-gradient-flow.csv" : "-loss.csv"),
        QStringLiteral("CSV files (*.csv)"));
    if (path.isEmpty()) return;
    const bool ok = gradient_flow ? m_flow->save_csv(path) : m_plot->save_csv(path);
    statusBar()->showMessage(ok ? QStringLiteral("Exported %1").arg(path)
                                : QStringLiteral("Could not write %1").arg(path),
                             6000);
}

}  // namespace gs::studio
