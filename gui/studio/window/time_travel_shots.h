// Screenshots of time travel (gradscope --screenshot ... --scrub-to STEP or
// --race STEPS): the window after training a preset, then scrubbed back to
// a step, or with a race of three learning rates forked from the last step
// and trained STEPS steps each. Used for the README's pictures. With a view
// of what the network learned (--view confusion|mistakes|...), its tab is
// in front in the window's picture.
#pragma once

#include <QSize>
#include <QString>

namespace gs::studio {

class MainWindow;

// Returns an error message, or "".
QString time_travel_screenshot(MainWindow& window, const QString& preset, long steps, const QString& png,
                               QSize size, long scrub_to, long race_steps, const QString& view = {});

}  // namespace gs::studio
