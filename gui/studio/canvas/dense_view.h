// The dense network picture, TensorFlow Playground style: a column of
// neurons per layer group, connections coloured and sized by weight (or
// gradient), every neuron a small heatmap of its output over the input
// plane for 2-D data, and a large output panel with the decision boundary
// and the data points; for 1-input regression, the data and the fitted
// curve. A short canvas draws fewer neurons per column ("+N more") rather
// than neurons too small to see.
#pragma once

#include <QImage>
#include <QString>
#include <vector>

#include "canvas_view.h"

namespace gs::studio {

class DenseView : public CanvasView {
public:
    // Columns with more units than this show the first ones and "+N more".
    static constexpr int kMaxShown = 16;
    // Inputs with more features than this collapse into one node.
    static constexpr int kMaxInputs = 16;

    void rebuild(const CanvasState& state) override;
    void paint(QPainter& p, const QRectF& rect, const CanvasState& state) override;

    // How many neuron heatmaps the picture has slots for, and how many of
    // them hold data from the snapshot.
    int neuron_heatmaps() const;
    int neuron_heatmaps_with_data() const;
    bool decision_boundary_drawn() const { return !m_output.isNull(); }
    // 1-input regression: the fitted curve, and the training points drawn with it.
    bool fitted_curve_drawn() const { return !m_curve.empty(); }
    int points_drawn() const { return m_points_drawn; }
    // The colour of the connection from input `input` to unit `unit` of
    // spec layer `layer` (a Dense layer), as last drawn; invalid if none.
    QColor connection_color(int layer, int unit, int input) const;
    // Its normalized value in [-1, 1] (weight or gradient / the layer's max).
    float connection_value(int layer, int unit, int input) const;
    // Where unit `unit` of the column showing spec layer `layer` (-1: the
    // input) was drawn; empty if it was not.
    QRectF neuron_rect(int layer, int unit) const;
    // The colour a connection of normalized value t is drawn in.
    QColor connection_pen(float t) const;

private:
    struct Column {
        QString title, subtitle;
        int first = -1, last = -1, main = -1, shown_layer = -1;  // -1: the input
        int units = 0;
        int shown = 0;           // nodes drawn
        bool collapsed = false;  // one node for many inputs
        std::vector<QImage> heat;  // per shown node: its output over the plane
        std::vector<QRgb> flat;    // per shown node, without a plane: the probe's value
        QImage picture;            // a collapsed image input: the probe item
        // Connections from the previous column: shown x shown-before values
        // in [-1, 1] (a collapsed source: one per unit), and the layer's max.
        std::vector<float> conn;
        int conn_sources = 0;
        bool has_conn = false;
        float conn_max = 0;
        QStringList labels;  // beside the nodes (input names, class names)
    };
    void build_columns(const CanvasState& s);
    void build_connections(const CanvasState& s);
    void build_output(const CanvasState& s);
    void paint_points(QPainter& p, const QRectF& panel, const CanvasState& s) const;
    void paint_legends(QPainter& p, const QRectF& row, const CanvasState& s) const;
    void build_curve(const CanvasState& s);  // dense_curve.cpp
    void paint_curve_panel(QPainter& p, const QRectF& panel, const CanvasState& s);
    bool has_output_panel() const { return !m_output.isNull() || !m_curve.empty(); }

    std::vector<Column> m_cols;  // the input first
    std::vector<std::vector<QRectF>> m_node_rects;  // per column, as last painted
    ColorRamp m_ramp = ColorRamp::diverging(Theme::standard());
    QRgb m_background = qRgb(255, 255, 255);
    bool m_panel = false;        // the last column is drawn as the output panel
    QImage m_output;             // the decision boundary (null: none)
    LegendSpec m_output_legend;
    bool m_output_categorical = false;
    float m_target_scale = 0;  // regression: the value drawn at full colour
    QString m_neuron_lo, m_neuron_hi, m_neuron_what;
    float m_lo[2] = {0, 0}, m_hi[2] = {0, 0};  // the plane; 1-D: x range, then the value range
    std::vector<float> m_curve;  // 1-input regression: the model's output along x
    int m_points_drawn = 0;
};

}  // namespace gs::studio
