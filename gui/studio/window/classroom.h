// Classroom: the studio's half of issue 19, hooked into the main window in
// one place — the step-through dock (one training step walked through
// phase by phase with the real numbers), hover cards and weight editing on
// the network canvas, the data drawer with the input-feature toggles, and
// the Classroom and Lessons menus. It reaches the engine only through
// ClassroomService (bridge/). The step-through and data-drawer docks start
// hidden: their panels are built when a dock is first shown, or on ask.
#pragma once

#include <QObject>
#include <optional>

#include "theme.h"

class QDockWidget;
class QMenu;

namespace gs::studio {

class CanvasTouch;
class ClassroomService;
class DataDrawer;
class LessonPlayer;
class MainWindow;
class StepThroughPanel;

class Classroom : public QObject {
    Q_OBJECT
public:
    explicit Classroom(MainWindow* window);

    ClassroomService* service() const { return m_service; }
    StepThroughPanel* step_through();  // built now if it is not yet
    bool step_through_built() const { return m_step != nullptr; }
    QDockWidget* step_dock() const { return m_step_dock; }
    CanvasTouch* touch() const { return m_touch; }
    DataDrawer* drawer();  // built now if it is not yet
    bool drawer_built() const { return m_drawer != nullptr; }
    QDockWidget* draw_dock() const { return m_draw_dock; }
    LessonPlayer* lessons() const { return m_lessons; }
    QMenu* menu() const { return m_menu; }
    QMenu* lessons_menu() const { return m_lessons_menu; }
    // Shows the step-through dock and takes a traced step.
    bool start_step_through();
    void set_theme(const Theme& theme);

private:
    void session_changed();

    MainWindow* m_window;
    ClassroomService* m_service;
    StepThroughPanel* m_step = nullptr;
    QDockWidget* m_step_dock;
    CanvasTouch* m_touch;
    DataDrawer* m_drawer = nullptr;
    QDockWidget* m_draw_dock;
    LessonPlayer* m_lessons = nullptr;
    QMenu* m_menu;
    QMenu* m_lessons_menu;
    std::optional<Theme> m_theme;  // the last set_theme, for panels built later
};

}  // namespace gs::studio
