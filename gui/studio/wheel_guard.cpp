// The wheel guard: one event filter shared by every guarded field.
#include "wheel_guard.h"

#include <QCoreApplication>
#include <QEvent>
#include <QPointer>
#include <QWidget>

namespace gs::studio {

namespace {

class WheelGuard : public QObject {
public:
    using QObject::QObject;
    bool eventFilter(QObject* watched, QEvent* event) override {
        if (event->type() != QEvent::Wheel) return false;
        auto* w = qobject_cast<QWidget*>(watched);
        if (!w || w->hasFocus()) return false;
        // Ignored and filtered: QApplication hands a spontaneous wheel event
        // on to the parent widgets (the panel's scroll area scrolls).
        event->ignore();
        return true;
    }
};

WheelGuard* guard() {
    static QPointer<WheelGuard> g;  // owned by the application
    if (!g) g = new WheelGuard(QCoreApplication::instance());
    return g;
}

}  // namespace

void take_wheel_only_when_focused(QWidget* w) {
    if (!w) return;
    w->setFocusPolicy(Qt::StrongFocus);
    w->removeEventFilter(guard());  // at most once
    w->installEventFilter(guard());
}

}  // namespace gs::studio
