// The main window on its screen: presentation mode laid out for the screen
// it is on (whatever size full screen turns out to be: the layout follows
// every resize), zoom (Ctrl+plus / minus / 0), the theme, the title, and a
// saved size and place kept on the screen.
//
// Presentation: no menu bar (its shortcuts stay: the window holds its
// actions), no status bar, no dock titles, no settings bar; one compact bar
// (Play, Step, Epoch, Reset, speed, learning rate, the epoch count), the
// canvas first, and the curves as a strip under it (gradient flow a tab).
#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QResizeEvent>
#include <QScopedValueRollback>
#include <QScreen>
#include <QSettings>
#include <QStatusBar>
#include <QTimer>
#include <algorithm>

#include "canvas/network_canvas.h"
#include "data/dataset_panel.h"
#include "editor/network_editor.h"
#include "inspector/layer_inspector.h"
#include "plots/gradient_flow.h"
#include "plots/training_plot.h"
#include "views/learned_views.h"
#include "window/classroom.h"
#include "window/main_window.h"
#include "window/training_controls.h"

namespace gs::studio {

namespace {

// The strip of curves at the bottom: about a quarter of the height.
int strip_height(int window_height) { return std::clamp(window_height * 26 / 100, 150, 320); }

}  // namespace

void MainWindow::set_presentation(bool on, bool full_screen) {
    if (on == m_theme.presentation) return;
    m_theme = on ? Theme::presentation_theme() : Theme::standard();
    if (m_presentation_action && m_presentation_action->isChecked() != on)
        m_presentation_action->setChecked(on);
    auto* plot_dock = findChild<QDockWidget*>(QStringLiteral("dock_plot"));
    auto* flow_dock = findChild<QDockWidget*>(QStringLiteral("dock_flow"));
    if (on) {
        // At the projector: the canvas and the curves, big; the editing
        // panels come back when presentation mode ends.
        m_state_before_presentation = saveState();
        for (const char* name : {"dock_network", "dock_data", "dock_inspector"})
            if (auto* dock = findChild<QDockWidget*>(QLatin1String(name))) dock->hide();
        // The curves and the gradient flow share the bottom as tabs, each
        // at full width: at 1280x720 side by side, neither is readable.
        if (plot_dock && flow_dock) {
            tabifyDockWidget(plot_dock, flow_dock);
            plot_dock->show();
            flow_dock->show();
            plot_dock->raise();
            for (QDockWidget* d : {plot_dock, flow_dock}) d->setTitleBarWidget(new QWidget(d));
        }
        menuBar()->hide();
        statusBar()->hide();
        m_controls->settings_bar()->hide();
        m_controls->show();
        m_plot->set_compact(true);
        if (full_screen) showFullScreen();
    } else {
        if (isFullScreen()) showNormal();
        for (QDockWidget* d : {plot_dock, flow_dock})
            if (d && d->titleBarWidget()) {
                delete d->titleBarWidget();
                d->setTitleBarWidget(nullptr);
            }
        menuBar()->show();
        statusBar()->show();
        m_controls->set_compact(false);
        m_plot->set_compact(false);
        if (!m_state_before_presentation.isEmpty()) restoreState(m_state_before_presentation);
        m_controls->settings_bar()->show();
    }
    apply_theme();
    lay_out_for_screen();
    // Full screen arrives later, at the screen's size: lay out again then
    // (resizeEvent does too).
    QTimer::singleShot(0, this, [this] { lay_out_for_screen(); });
}

void MainWindow::lay_out_for_screen() {
    if (m_laying_out) return;
    const QScopedValueRollback<bool> guard(m_laying_out, true);
    if (!presentation()) {
        arrange_toolbars();
        return;
    }
    // One bar, nothing in its overflow: text beside the icons if it fits,
    // icons alone otherwise.
    m_controls->set_compact(true, false);
    if (m_controls->sizeHint().width() > width() - 8) m_controls->set_compact(true, true);
    // The canvas first; the curves a strip of about a quarter of the height.
    if (auto* plot_dock = findChild<QDockWidget*>(QStringLiteral("dock_plot")))
        resizeDocks({plot_dock}, {strip_height(height())}, Qt::Vertical);
}

void MainWindow::arrange_toolbars() {
    // The settings bar beside the controls when both fit in one row, else
    // in a row of its own under them: never in the "»" overflow.
    QToolBar* settings = m_controls->settings_bar();
    if (!settings || toolBarArea(settings) != Qt::TopToolBarArea || toolBarArea(m_controls) != Qt::TopToolBarArea)
        return;
    const bool fits = m_controls->sizeHint().width() + settings->sizeHint().width() + 16 <= width();
    if (fits && toolBarBreak(settings)) removeToolBarBreak(settings);
    else if (!fits && !toolBarBreak(settings)) insertToolBarBreak(settings);
}

void MainWindow::resizeEvent(QResizeEvent* event) {
    QMainWindow::resizeEvent(event);
    lay_out_for_screen();
}

void MainWindow::showEvent(QShowEvent* event) {
    QMainWindow::showEvent(event);
    // The frame (title bar, borders) is known once shown: fit it too. The
    // docks get their widths then too: asked for before the first layout,
    // Qt gives them their minimum, and the Inspector is cut off.
    QTimer::singleShot(0, this, [this] {
        fit_to_screen();
        size_docks();
    });
}

void MainWindow::set_zoom(double zoom) {
    zoom = std::clamp(zoom, 0.6, 2.5);
    if (std::abs(zoom - m_zoom) < 1e-9) return;
    m_zoom = zoom;
    QSettings().setValue(QStringLiteral("view/zoom"), m_zoom);
    apply_theme();
    lay_out_for_screen();
}

void MainWindow::apply_theme() {
    // Menus, toolbars and dock titles grow with the theme; the views scale
    // their own text from the application's font, so they keep it as is.
    const Theme t = theme();
    QFont f = QApplication::font();
    f.setPointSizeF(f.pointSizeF() * t.font_scale);
    setFont(f);
    for (QWidget* view : std::initializer_list<QWidget*>{m_canvas, m_plot, m_flow, m_editor, m_inspector, m_data})
        view->setFont(QApplication::font());
    m_canvas->set_theme(t);
    m_plot->set_theme(t);
    m_flow->set_theme(t);
    m_editor->set_theme(t);
    m_inspector->set_theme(t);
    m_data->set_theme(t);
    if (m_classroom) m_classroom->set_theme(t);
    if (m_learned) m_learned->set_theme(t);
    // The epoch count in the compact bar reads from the back of the room.
    QFont big = f;
    big.setBold(true);
    if (auto* label = m_controls->findChild<QLabel*>(QStringLiteral("bar_progress"))) label->setFont(big);
    if (!m_banner->isHidden()) show_banner(m_banner_full, true, m_banner_kind);
}

void MainWindow::update_title() {
    const QString name = m_project_path.isEmpty() ? QString::fromStdString(m_spec.name.empty() ? "untitled" : m_spec.name)
                                                  : QFileInfo(m_project_path).fileName();
    setWindowTitle(name + QStringLiteral("[*] — Gradscope"));
    setWindowModified(is_modified());
}

void MainWindow::restore_layout() {
    QSettings s;
    restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray());
    // A layout the person left is theirs: the docks keep its sizes.
    if (restoreState(s.value(QStringLiteral("window/state")).toByteArray())) m_docks_sized = true;
    fit_to_screen();
}

