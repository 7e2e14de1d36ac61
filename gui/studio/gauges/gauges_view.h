// The Gauges view: the gauges of the optimization while a run trains —
// sharpness (the top Hessian eigenvalue) against 2/lr, the edge of
// stability, and the gradient noise scale against the batch size — each
// with a switch and its interval, the cost it reports, what it is and what
// its last value means, in words (the core's texts, gradscope/gauges.h).
// A button opens the learning-rate finder.
#pragma once

#include <QWidget>

#include "theme.h"

class QCheckBox;
class QCustomPlot;
class QLabel;
class QSpinBox;

namespace gs::studio {

class ReplotThrottle;

class GaugesBridge;

class GaugesView : public QWidget {
    Q_OBJECT

public:
    GaugesView(GaugesBridge& gauges, const Theme& theme, QWidget* parent = nullptr);
    // Redraws from the store (on every telemetry update).
    void refresh();
    // Turns the gauges on with these intervals (0: off), as the switches do.
    void set_intervals(long sharpness_every, long noise_every);
    QCustomPlot* sharpness_plot() const { return m_sharp_plot; }
    QCustomPlot* noise_plot() const { return m_noise_plot; }
    QString sharpness_text() const;
    QString noise_text() const;

signals:
    void findLearningRate();

protected:
    // Shown (its tab raised, its dock opened): what arrived while hidden.
    void showEvent(QShowEvent* event) override;

private:
    void send();
    void sync_controls();
    GaugesBridge& m_gauges;
    Theme m_theme;
    QCheckBox *m_sharp_on = nullptr, *m_noise_on = nullptr;
    QSpinBox *m_sharp_every = nullptr, *m_noise_every = nullptr;
    QCustomPlot *m_sharp_plot = nullptr, *m_noise_plot = nullptr;
    ReplotThrottle *m_sharp_replots = nullptr, *m_noise_replots = nullptr;  // slow: a few a second
    QLabel *m_sharp_verdict = nullptr, *m_noise_verdict = nullptr;
    bool m_syncing = false;
};

}  // namespace gs::studio
