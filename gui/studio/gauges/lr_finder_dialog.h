// The learning-rate finder (Training > Find learning rate...): the range of
// the test (lowest and highest rate, steps), Run, the loss against the
// learning rate on a log axis with the suggestion marked, what it means in
// words (gradscope/gauges.h), and Apply, which sets the suggested rate. The
// run's state is put back exactly after the test (the engine does that).
#pragma once

#include <QDialog>

#include "gradscope/gauges.h"
#include "theme.h"

class QCustomPlot;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSpinBox;

namespace gs::studio {

class GaugesBridge;

class LrFinderDialog : public QDialog {
    Q_OBJECT

public:
    LrFinderDialog(GaugesBridge& gauges, const Theme& theme, QWidget* parent = nullptr);

    // Starts the test with the range in the fields.
    void run();
    // Sets the suggested rate (refused with a message when there is none).
    bool apply();
    double suggested_lr() const;
    LrRangeOptions options() const;
    QCustomPlot* plot() const { return m_plot; }

private:
    void show_result();
    GaugesBridge& m_gauges;
    Theme m_theme;
    QDoubleSpinBox *m_min = nullptr, *m_max = nullptr;
    QSpinBox* m_steps = nullptr;
    QPushButton *m_run = nullptr, *m_apply = nullptr;
    QCustomPlot* m_plot = nullptr;
    QLabel *m_verdict = nullptr, *m_about = nullptr;
};

}  // namespace gs::studio
