// Read-outs whose text changes many times a second (the step counter, the
// samples per second) must not lay the window out again each time. A
// QLabel's setText asks its parent's layout to lay out again, and that
// reaches the main window's layout (every dock and toolbar placed anew),
// unless the label's size is fixed. set_steady_text fixes a one-line
// label's size to what its text needs and only ever widens it, with room
// for a few more digits, so that a changing number neither relays out the
// window nor makes its neighbours jitter.
#pragma once

#include <QString>

class QLabel;

namespace gs::studio {

void set_steady_text(QLabel* label, const QString& text);

}  // namespace gs::studio
