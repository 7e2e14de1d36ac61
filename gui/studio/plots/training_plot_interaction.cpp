// TrainingPlot: the hover read-out, panning and zooming, and following the
// data (auto-range) until the user moves the view; see training_plot.h.
#include <qcustomplot.h>

#include <QEvent>
#include <QLabel>
#include <algorithm>
#include <cmath>

#include "plots/plot_style.h"
#include "plots/training_plot.h"

namespace gs::studio {

namespace {

// The point nearest to x (pts sorted by key); -1 when empty.
template <typename T, typename Key>
int nearest_index(const std::vector<T>& pts, double x, Key key) {
    if (pts.empty()) return -1;
    auto it = std::lower_bound(pts.begin(), pts.end(), x, [&](const T& p, double v) { return key(p) < v; });
    size_t i = static_cast<size_t>(it - pts.begin());
    if (i == pts.size()) return static_cast<int>(i - 1);
    if (i > 0 && std::abs(key(pts[i - 1]) - x) <= std::abs(key(pts[i]) - x)) --i;
    return static_cast<int>(i);
}

QString pct(double fraction) { return qnumber(fraction * 100) + QLatin1Char('%'); }

// "0.43" or, for a decimated point, "0.43 (mean of 64 steps, 0.21 .. 0.9)"
// (without the part in brackets when `detail` is off: a narrow plot).
QString value_text(const SeriesPoint& p, bool percent, bool detail = true) {
    auto f = [&](double v) { return percent ? pct(v) : qnumber(v); };
    QString s = f(p.mean);
    if (p.count > 1 && detail)
        s += QStringLiteral(" (mean of %1 steps, %2 .. %3)").arg(p.count).arg(f(p.min), f(p.max));
    return s;
}

}  // namespace

void TrainingPlot::show_readout_at(double step, int y) {
    take_followed();
    double at = step;
    QCPAxis* x = m_loss_rect->axis(QCPAxis::atBottom);
    // The lines, with or without the decimated points' ranges.
    auto build = [&](bool detail) {
        QStringList lines;
        const int li = nearest_index(m_loss_pts, step, [](const SeriesPoint& p) { return p.x; });
        if (li >= 0) {
            const SeriesPoint& p = m_loss_pts[static_cast<size_t>(li)];
            at = p.x;
            lines << tr("step %1").arg(static_cast<long long>(p.x));
            lines << tr("train loss %1").arg(value_text(p, false, detail)) +
                         (m_smoothing > 0 ? tr(", smoothed %1").arg(qnumber(m_loss_smoothed[static_cast<size_t>(li)])) : QString());
        } else {
            lines << tr("step %1").arg(static_cast<long long>(std::lround(step)));
        }
        const int ai = nearest_index(m_acc_pts, at, [](const SeriesPoint& p) { return p.x; });
        if (ai >= 0 && m_acc_shown) {
            const SeriesPoint& p = m_acc_pts[static_cast<size_t>(ai)];
            lines << tr("train accuracy %1").arg(value_text(p, true, detail)) +
                         (m_smoothing > 0 ? tr(", smoothed %1").arg(pct(m_acc_smoothed[static_cast<size_t>(ai)])) : QString());
        }
        const int vi = nearest_index(m_val, step, [](const ValPoint& v) { return v.step; });
        if (vi >= 0 && m_show_validation) {
            const ValPoint& v = m_val[static_cast<size_t>(vi)];
            QString s = tr("validation loss %1").arg(qnumber(v.loss));
            if (v.accuracy >= 0) s += tr(", accuracy %1").arg(pct(v.accuracy));
            s += v.epoch > 0 ? tr("  (epoch %1, step %2)").arg(v.epoch).arg(static_cast<long long>(v.step))
                             : tr("  (step %1)").arg(static_cast<long long>(v.step));
            lines << s;
        }
        // Events within a few pixels of the cursor.
        const double px = x->coordToPixel(step);
        for (const Marker& m : m_marker_data)
            if (std::abs(x->coordToPixel(m.step) - px) <= 4 * m_theme.font_scale)
                lines << tr("step %1: %2").arg(static_cast<long long>(m.step)).arg(m.text);
        return lines;
    };
    // The box's size as drawn: the widest line plus the padding.
    const QFontMetrics fm(m_readout_box->font());
    const QMargins pad = m_readout_box->padding();
    const int room = m_plot->width() - 8;
    auto box_width = [&](const QStringList& lines) {
        int w = 0;
        for (const QString& l : lines) w = std::max(w, fm.horizontalAdvance(l));
        return w + pad.left() + pad.right() + 2;
    };
    QStringList lines = build(true);
    if (box_width(lines) > room) lines = build(false);
    if (box_width(lines) > room)  // still too wide: each line cut to fit
        for (QString& l : lines) l = fm.elidedText(l, Qt::ElideRight, room - pad.left() - pad.right() - 2);
    m_readout = lines.join(QLatin1Char('\n'));

    // The line through both plots, and the box beside it: on the side with
    // room, and always inside the plot.
    const double cx = x->coordToPixel(at);
    m_cursor_loss->start->setCoords(at, 0);
    m_cursor_loss->end->setCoords(at, 1);
    m_cursor_acc->start->setCoords(at, 0);
    m_cursor_acc->end->setCoords(at, 1);
    m_cursor_loss->setVisible(true);
    m_cursor_acc->setVisible(m_acc_shown);
    m_readout_box->setText(m_readout);
    const int width = box_width(lines);
    const int height = fm.height() * static_cast<int>(lines.size()) + pad.top() + pad.bottom() + 2;
    const int gap = static_cast<int>(12 * m_theme.font_scale);
    const int W = m_plot->width(), H = m_plot->height();
    if (y < 0) y = m_loss_rect->top() + m_loss_rect->height() / 3;
    int left = cx + gap + width <= W - 4 ? static_cast<int>(cx) + gap : static_cast<int>(cx) - gap - width;
    int top = y + gap + height <= H - 4 ? y + gap : y - gap - height;
    left = std::clamp(left, 4, std::max(4, W - width - 4));
    top = std::clamp(top, 4, std::max(4, H - height - 4));
    m_readout_box->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_readout_box->position->setCoords(left, top);
    m_readout_box->setVisible(true);
    m_cursor_layer->replot();
}

QRect TrainingPlot::readout_rect() const {
    if (!m_readout_box->visible()) return {};
    const QPointF a = m_readout_box->topLeft->pixelPosition(), b = m_readout_box->bottomRight->pixelPosition();
    return QRectF(a, b).toRect();
}

void TrainingPlot::hide_readout() {
    m_readout.clear();
    if (!m_readout_box->visible() && !m_cursor_loss->visible()) return;
    for (QCPAbstractItem* i : std::initializer_list<QCPAbstractItem*>{m_cursor_loss, m_cursor_acc, m_readout_box})
        i->setVisible(false);
    m_cursor_layer->replot();
}

void TrainingPlot::on_mouse_move(QMouseEvent* e) {
    if (e->buttons() != Qt::NoButton) {  // dragging: the user pans
        on_user_range();
        hide_readout();
        return;
    }
    const QPoint p = e->position().toPoint();
    const bool inside = m_loss_rect->rect().contains(p) || (m_acc_shown && m_acc_rect->rect().contains(p));
    if (!inside) {
        hide_readout();
        return;
    }
    show_readout_at(m_loss_rect->axis(QCPAxis::atBottom)->pixelToCoord(p.x()), p.y());
}

void TrainingPlot::on_user_range() {
    if (!m_auto_range) return;
    m_auto_range = false;
    update_hint();
}

void TrainingPlot::on_double_click() {
    m_auto_range = true;
    autorange();
    update_hint();
    request_replot();
}

void TrainingPlot::update_hint() {
    m_hint->setText(m_auto_range ? tr("drag: pan · wheel: zoom · double-click: fit")
                                 : tr("view held · double-click to follow the data"));
}

bool TrainingPlot::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_plot && event->type() == QEvent::Leave) hide_readout();
    return QWidget::eventFilter(watched, event);
}

}  // namespace gs::studio