void MainWindow::size_docks() {
    if (m_docks_sized || presentation()) return;
    m_docks_sized = true;
    auto* network = findChild<QDockWidget*>(QStringLiteral("dock_network"));
    auto* inspector = findChild<QDockWidget*>(QStringLiteral("dock_inspector"));
    auto* plot = findChild<QDockWidget*>(QStringLiteral("dock_plot"));
    if (!network || !inspector || !plot) return;
    // About a fifth of the width each side (the canvas keeps the rest), and
    // up to 300 px for the curves (two fifths of the height on a small screen).
    const int side = std::clamp(width() * 21 / 100, 240, 340);
    resizeDocks({network, inspector}, {side, std::min(side, 320)}, Qt::Horizontal);
    resizeDocks({plot}, {std::clamp(height() * 40 / 100, 200, 300)}, Qt::Vertical);
}

void MainWindow::fit_to_screen() {
    QScreen* s = screen();
    if (!s || !m_keep_on_screen || presentation() || isFullScreen() || isMaximized()) return;
    const QRect avail = s->availableGeometry();
    // The frame around the client area (title bar, borders), as far as known.
    const QRect frame = frameGeometry(), client = geometry();
    const QSize margins = (frame.size() - client.size()).expandedTo(QSize(0, 0));
    const QSize most = avail.size() - margins;
    if (client.width() > most.width() || client.height() > most.height())
        resize(client.size().boundedTo(most).expandedTo(minimumSizeHint().boundedTo(most)));
    const QRect now = frameGeometry();
    QPoint at = now.topLeft();
    at.setX(std::clamp(at.x(), avail.left(), std::max(avail.left(), avail.right() + 1 - now.width())));
    at.setY(std::clamp(at.y(), avail.top(), std::max(avail.top(), avail.bottom() + 1 - now.height())));
    if (at != now.topLeft()) move(at);
}

}  // namespace gs::studio
