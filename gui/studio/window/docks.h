#pragma once
// One way to make a dock: movable, floatable, closable, named for the saved
// layout; with scroll, a panel wider than its dock scrolls instead of
// raising the window's minimum width (a projector's 1024 px, the 800 px
// offscreen screen in the tests).

#include <QString>

class QDockWidget;
class QMainWindow;
class QWidget;

namespace gs::studio {

QDockWidget* make_dock(QMainWindow* window, const QString& title, const QString& name, QWidget* content,
                       bool scroll = false);

}  // namespace gs::studio
