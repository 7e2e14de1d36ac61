// RunOverlay: other runs on the loss and accuracy plot, and where the
// timeline stands. Each run given (a fork, a racer) is drawn as a smoothed
// loss line and accuracy line in its colour over the TrainingPlot's own
// curves (the root run's); a vertical marker across both plots shows the
// step the views show while scrubbing. It owns only its graphs and items.
#pragma once

#include <QColor>
#include <QObject>
#include <QString>
#include <cstdint>
#include <map>
#include <vector>

#include "gradscope/telemetry.h"

class QCPGraph;
class QCPItemLine;
class QCPItemText;

namespace gs::studio {

class TrainingPlot;

class RunOverlay : public QObject {
    Q_OBJECT

public:
    explicit RunOverlay(TrainingPlot* plot);
    ~RunOverlay() override;

    struct Curve {
        uint32_t id = 0;
        QString name;
        QColor colour;
        const TelemetryStore* store = nullptr;
    };
    // The runs drawn over the plot's own curves (replaces the last set).
    void set_runs(const std::vector<Curve>& runs);
    // The marker at step (-1: none) with a label ("step 1,200").
    void set_marker(long step);
    long marker() const { return m_marker_step; }

    // For tests.
    int run_count() const { return static_cast<int>(m_loss.size()); }
    int loss_points(uint32_t id) const;
    int accuracy_points(uint32_t id) const;
    double marker_x() const;  // NaN when hidden

private:
    void clear_graphs();
    void extend_range();
    TrainingPlot* m_plot;
    std::map<uint32_t, QCPGraph*> m_loss, m_acc;
    QCPItemLine* m_line_loss = nullptr;
    QCPItemLine* m_line_acc = nullptr;
    QCPItemText* m_label = nullptr;
    long m_marker_step = -1;
    double m_max_x = 0;
};

}  // namespace gs::studio
