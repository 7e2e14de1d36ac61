// The gauges' place in the main window, installed by one call from the
// window's menus (so the window's own files change by two lines): the
// "Find learning rate..." action in the Training menu, which opens the
// LrFinderDialog, and the Gauges dock (GaugesView), tabbed with the
// gradient-flow dock.
#pragma once

#include <QObject>

#include "theme.h"

class QMainWindow;
class QMenu;
class QAction;
class QDockWidget;

namespace gs::studio {

class SessionBridge;
class GaugesBridge;
class GaugesView;
class LrFinderDialog;

class GaugesUi : public QObject {
    Q_OBJECT

public:
    GaugesUi(QMainWindow* window, SessionBridge* bridge, const Theme& theme);
    GaugesBridge* bridge() const { return m_gauges; }
    // The view, made when the dock is first shown (it starts tabbed behind
    // the gradient flow: nothing of it is built before the first frame), or
    // here on first ask. It reads everything it shows from the store.
    GaugesView* view();
    bool has_view() const { return m_view != nullptr; }
    QDockWidget* dock() const { return m_dock; }
    QAction* find_action() const { return m_find; }
    // The finder dialog, made on first use and shown.
    LrFinderDialog* open_finder();

private:
    QMainWindow* m_window;
    Theme m_theme;
    GaugesBridge* m_gauges;
    GaugesView* m_view = nullptr;
    QDockWidget* m_dock;
    QAction* m_find;
    LrFinderDialog* m_dialog = nullptr;
};

// Adds the action to `training` and the dock to the window.
void install_gauges(QMainWindow* window, SessionBridge* bridge, QMenu* training, const Theme& theme);
// The window's GaugesUi (null if not installed).
GaugesUi* gauges_ui(QMainWindow* window);

}  // namespace gs::studio
