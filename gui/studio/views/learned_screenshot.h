// Screenshots of the views of what the network learned, for the README and
// docs (gradscope --screenshot FILE --view NAME): trains a preset as the
// window's screenshot does, then draws one view at the given size with
// something chosen in it (the most confused cell, a likely mislabeled item).
#pragma once

#include <QSize>
#include <QString>

namespace gs::studio {

class MainWindow;

// view: "confusion", "mistakes", "histograms", "histograms-stacked" or
// "datamap". Returns an error message, or "".
QString screenshot_learned_view(MainWindow& window, const QString& preset, long steps, const QString& view,
                                const QString& png, QSize size);

}  // namespace gs::studio
