// GaugesUi and install_gauges (see gauges_hook.h).
#include "gauges/gauges_hook.h"

#include <QAction>
#include <QDockWidget>
#include <QMainWindow>
#include <QMenu>
#include <QScrollArea>

#include "bridge/gauges_bridge.h"
#include "gauges/gauges_view.h"
#include "gauges/lr_finder_dialog.h"

namespace gs::studio {

GaugesUi::GaugesUi(QMainWindow* window, SessionBridge* bridge, const Theme& theme)
    : QObject(window), m_window(window), m_theme(theme) {
    setObjectName(QStringLiteral("gaugesUi"));
    m_gauges = new GaugesBridge(bridge, this);
    m_dock = new QDockWidget(QStringLiteral("Gauges"), window);
    m_dock->setObjectName(QStringLiteral("dock_gauges"));
    auto* area = new QScrollArea;
    area->setWidgetResizable(true);
    area->setFrameShape(QFrame::NoFrame);
    m_dock->setWidget(area);
    connect(m_dock, &QDockWidget::visibilityChanged, this, [this](bool visible) {
        if (visible) view();
    });
    m_dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable |
                        QDockWidget::DockWidgetClosable);
    m_find = new QAction(QStringLiteral("Find learning rate…"), this);
    m_find->setToolTip(QStringLiteral("Learning-rate range test: the loss against a rising rate, a suggestion "
                                      "to apply; the run's state is put back afterwards"));
    connect(m_find, &QAction::triggered, this, [this] { open_finder(); });
}

GaugesView* GaugesUi::view() {
    if (m_view) return m_view;
    m_view = new GaugesView(*m_gauges, m_theme);
    connect(m_view, &GaugesView::findLearningRate, this, [this] { open_finder(); });
    static_cast<QScrollArea*>(m_dock->widget())->setWidget(m_view);
    m_view->refresh();  // what the run has measured so far
    return m_view;
}

LrFinderDialog* GaugesUi::open_finder() {
    if (!m_dialog) m_dialog = new LrFinderDialog(*m_gauges, m_theme, m_window);
    m_dialog->show();
    m_dialog->raise();
    return m_dialog;
}

void install_gauges(QMainWindow* window, SessionBridge* bridge, QMenu* training, const Theme& theme) {
    auto* ui = new GaugesUi(window, bridge, theme);
    training->addSeparator();
    training->addAction(ui->find_action());
    if (auto* flow = window->findChild<QDockWidget*>(QStringLiteral("dock_flow"))) {
        window->tabifyDockWidget(flow, ui->dock());
        flow->raise();  // the gradient flow stays in front; the Gauges tab is beside it
    } else {
        window->addDockWidget(Qt::BottomDockWidgetArea, ui->dock());
    }
}

GaugesUi* gauges_ui(QMainWindow* window) {
    return window ? window->findChild<GaugesUi*>(QStringLiteral("gaugesUi"), Qt::FindDirectChildrenOnly) : nullptr;
}

}  // namespace gs::studio
