#include "window/docks.h"

#include <QDockWidget>
#include <QFrame>
#include <QMainWindow>
#include <QScrollArea>

namespace gs::studio {

QDockWidget* make_dock(QMainWindow* window, const QString& title, const QString& name, QWidget* content, bool scroll) {
    auto* dock = new QDockWidget(title, window);
    dock->setObjectName(name);
    if (scroll) {
        auto* area = new QScrollArea;
        area->setWidget(content);
        area->setWidgetResizable(true);
        area->setFrameShape(QFrame::NoFrame);
        area->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
        dock->setWidget(area);
    } else {
        dock->setWidget(content);
    }
    dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable |
                      QDockWidget::DockWidgetClosable);
    return dock;
}

void build_on_first_show(QDockWidget* dock, std::function<void()> build) {
    auto* once = new QObject(dock);  // deleted after the first show: one build only
    QObject::connect(dock, &QDockWidget::visibilityChanged, once, [once, build = std::move(build)](bool visible) {
        if (!visible) return;
        build();
        once->deleteLater();
    });
}

}  // namespace gs::studio
