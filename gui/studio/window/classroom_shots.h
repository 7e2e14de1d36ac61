// The classroom's pictures for the README (docs/images/): the step-through
// with a hovered equation, a drawn multi-class data set trained on, and a
// lesson's callout at a projector size. `gradscope --classroom-shot WHAT
// --screenshot FILE.png [--size WxH]`.
#pragma once

#include <QSize>
#include <QString>

namespace gs::studio {

class MainWindow;

// what: "step", "draw" or "lesson". Returns an error message, or "".
QString classroom_screenshot(MainWindow& window, const QString& what, const QString& png, QSize size);

}  // namespace gs::studio
