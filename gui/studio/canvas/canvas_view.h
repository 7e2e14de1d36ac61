// The state the network canvas draws and the interface of its two
// pictures (a dense network's neurons, a convolutional network's feature
// maps). A view turns a snapshot into cached images in rebuild(), which
// runs only when something new arrives; paint() lays out and draws them,
// and remembers where each layer's column went for clicks.
#pragma once

#include <QFont>
#include <QFontMetricsF>
#include <QPainter>
#include <QRectF>
#include <initializer_list>
#include <memory>
#include <vector>

#include "canvas_data.h"
#include "color_scale.h"
#include "gradscope/spec.h"
#include "gradscope/telemetry.h"
#include "theme.h"

namespace gs::studio {

struct CanvasState {
    gs::ModelSpec spec;
    std::vector<gs::LayerInfo> info;  // per layer, from analyze_spec
    std::vector<LayerGroup> groups;
    bool has_model = false;
    DataView data;
    std::shared_ptr<const gs::Snapshot> snapshot;
    Theme theme = Theme::standard();
    bool show_test_points = false;
    bool show_gradients = false;
    int selected_layer = -1;  // spec index
    QFont font;               // the widget's font, scaled by the theme

    // Pixels per "unit": 1 in the standard theme, more in presentation mode.
    qreal scale() const { return theme.font_scale; }
    // Line widths relative to the standard theme's.
    qreal line_scale() const { return theme.line_width / 1.5; }
    // The group showing spec layer i, or -1.
    int group_of(int layer) const;
};

class CanvasView {
public:
    virtual ~CanvasView() = default;
    // Recomputes the cached images after a new snapshot, model, data or theme.
    virtual void rebuild(const CanvasState& state) = 0;
    virtual void paint(QPainter& p, const QRectF& rect, const CanvasState& state) = 0;
    // The spec index of the main layer of the column at pos (-1: none).
    int layer_at(const QPointF& pos) const;
    // Where the column of spec layer i was drawn (empty if it was not).
    QRectF layer_rect(int layer) const;
    // The full head of the column at pos (title, subtitle, detail, one a
    // line), as its tooltip shows it however much the picture shortened it;
    // "" where there is no column.
    QString tooltip_at(const QPointF& pos) const;

protected:
    struct Hit {
        QRectF rect;
        int first = 0, last = 0, main = 0;
        QString tip;  // the head in full
    };
    std::vector<Hit> m_hits;  // filled by paint()
};

// Helpers shared by the views.
QFont bold_font(const QFont& f);
QFont small_font(const QFont& f);  // 85% of f
// A line of parts joined by " · " ("Dense 1 · output", "26×26 ×32 ·
// max 3.1") in width w: whole when it fits; otherwise the last part is
// shortened ("Dense 1 · out…") while a few letters of it still show, then
// dropped, and so on; then a name's numbers go word by word ("Conv 32 3×3",
// "Conv 32", "Conv"), so the layer's name is cut only when it alone does not
// fit.
QString fit_parts(const QString& line, const QFontMetricsF& fm, qreal w);
// The lines of a column's head that are not empty, one a line (its tooltip).
QString head_tip(std::initializer_list<QString> lines);
// Draws text centred in a box of width w around (cx, top), shortened to fit
// with fit_parts.
void draw_centered(QPainter& p, const QString& text, qreal cx, qreal top, qreal w, const QColor& color,
                   const QFont& font);
// The canvas with no network to draw: a hint in the middle.
void draw_no_network(QPainter& p, const QRectF& rect, const CanvasState& state);
// A highlight behind the selected column.
void draw_selection(QPainter& p, const QRectF& r, const Theme& theme, qreal scale);
// "step 1,234" right-aligned in rect's bottom line.
void draw_step(QPainter& p, const QRectF& rect, const CanvasState& s);

}  // namespace gs::studio
