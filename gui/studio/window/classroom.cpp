// The classroom's views in the main window, and the window's data hook.
#include "window/classroom.h"

#include <QDockWidget>
#include <QMenuBar>
#include <algorithm>

#include "bridge/classroom_service.h"
#include "bridge/session_bridge.h"
#include "canvas/canvas_touch.h"
#include "canvas/draw_data.h"
#include "canvas/feature_inputs.h"
#include "canvas/network_canvas.h"
#include "canvas/step_through.h"
#include "canvas/step_through_panel.h"
#include "data/dataset_panel.h"
#include "editor/network_editor.h"
#include "inspector/layer_inspector.h"
#include "plots/gradient_flow.h"
#include "window/lesson_player.h"
#include "window/docks.h"
#include "window/main_window.h"
#include "window/training_controls.h"
#include "gradscope/names.h"

namespace gs::studio {

Classroom::Classroom(MainWindow* window)
    : QObject(window), m_window(window), m_service(new ClassroomService(window->bridge(), this)) {
    setObjectName(QStringLiteral("classroom"));
    m_step_dock = new QDockWidget(QStringLiteral("Step through"), window);
    m_step_dock->setObjectName(QStringLiteral("dock_step_through"));
    window->addDockWidget(Qt::BottomDockWidgetArea, m_step_dock);
    m_step_dock->hide();
    build_on_first_show(m_step_dock, [this] { step_through(); });

    m_touch = new CanvasTouch(window->canvas(), m_service, this);

    m_draw_dock = new QDockWidget(QStringLiteral("Draw data"), window);
    m_draw_dock->setObjectName(QStringLiteral("dock_draw_data"));
    window->addDockWidget(Qt::LeftDockWidgetArea, m_draw_dock);
    m_draw_dock->hide();
    build_on_first_show(m_draw_dock, [this] { drawer(); });

    m_menu = window->menuBar()->addMenu(QStringLiteral("&Classroom"));
    QAction* step = m_menu->addAction(QStringLiteral("Step through one training step"));
    step->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    connect(step, &QAction::triggered, this, [this] { start_step_through(); });
    m_menu->addAction(m_step_dock->toggleViewAction());
    QAction* draw = m_draw_dock->toggleViewAction();
    draw->setText(QStringLiteral("Draw data"));
    m_menu->addAction(draw);
    connect(draw, &QAction::toggled, this, [this](bool on) {
        if (on) drawer()->set_data_spec(m_window->current_project().spec.data);
    });

    m_lessons = new LessonPlayer(window, this);
    m_lessons_menu = window->menuBar()->addMenu(QStringLiteral("&Lessons"));
    m_lessons->fill_menu(m_lessons_menu);

    SessionBridge* bridge = window->bridge();
    connect(bridge, &SessionBridge::sessionChanged, this, &Classroom::session_changed);
    connect(bridge, &SessionBridge::snapshotUpdated, this, [this] {
        m_touch->set_snapshot(m_window->bridge()->snapshot());
    });
}

StepThroughPanel* Classroom::step_through() {
    if (m_step) return m_step;
    m_step = new StepThroughPanel(m_service);
    if (m_theme) m_step->set_theme(*m_theme);
    const ModelSpec& spec = m_window->bridge()->spec();  // the session's, as session_changed gives it
    m_step->set_input_names(input_labels(spec.data, static_cast<int>(spec.input.numel())));
    m_step_dock->setWidget(m_step);
    return m_step;
}

DataDrawer* Classroom::drawer() {
    if (m_drawer) return m_drawer;
    m_drawer = new DataDrawer;
    if (m_theme) m_drawer->set_theme(*m_theme);
    connect(m_drawer, &DataDrawer::applyRequested, m_window, &MainWindow::apply_classroom_data);
    m_draw_dock->setWidget(m_drawer);
    return m_drawer;
}

bool Classroom::start_step_through() {
    m_step_dock->show();
    m_step_dock->raise();
    step_through()->view()->setFocus();
    return m_step->trace_step();
}

void Classroom::session_changed() {
    const ModelSpec& spec = m_window->bridge()->spec();
    m_touch->set_model(spec);
    m_touch->set_snapshot(m_window->bridge()->snapshot());
    if (m_step) m_step->set_input_names(input_labels(spec.data, static_cast<int>(spec.input.numel())));
}

void Classroom::set_theme(const Theme& theme) {
    m_theme = theme;
    if (m_step) m_step->set_theme(theme);
    m_touch->set_theme(theme);
    if (m_drawer) m_drawer->set_theme(theme);
    m_lessons->set_theme(theme);
}

// ---- MainWindow's hook -------------------------------------------------------

void MainWindow::apply_classroom_data(const DataSpec& data) {
    ModelSpec s = m_spec;
    s.data = data;
    const int inputs = data.features.empty() ? 2 : static_cast<int>(data.features.size());
    s.input = Shape{inputs};
    // More than two classes (or a softmax already): the output has a unit per
    // class with a softmax and its cross-entropy.
    const int classes = std::max(2, data.classes);
    int last_dense = -1;
    for (size_t i = 0; i < s.layers.size(); ++i)
        if (s.layers[i].type == "Dense") last_dense = static_cast<int>(i);
    if (last_dense >= 0 && (classes > 2 || s.loss == id_of(LossKind::SoftmaxCrossEntropy))) {
        s.layers[static_cast<size_t>(last_dense)].units = classes;
        s.layers.resize(static_cast<size_t>(last_dense) + 1);
        LayerSpec softmax;
        softmax.type = "Softmax";
        s.layers.push_back(softmax);
        s.loss = id_of(LossKind::SoftmaxCrossEntropy);
    }
    m_spec = s;
    m_syncing = true;
    m_editor->set_spec(s);
    m_data->set_data_spec(s.data);
    m_controls->set_spec(s);
    m_canvas->set_model(s);
    m_flow->set_model(s);
    m_inspector->set_model(s);
    m_syncing = false;
    m_awaiting_session = true;
    m_canvas->clear();
    update_title();
    load_current();
}

}  // namespace gs::studio
