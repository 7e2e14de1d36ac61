// The explanation in words beside a view (core's explanations.h), in a box
// that scrolls when the view is short, so that words never force a dock taller.
#pragma once

#include <QString>

class QLabel;
class QWidget;

namespace gs::studio {

// A scrolling box holding a word-wrapped label of text; *label (when given)
// is set to the label, for the view to read or change.
QWidget* explanation_box(const QString& text, QLabel** label);

}  // namespace gs::studio
