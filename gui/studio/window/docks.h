#pragma once
// One way to make a dock: movable, floatable, closable, named for the saved
// layout; with scroll, a panel wider than its dock scrolls instead of
// raising the window's minimum width (a projector's 1024 px, the 800 px
// offscreen screen in the tests).

#include <QString>
#include <functional>

class QDockWidget;
class QMainWindow;
class QWidget;

namespace gs::studio {

QDockWidget* make_dock(QMainWindow* window, const QString& title, const QString& name, QWidget* content,
                       bool scroll = false);

// Calls `build` once, the first time the dock is shown: a dock that starts
// hidden or tabbed behind another exists from the start (menus, shortcuts
// and a saved layout find it by its name) and builds its content late.
void build_on_first_show(QDockWidget* dock, std::function<void()> build);

}  // namespace gs::studio
