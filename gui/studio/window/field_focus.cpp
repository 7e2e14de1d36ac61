// Enter in a field gives the keyboard back to the canvas; see field_focus.h.
#include "window/field_focus.h"

#include <QAbstractItemView>
#include <QAbstractSpinBox>
#include <QApplication>
#include <QComboBox>
#include <QKeyEvent>
#include <QLineEdit>
#include <QTimer>

namespace gs::studio {

FieldFocusReturner::FieldFocusReturner(QWidget* window, QWidget* home)
    : QObject(window), m_window(window), m_home(home) {
    qApp->installEventFilter(this);
}

FieldFocusReturner::~FieldFocusReturner() {
    if (qApp) qApp->removeEventFilter(this);
}

namespace {

// The field a key went to: the widget itself or the spin box / combo box
// whose line edit it is; nullptr for anything else.
QWidget* field_of(QWidget* w) {
    if (!w) return nullptr;
    for (QWidget* p = w; p; p = p->parentWidget())
        if (qobject_cast<QAbstractItemView*>(p)) return nullptr;  // an item view's editor: the view decides
    if (qobject_cast<QAbstractSpinBox*>(w) || qobject_cast<QComboBox*>(w)) return w;
    if (qobject_cast<QLineEdit*>(w)) {
        QWidget* p = w->parentWidget();
        if (p && (qobject_cast<QAbstractSpinBox*>(p) || qobject_cast<QComboBox*>(p))) return p;
        return w;
    }
    return nullptr;
}

}  // namespace

bool FieldFocusReturner::eventFilter(QObject* watched, QEvent* event) {
    if (event->type() != QEvent::KeyPress || !m_window || !m_home) return false;
    const int key = static_cast<QKeyEvent*>(event)->key();
    if (key != Qt::Key_Return && key != Qt::Key_Enter) return false;
    QWidget* field = field_of(qobject_cast<QWidget*>(watched));
    if (!field || field->window() != m_window) return false;
    if (auto* combo = qobject_cast<QComboBox*>(field); combo && combo->view() && combo->view()->isVisible())
        return false;  // choosing in an open list
    // After the field has taken the Enter (and committed its value).
    QTimer::singleShot(0, m_home, [home = m_home] {
        if (home) home->setFocus(Qt::ShortcutFocusReason);
    });
    return false;
}

}  // namespace gs::studio
