// Spin boxes and combo boxes take the mouse wheel only when they have the
// keyboard focus. Qt's default lets any of them under the cursor take it, so
// scrolling a panel that holds fields changed the field the wheel passed
// over (a layer's 16 units became 11 without notice). With the guard, an
// unfocused field ignores the wheel and the event goes on to the scroll area
// behind it; a click or Tab gives the field the focus and the wheel back.
#pragma once

class QWidget;

namespace gs::studio {

// Sets w's focus policy to Qt::StrongFocus (click or Tab, not the wheel) and
// installs one shared event filter that passes w's wheel events on to its
// parent while w does not have the focus. For QAbstractSpinBox and QComboBox
// (any widget works; others rarely need it).
void take_wheel_only_when_focused(QWidget* w);

}  // namespace gs::studio
