// RunOverlay: other runs' curves and the timeline's marker on the TrainingPlot.
#include "plots/run_overlay.h"

#include <cmath>
#include <limits>

#include <qcustomplot.h>

#include "plots/plot_style.h"
#include "plots/smoothing.h"
#include "plots/training_plot.h"

namespace gs::studio {

namespace {

// The step marker: plot_style's vertical line, hidden until a step is shown.
QCPItemLine* marker_line(QCustomPlot* plot, QCPAxisRect* rect) {
    QCPItemLine* l = vertical_line(plot, rect);
    l->setVisible(false);
    return l;
}

QVector<QCPGraphData> smoothed(const Series& s, double scale, double smoothing, double& max_x) {
    const std::vector<SeriesPoint> pts = s.points();
    const std::vector<double> y = smooth_ema(pts, smoothing);
    QVector<QCPGraphData> d;
    d.reserve(static_cast<int>(pts.size()));
    for (size_t i = 0; i < pts.size(); ++i) {
        d.append(QCPGraphData(pts[i].x, y[i] * scale));
        max_x = std::max(max_x, pts[i].x);
    }
    return d;
}

}  // namespace

RunOverlay::RunOverlay(TrainingPlot* plot) : QObject(plot), m_plot(plot) {
    QCustomPlot* p = plot->plot();
    m_line_loss = marker_line(p, plot->loss_rect());
    m_line_acc = marker_line(p, plot->accuracy_rect());
    m_label = new QCPItemText(p);
    m_label->setClipAxisRect(plot->loss_rect());
    m_label->position->setAxes(plot->loss_rect()->axis(QCPAxis::atBottom), plot->loss_rect()->axis(QCPAxis::atLeft));
    m_label->position->setAxisRect(plot->loss_rect());
    m_label->position->setTypeX(QCPItemPosition::ptPlotCoords);
    m_label->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
    m_label->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_label->setVisible(false);
}

RunOverlay::~RunOverlay() = default;  // the plot owns graphs and items

void RunOverlay::clear_graphs() {
    QCustomPlot* p = m_plot->plot();
    for (auto* m : {&m_loss, &m_acc}) {
        for (auto& [id, g] : *m) p->removeGraph(g);
        m->clear();
    }
}

void RunOverlay::set_runs(const std::vector<Curve>& runs) {
    clear_graphs();
    QCustomPlot* p = m_plot->plot();
    m_max_x = 0;
    const double w = m_plot->smoothing();
    const double lw = m_plot->theme().line_width * 1.0;
    for (const Curve& c : runs) {
        if (!c.store) continue;
        auto add = [&](QCPAxisRect* r, const Series& s, double scale) {
            QCPGraph* g = p->addGraph(r->axis(QCPAxis::atBottom), r->axis(QCPAxis::atLeft));
            g->setName(c.name);
            g->removeFromLegend();
            g->setPen(QPen(c.colour, lw));
            g->data()->set(smoothed(s, scale, w, m_max_x), true);
            return g;
        };
        m_loss[c.id] = add(m_plot->loss_rect(), c.store->loss(), 1);
        m_acc[c.id] = add(m_plot->accuracy_rect(), c.store->accuracy(), 100);
    }
    extend_range();
    p->replot(QCustomPlot::rpQueuedReplot);
}

void RunOverlay::extend_range() {
    if (!m_plot->auto_range()) return;
    QCPAxis* x = m_plot->loss_rect()->axis(QCPAxis::atBottom);
    if (m_max_x > x->range().upper) x->setRangeUpper(m_max_x);
}

void RunOverlay::set_marker(long step) {
    m_marker_step = step;
    const bool on = step >= 0;
    for (QCPItemLine* l : {m_line_loss, m_line_acc}) {
        l->setVisible(on);
        if (!on) continue;
        l->start->setCoords(static_cast<double>(step), 0);
        l->end->setCoords(static_cast<double>(step), 1);
        QPen pen(m_plot->theme().warning, m_plot->theme().line_width * 1.5);
        l->setPen(pen);
    }
    m_label->setVisible(on);
    if (on) {
        m_label->position->setCoords(static_cast<double>(step), 0.02);
        m_label->setText(QStringLiteral(" step %L1 ").arg(step));
        m_label->setColor(m_plot->theme().warning);
    }
    m_plot->plot()->replot(QCustomPlot::rpQueuedReplot);
}

int RunOverlay::loss_points(uint32_t id) const {
    auto it = m_loss.find(id);
    return it == m_loss.end() ? 0 : it->second->dataCount();
}

int RunOverlay::accuracy_points(uint32_t id) const {
    auto it = m_acc.find(id);
    return it == m_acc.end() ? 0 : it->second->dataCount();
}

double RunOverlay::marker_x() const {
    return m_line_loss->visible() ? m_line_loss->start->coords().x() : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace gs::studio
