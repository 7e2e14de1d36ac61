// TEMPORARY (issue 13, package 2): calls into three hand-offs that package 1
// adds, H1 take_wheel_only_when_focused (wheel_guard.h), H2 text_for_people
// (editor/layer_catalog.h) and H3 NetworkEditor::set_data_facts. Each call
// goes to package 1's function when it is there and to a minimal stand-in
// when it is not, so both branches build on their own and merge without a
// conflict. Once both are on main, replace these three with direct calls
// and delete this file.
#pragma once

#include <QAbstractSpinBox>
#include <QComboBox>
#include <QEvent>
#include <QRegularExpression>
#include <QString>
#include <QWidget>

#include "editor/layer_catalog.h"
#include "editor/network_editor.h"
#if __has_include("wheel_guard.h")
#include "wheel_guard.h"
#define GS_HAVE_WHEEL_GUARD 1
#endif

namespace gs::studio::handoff {

// H1. Stand-in: a spin box or combo box that does not have the focus lets
// the wheel go to what is under it (the scroll area), never changes.
class WheelOnlyWhenFocused : public QObject {
public:
    using QObject::QObject;
    bool eventFilter(QObject* watched, QEvent* event) override {
        auto* w = qobject_cast<QWidget*>(watched);
        if (event->type() == QEvent::Wheel && w && !w->hasFocus() &&
            (qobject_cast<QAbstractSpinBox*>(w) || qobject_cast<QComboBox*>(w))) {
            event->ignore();
            return true;
        }
        return false;
    }
};

inline void take_wheel_only_when_focused(QWidget* w) {
#ifdef GS_HAVE_WHEEL_GUARD
    gs::studio::take_wheel_only_when_focused(w);
#else
    w->setFocusPolicy(Qt::StrongFocus);
    static WheelOnlyWhenFocused* filter = new WheelOnlyWhenFocused;  // lives as long as the program
    w->installEventFilter(filter);
#endif
}

// H2. Stand-in: the engine's ids as the screen names them.
inline QString stand_in_text_for_people(QString s) {
    s.replace(QStringLiteral("softmax_cross_entropy"), QStringLiteral("softmax cross-entropy"));
    s.replace(QStringLiteral("binary_cross_entropy"), QStringLiteral("binary cross-entropy"));
    static const QRegularExpression split(QStringLiteral("\\b([A-Za-z0-9_-]+)/(train|test|validation)\\b"));
    s.replace(split, QStringLiteral("\\1"));
    return s;
}

template <typename S>
QString people_text_impl(const S& s) {
    if constexpr (requires { text_for_people(s); }) return text_for_people(s);
    else return stand_in_text_for_people(s);
}

inline QString text_for_people(const QString& engine_message) { return people_text_impl(engine_message); }

// H3. Stand-in: nothing (the editor does not know the data yet).
template <typename Editor>
void set_data_facts(Editor& editor, int classes, int target_size, const QString& data_name) {
    if constexpr (requires { editor.set_data_facts(classes, target_size, data_name); })
        editor.set_data_facts(classes, target_size, data_name);
}

}  // namespace gs::studio::handoff
