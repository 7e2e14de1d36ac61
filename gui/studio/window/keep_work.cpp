// Never lose work: what counts as unsaved (the network, the data, the
// hyperparameters and breakpoints as they were opened or saved, and the
// steps trained since), the question before Quit, New, Open or a preset
// discards it (Save / Discard / Cancel; injectable, so tests never meet a
// dialog), and a project saved with its run: the weights as a checkpoint
// beside the project file and the curves inside it, put back on open once
// the project's session exists.
#include <QCheckBox>
#include <QCloseEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QGuiApplication>
#include <QLocale>
#include <QSettings>
#include <QStatusBar>
#include <nlohmann/json.hpp>

#include "bridge/session_bridge.h"
#include "bridge/spec_service.h"
#include "editor/layer_catalog.h"
#include "editor/network_editor.h"
#include "window/main_window.h"
#include "window/time_travel.h"
#include "window/training_controls.h"
#include "gradscope/names.h"

namespace gs::studio {

namespace {

const char* kProjectFilter = "Gradscope projects (*.gradscope);;All files (*)";

// Optimizer state tensors per parameter tensor, as checkpoints hold them.
int optimizer_slots(const OptimizerSpec& o) {
    const OptimizerName* name = find_optimizer(o.type);
    switch (name ? name->kind : OptimizerKind::Sgd) {
        case OptimizerKind::Adam:
        case OptimizerKind::AdamW: return 2;
        case OptimizerKind::RmsProp: return o.momentum > 0 ? 2 : 1;
        case OptimizerKind::Sgd: break;
    }
    return o.momentum > 0 ? 1 : 0;
}

}  // namespace

// The work that counts, as text: the network as the editor holds it (its
// initializers resolved; the input follows the data and the description the
// network, so both are left out), the rest of the spec, the backend, the
// pace and the breakpoints.
std::string MainWindow::work_text() const {
    const Project p = current_project();
    ModelSpec s = p.spec;
    const ModelSpec edited = m_editor->spec();
    s.layers = edited.layers;
    s.loss = edited.loss;
    s.input = Shape{};
    s.description.clear();
    nlohmann::json j = {{"spec", spec_to_json(s)},
                        {"backend", p.backend.toStdString()},
                        {"stop_on_nonfinite", p.stop_on_nonfinite},
                        {"steps_per_second", p.steps_per_second},
                        {"breakpoints", p.breakpoints}};
    return j.dump();
}

void MainWindow::note_work_changed() {
    if (m_syncing) return;
    m_work_differs = work_text() != m_saved_work;
    setWindowModified(is_modified());
}

void MainWindow::mark_saved() {
    m_saved_work = work_text();
    m_saved_steps = m_pending_run ? m_pending_run->step : m_bridge->steps_done();
    m_work_differs = false;
    setWindowModified(false);
}

bool MainWindow::is_modified() const {
    if (m_work_differs) return true;
    // A project's run still on its way counts as the steps it saved.
    return !m_pending_run && m_bridge->steps_done() != m_saved_steps;
}

bool MainWindow::maybe_discard(const QString& what) {
    if (!is_modified()) return true;
    QMessageBox::StandardButton answer;
    if (m_ask_discard) {
        answer = m_ask_discard(what);
    } else if (QGuiApplication::platformName() == QLatin1String("offscreen")) {
        // Nobody can answer a dialog here (tests, screenshots): keep the work.
        qWarning("gradscope: unsaved work before %s, and no one to ask: kept", qPrintable(what));
        answer = QMessageBox::Cancel;
    } else {
        const long steps = m_bridge->steps_done();
        QMessageBox box(QMessageBox::Warning, QStringLiteral("Unsaved work"),
                        QStringLiteral("Save the project before %1?").arg(what), QMessageBox::NoButton, this);
        box.setInformativeText(
            steps > 0 ? QStringLiteral("The network, its settings or the %1 steps trained since the last save would be lost.")
                            .arg(QLocale(QLocale::English).toString(static_cast<qlonglong>(steps)))
                      : QStringLiteral("Changes to the network or its settings since the last save would be lost."));
        box.setStandardButtons(QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel);
        box.setDefaultButton(QMessageBox::Save);
        answer = static_cast<QMessageBox::StandardButton>(box.exec());
    }
    if (answer == QMessageBox::Discard) return true;
    if (answer == QMessageBox::Save) return save_interactively(false);
    return false;  // Cancel, or the box closed
}

bool MainWindow::save_interactively(bool ask_about_run) {
    QString path = m_project_path;
    if (path.isEmpty()) {
        path = QFileDialog::getSaveFileName(this, QStringLiteral("Save the project"),
                                            QString::fromStdString(m_spec.name) + ".gradscope",
                                            QString::fromLatin1(kProjectFilter));
        if (path.isEmpty()) return false;
        if (!path.endsWith(QLatin1String(".gradscope"))) path += QLatin1String(".gradscope");
    }
    // The training is part of the work: saved with it unless the person says not to.
    bool with_run = m_bridge->steps_done() > 0;
    if (with_run && ask_about_run) {
        QMessageBox box(QMessageBox::Question, QStringLiteral("Save the project"),
                        QStringLiteral("Save %1?").arg(QFileInfo(path).fileName()), QMessageBox::Save | QMessageBox::Cancel,
                        this);
        auto* check = new QCheckBox(QStringLiteral("Also save the trained weights and curves (%1)").arg(run_size_text()));
        check->setChecked(m_saved_with_run || m_project_path.isEmpty());
        box.setCheckBox(check);
        if (box.exec() != QMessageBox::Save) return false;
        with_run = check->isChecked();
    }
    return save_project_as(path, nullptr, with_run);
}

QString MainWindow::run_size_text() const {
    const SpecAnalysis a = analyze_spec(m_spec);
    double params = 0;
    for (const LayerInfo& l : a.layers) params += static_cast<double>(l.params);
    const TelemetryStore& store = m_bridge->store();
    const double points = static_cast<double>(store.loss().points().size() + store.accuracy().points().size());
    return bytes_text(params * 4 * (1 + optimizer_slots(m_spec.optimizer)) + 2048 + points * 60);
}

void MainWindow::apply_pending_run() {
    if (!m_pending_run || !m_bridge->has_session() || m_bridge->is_loading()) return;
    const SavedRun run = *m_pending_run;
    m_pending_run.reset();
    const QString weights = m_pending_run_path;
    if (!QFileInfo(weights).isFile()) {
        show_banner(QStringLiteral("The project's trained weights (%1) are missing: training starts from fresh weights.")
                        .arg(weights),
                    false);
        mark_saved();
        return;
    }
    m_bridge->load_checkpoint(weights, &run.history);
    // Where the class left off is what is saved.
    m_saved_steps = m_bridge->steps_done();
    setWindowModified(is_modified());
    statusBar()->showMessage(QStringLiteral("Resumed at step %1").arg(m_bridge->steps_done()), 5000);
}

void MainWindow::apply_pending_tree() {
    if (m_pending_tree.isEmpty() || m_pending_run || !m_bridge->has_session() || m_bridge->is_loading()) return;
    const QString project = m_pending_tree;
    m_pending_tree.clear();
    QString why;
    if (!m_time_travel->open_runs(project, &why))
        show_banner(QStringLiteral("Some of the project's runs could not be opened: ") + why, false);
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (!maybe_discard(QStringLiteral("quitting"))) {
        event->ignore();
        return;
    }
    QSettings s;
    if (!isFullScreen()) s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    // The layout to come back to: not the presentation's.
    s.setValue(QStringLiteral("window/state"), presentation() && !m_state_before_presentation.isEmpty()
                                                   ? m_state_before_presentation
                                                   : saveState());
    QMainWindow::closeEvent(event);
}

}  // namespace gs::studio
