// Shared set-up of the loss plot's tests: the plot on screen with a store's
// curves drawn, as a person would see it (the hover read-out needs the
// plot laid out at its size).
#pragma once

#include <qcustomplot.h>

#include <QtTest>

#include "gradscope/telemetry.h"
#include "plots/training_plot.h"

namespace gs::studio::testing {

// Shows the plot at 800x500, waits for it to be exposed, takes the store
// and replots at once. False when the window was never exposed.
inline bool show_plot_of(TrainingPlot& p, const gs::TelemetryStore& store) {
    p.resize(800, 500);
    p.show();
    if (!QTest::qWaitForWindowExposed(&p)) return false;
    p.update_from(store);
    p.plot()->replot(QCustomPlot::rpImmediateRefresh);
    return true;
}

}  // namespace gs::studio::testing
