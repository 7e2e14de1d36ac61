// The look every studio plot shares: a Theme applied to a QCustomPlot
// (background, fonts scaled by theme.font_scale, axis and grid pens, legend),
// and compact number formatting for tick labels, read-outs and messages.
// Both TrainingPlot and GradientFlowView go through here so they look alike.
#pragma once

#include <QFont>
#include <QString>

class QCustomPlot;
class QCPAxis;
class QCPAxisRect;
class QCPLegend;
class QCPItemLine;

namespace gs::studio {

struct Theme;

// Point size of plot text: tick labels use base_pt, axis labels a little
// more; both multiplied by theme.font_scale.
constexpr double kPlotFontPt = 9.0;
QFont plot_font(const Theme& theme, double base_pt = kPlotFontPt, bool bold = false);

// Background, every axis rect's axes (pens, tick label and label fonts and
// colours, grid), and the main legend. Call after the layout and axes exist;
// graphs keep their own pens (set them from theme.train, ...).
void apply_theme(QCustomPlot& plot, const Theme& theme);
void style_axis(QCPAxis& axis, const Theme& theme);
void style_axis_rect(QCPAxisRect& rect, const Theme& theme);
void style_legend(QCPLegend& legend, const Theme& theme);

// Puts a legend in a row of its own at `row` of the plot's layout (which
// must exist and be empty), at its natural width on the left and laid out
// in one line, where it never hides a curve. Takes it out of any inset.
void place_legend_row(QCustomPlot& plot, QCPLegend* legend, int row);

// Switches an axis between a linear and a decade (log10) scale, with a
// matching ticker ("1e-3" style labels on the log scale).
void set_log_axis(QCPAxis& axis, bool log);

// format_number (number_format.h) as a QString, for labels and read-outs.
QString qnumber(double v);

// The layout both plot views use: the legend in a row of its own on top,
// the plot's own axis rect under it and a second axis rect below that
// (returned; drawn under the grid and items). Also turns on fast polylines:
// thick lines as plain polylines draw about 10x faster than through Qt's
// stroker (a 7,000-point plot replots in ~8 ms instead of ~75 ms).
QCPAxisRect* add_lower_axis_rect(QCustomPlot& plot);

// A vertical line through the whole height of rect (a marker, the cursor),
// at x in plot coordinates once placed.
QCPItemLine* vertical_line(QCustomPlot* plot, QCPAxisRect* rect);
void place_vertical(QCPItemLine* line, double x);

}  // namespace gs::studio
