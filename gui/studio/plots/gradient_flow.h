// GradientFlowView: how the gradient flows back through the layers. Top: per
// layer with weights, bars of mean |grad| and max |grad| on a log scale,
// labelled with the layer names ("1 Dense", "3 Conv2D"); a layer whose
// gradients vanish or explode has its bars in the warning / error colour and
// a label over them. Bottom: each such layer's update-to-weight ratio over
// the steps (log scale, one line per layer) over a faint band of the healthy
// range around 1e-3. Below both, in a box that never takes the plots' room:
// first a verdict on the run (the learning rate too high, converged), then
// one line per problem found (gradient_health.h) and what to try, each
// piece of advice once; everything in full in the tooltip. Clicking a
// layer's bars emits layerClicked(spec index); select_layer() highlights it.
// Statistics of another network (after an edit changed the layers) are
// dropped, never drawn under the new layers' names.
#pragma once

#include <QString>
#include <QStringList>
#include <QWidget>
#include <vector>

#include "gradscope/spec.h"
#include "gradscope/telemetry.h"
#include "plots/gradient_health.h"
#include "plots/replot_throttle.h"
#include "theme.h"

class QCustomPlot;
class QCPAxisRect;
class QCPBars;
class QCPGraph;
class QCPItemRect;
class QCPItemText;
class QCPAbstractItem;
class QCPLegend;
class QLabel;
class QMouseEvent;
class QScrollArea;

namespace gs::studio {

class GradientFlowView : public QWidget {
    Q_OBJECT

public:
    explicit GradientFlowView(QWidget* parent = nullptr);
    ~GradientFlowView() override;

    // The network whose layers the bars stand for (names, which have weights),
    // and its optimizer (adaptive ones make the update ratio meaningless).
    // Other layers than before drop the statistics.
    void set_model(const gs::ModelSpec& spec);
    // The optimizer changed while the run goes on ("sgd", "adam", ...).
    void set_optimizer(const QString& type);
    // Takes the newest layer statistics and update-ratio series; nothing to do
    // when the store holds nothing newer than last time.
    void update_from(const gs::TelemetryStore& store);
    void clear();
    // Highlights a layer (spec index; -1: none). Layers without weights have
    // no bars and show no highlight.
    void select_layer(int layer);
    int selected_layer() const { return m_selected; }
    void set_theme(const Theme& theme);

    // The plots alone as a PNG, w x h pixels (0: the current size).
    bool save_png(const QString& path, int w = 0, int h = 0);
    // One row per layer with weights and step of its update-ratio series:
    // layer,name,step,update_ratio,grad_norm,mean_abs_grad,max_abs_grad,
    // weight_norm,status,diagnosis; the bar values, status and diagnosis
    // are filled on each layer's newest row (layer is the 1-based number the
    // names use). Written atomically.
    bool save_csv(const QString& path) const;

    // For tests and the main window.
    QCustomPlot* plot() const { return m_plot; }
    QCPAxisRect* bars_rect() const { return m_bars_rect; }
    QCPAxisRect* ratio_rect() const { return m_ratio_rect; }
    std::vector<int> bar_layers() const { return m_bar_layers; }  // spec index per bar slot
    std::vector<double> mean_bar_values() const;  // per slot, as in LayerStats (NaN: none yet)
    std::vector<double> max_bar_values() const;
    // The x coordinate of a layer's slot on the bars' axis (NaN: no bars).
    double bar_key(int layer) const;
    // The bars' centres, for clicking: mean bar left of the slot, max right.
    static constexpr double kBarOffset = 0.19;
    std::vector<LayerDiagnosis> diagnoses() const { return m_diag; }
    QStringList problem_texts() const;   // the lines shown under the plots
    QStringList slot_labels() const;     // the labels over flagged bars
    int ratio_line_count() const;        // update-ratio lines with data
    QString summary_text() const;        // what the text under the plots says
    QWidget* text_box() const;           // the box holding it, under the plots
    RunVerdict run_verdict() const { return m_verdict; }

signals:
    void layerClicked(int layer);

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    std::vector<int> weighted_layers() const;  // from the stats, else the spec
    void rebuild_slots();    // bar slots, tick labels and ratio lines
    void rebuild_bars();     // values, colours, labels and the text below
    void rebuild_words(bool any_stats);  // the text below (gradient_flow_words.cpp)
    void fit_text_box();     // its height: at most a share of the view
    void arrange_for_height();  // compact plots in a short view
    void fit_legends();         // legend entries a row: whole ones, more rows when narrow
    void forget_statistics();
    void rebuild_ratios(const gs::TelemetryStore& store);
    void autorange();
    void apply_styles();
    void place_selection();
    void request_replot();
    ReplotThrottle* m_throttle = nullptr;  // the statistics' replots, a few a second
    void on_mouse_press(QMouseEvent* e);

    QCustomPlot* m_plot = nullptr;
    QCPAxisRect* m_bars_rect = nullptr;
    QCPAxisRect* m_ratio_rect = nullptr;
    QCPLegend* m_ratio_legend = nullptr;
    std::vector<QString> m_ratio_names;  // "1 Conv2D" per line; a short view's legend says "1"
    // Bars by status: [0] normal, [1] warning, [2] error; mean and max.
    QCPBars* m_mean[3] = {};
    QCPBars* m_max[3] = {};
    std::vector<QCPGraph*> m_ratio_graphs;  // per slot
    std::vector<QCPAbstractItem*> m_labels;  // over flagged bars
    QCPItemRect* m_band = nullptr;
    QCPItemText* m_band_label = nullptr;
    QCPItemRect* m_selection = nullptr;
    QCPItemText* m_empty = nullptr;  // "no statistics yet"
    QLabel* m_text = nullptr;
    QScrollArea* m_text_box = nullptr;
    bool m_compact = false;

    Theme m_theme = Theme::standard();
    gs::ModelSpec m_spec;
    bool m_has_spec = false;
    std::vector<int> m_bar_layers;
    std::vector<gs::LayerStats> m_stats;
    std::vector<LayerDiagnosis> m_diag;
    RunContext m_ctx;
    RunVerdict m_verdict;
    std::vector<double> m_first_norm;  // per layer: its first weight norm this run
    std::vector<std::vector<gs::SeriesPoint>> m_ratio_pts, m_norm_pts;  // per slot
    int m_selected = -1;
    long m_last_step = 0;  // the newest step trained, where the ratio axis ends
    // What the store looked like last time.
    size_t m_seen_layers = 0, m_seen_ratio = 0;
    long m_seen_step = -1;
};

}  // namespace gs::studio
