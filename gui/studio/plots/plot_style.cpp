// The shared look of the studio's plots; see plot_style.h.
#include "plots/plot_style.h"

#include <qcustomplot.h>

#include <cmath>

#include "plots/number_format.h"
#include "theme.h"

namespace gs::studio {

QFont plot_font(const Theme& theme, double base_pt, bool bold) {
    QFont f;  // the application's family
    f.setPointSizeF(base_pt * theme.font_scale);
    f.setBold(bold);
    return f;
}

void style_axis(QCPAxis& axis, const Theme& theme) {
    const double w = std::max(1.0, theme.line_width * 0.6);
    QPen base(theme.muted, w);
    axis.setBasePen(base);
    axis.setTickPen(base);
    axis.setSubTickPen(QPen(theme.muted, std::max(1.0, w * 0.7)));
    axis.setTickLabelColor(theme.foreground);
    axis.setLabelColor(theme.foreground);
    axis.setTickLabelFont(plot_font(theme));
    axis.setLabelFont(plot_font(theme, kPlotFontPt + 0.5));
    axis.setSelectedTickLabelFont(plot_font(theme, kPlotFontPt, true));
    axis.setTickLengthIn(static_cast<int>(4 * theme.font_scale));
    axis.setSubTickLengthIn(static_cast<int>(2 * theme.font_scale));
    axis.setTickLabelPadding(static_cast<int>(4 * theme.font_scale));
    axis.setLabelPadding(static_cast<int>(4 * theme.font_scale));
    axis.grid()->setPen(QPen(theme.grid, std::max(1.0, theme.line_width * 0.5)));
    axis.grid()->setZeroLinePen(Qt::NoPen);
    axis.grid()->setSubGridVisible(false);
    axis.setSubTicks(axis.scaleType() == QCPAxis::stLogarithmic);
}

void style_axis_rect(QCPAxisRect& rect, const Theme& theme) {
    for (QCPAxis* a : rect.axes()) style_axis(*a, theme);
    rect.setBackground(QBrush(theme.background));
}

void style_legend(QCPLegend& legend, const Theme& theme) {
    legend.setFont(plot_font(theme));
    legend.setTextColor(theme.foreground);
    QColor bg = theme.background;
    bg.setAlpha(225);
    legend.setBrush(QBrush(bg));
    legend.setBorderPen(QPen(theme.grid));
    const int pad = static_cast<int>(4 * theme.font_scale);
    legend.setMargins(QMargins(pad + 2, pad, pad + 2, pad));
    legend.setIconSize(static_cast<int>(22 * theme.font_scale), static_cast<int>(10 * theme.font_scale));
    legend.setIconTextPadding(static_cast<int>(5 * theme.font_scale));
    legend.setRowSpacing(0);
}

void apply_theme(QCustomPlot& plot, const Theme& theme) {
    plot.setBackground(QBrush(theme.background));
    for (QCPAxisRect* r : plot.axisRects()) style_axis_rect(*r, theme);
    if (plot.legend) style_legend(*plot.legend, theme);
}

void place_legend_row(QCustomPlot& plot, QCPLegend* legend, int row) {
    if (legend->layout()) legend->layout()->take(legend);
    auto* line = new QCPLayoutGrid;
    plot.plotLayout()->addElement(row, 0, line);
    line->addElement(0, 0, legend);
    line->addElement(0, 1, new QCPLayoutElement(&plot));  // takes the rest of the width
    line->setColumnStretchFactor(0, 0.001);
    line->setColumnStretchFactor(1, 1);
    line->setMargins(QMargins(0, 0, 0, 0));
    legend->setFillOrder(QCPLegend::foColumnsFirst);
    legend->setVisible(true);
}

void set_log_axis(QCPAxis& axis, bool log) {
    if (log) {
        axis.setScaleType(QCPAxis::stLogarithmic);
        auto ticker = QSharedPointer<QCPAxisTickerLog>::create();
        ticker->setLogBase(10);
        ticker->setSubTickCount(8);  // 2..9 times each power of ten
        axis.setTicker(ticker);
        axis.setSubTicks(true);
        axis.setNumberFormat("eb");  // "10^-3", the power drawn raised
        axis.setNumberPrecision(0);
    } else {
        axis.setScaleType(QCPAxis::stLinear);
        axis.setTicker(QSharedPointer<QCPAxisTicker>::create());
        axis.setSubTicks(false);
        axis.setNumberFormat("gb");
        axis.setNumberPrecision(6);
    }
}

QString qnumber(double v) { return QString::fromStdString(format_number(v)); }

QCPAxisRect* add_lower_axis_rect(QCustomPlot& plot) {
    plot.setPlottingHint(QCP::phFastPolylines, true);
    auto* rect = new QCPAxisRect(&plot);
    rect->setLayer(QStringLiteral("background"));  // as the first rect: under the grid and items
    QCPLayoutGrid* grid = plot.plotLayout();
    grid->insertRow(0);
    place_legend_row(plot, plot.legend, 0);
    grid->addElement(2, 0, rect);
    return rect;
}

QCPItemLine* vertical_line(QCustomPlot* plot, QCPAxisRect* rect) {
    auto* l = new QCPItemLine(plot);
    l->setClipAxisRect(rect);
    for (QCPItemPosition* p : {l->start, l->end}) {
        p->setAxes(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
        p->setAxisRect(rect);
        p->setTypeX(QCPItemPosition::ptPlotCoords);
        p->setTypeY(QCPItemPosition::ptAxisRectRatio);
    }
    return l;
}

void place_vertical(QCPItemLine* l, double x) {
    l->start->setCoords(x, 0);
    l->end->setCoords(x, 1);
}

}  // namespace gs::studio
