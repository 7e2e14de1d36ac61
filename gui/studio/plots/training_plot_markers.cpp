// TrainingPlot: the vertical markers where something changed the run (a
// hyperparameter, the optimizer, a breakpoint, the end of the spec's epochs),
// labelled in the words the screen uses ("learning rate 0.05", "batch size
// 32"), never the engine's ids. Speed changes are not markers: they change
// nothing about learning. See training_plot.h.
#include <qcustomplot.h>

#include <QLocale>
#include <algorithm>
#include <cmath>

#include "gradscope/names.h"
#include "plots/plot_style.h"
#include "plots/training_plot.h"

namespace gs::studio {

namespace {

constexpr size_t kMaxMarkers = 200;  // the newest; older ones would only clutter

// 1000 -> "1,000"; 0.05 -> "0.05"; 1e-4 -> "1e-4".
QString value_text(double v) {
    if (std::isfinite(v) && v == std::floor(v) && std::abs(v) >= 1 && std::abs(v) < 1e9)
        return QLocale(QLocale::English).toString(static_cast<qlonglong>(v));
    return qnumber(v);
}

// What the engine's text says after "set to " ("optimizer set to adam" -> "adam").
QString set_to(const EventRecord& e) {
    const QString t = QString::fromStdString(e.text);
    const int at = t.indexOf(QLatin1String(" set to "));
    return at >= 0 ? t.mid(at + 8) : QString();
}

}  // namespace

// The marker for an event, or none (label empty) for events the plot does not mark.
TrainingPlot::Marker TrainingPlot::marker_for(const EventRecord& e) {
    Marker m{static_cast<double>(e.step), {}, {}, false};
    if (e.kind == "breakpoint") {
        m.breakpoint = true;
        m.label = e.name == id_of(BreakpointKind::Nonfinite) ? tr("NaN") : tr("break");
        m.text = QString::fromStdString(e.text);
    } else if (e.kind == "reached-end") {
        m.label = tr("end of the spec's epochs");
        m.text = QString::fromStdString(e.text);
    } else if (e.kind == "hyperparameter") {
        if (e.name == "optimizer" || e.name == "schedule") {
            const QString what = e.name == "optimizer" ? tr("optimizer") : tr("schedule");
            m.label = what + QLatin1Char(' ') + set_to(e);
            m.text = tr("%1 changed to %2").arg(what, set_to(e));
        } else if (const HyperparameterName* h = find_hyperparameter(e.name);
                   h && h->kind != Hyperparameter::StepsPerSecond) {
            const QString what = QString::fromLatin1(h->label);
            m.label = what + QLatin1Char(' ') + value_text(e.value);
            m.text = tr("%1 changed to %2").arg(what, value_text(e.value));
        }
    }
    return m;
}

void TrainingPlot::rebuild_markers(const TelemetryStore& store) {
    m_marker_data.clear();
    for (const EventRecord& e : store.events())
        if (Marker m = marker_for(e); !m.label.isEmpty()) m_marker_data.push_back(std::move(m));
    if (m_marker_data.size() > kMaxMarkers)
        m_marker_data.erase(m_marker_data.begin(), m_marker_data.end() - static_cast<long>(kMaxMarkers));
    place_markers();
}

void TrainingPlot::place_markers() {
    for (QCPAbstractItem* i : m_markers) m_plot->removeItem(i);
    m_markers.clear();
    const QFont font = plot_font(m_theme, kPlotFontPt - 1);
    QColor bg = m_theme.background;
    bg.setAlpha(210);
    for (size_t k = 0; k < m_marker_data.size(); ++k) {
        const Marker& m = m_marker_data[k];
        const QColor c = m.breakpoint ? m_theme.error : m_theme.marker;
        const QPen pen(c, std::max(1.0, m_theme.line_width * 0.7), Qt::DashLine);
        for (QCPAxisRect* r : {m_loss_rect, m_acc_rect}) {
            if (r == m_acc_rect && !m_acc_shown) continue;
            QCPItemLine* l = vertical_line(m_plot, r);
            l->setPen(pen);
            place_vertical(l, m.step);
            m_markers.push_back(l);
        }
        auto* t = new QCPItemText(m_plot);
        t->setClipAxisRect(m_loss_rect);
        t->position->setAxes(m_loss_rect->axis(QCPAxis::atBottom), m_loss_rect->axis(QCPAxis::atLeft));
        t->position->setAxisRect(m_loss_rect);
        t->position->setTypeX(QCPItemPosition::ptPlotCoords);
        t->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
        t->position->setCoords(m.step, 0);
        t->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
        t->setText(m.label);
        t->setFont(font);
        t->setColor(c);
        t->setBrush(QBrush(bg));
        t->setPadding(QMargins(3, 1, 3, 1));
        m_markers.push_back(t);
    }
    position_marker_labels();
}

void TrainingPlot::position_marker_labels() {
    // Labels in three staggered rows, so that close markers stay readable.
    const double h = m_loss_rect->height();
    const double row = h > 40 ? (QFontMetricsF(plot_font(m_theme, kPlotFontPt - 1)).height() + 4) / h : 0.11;
    int k = 0;
    for (QCPAbstractItem* i : m_markers)
        if (auto* t = qobject_cast<QCPItemText*>(i)) {
            t->position->setCoords(t->position->key(), 0.01 + (k++ % 3) * row);
        }
}

QStringList TrainingPlot::marker_labels() const {
    current();
    QStringList out;
    for (const Marker& m : m_marker_data) out << m.label;
    return out;
}

QStringList TrainingPlot::marker_texts() const {
    current();
    QStringList out;
    for (const Marker& m : m_marker_data) out << m.text;
    return out;
}

}  // namespace gs::studio
