// LayerInspector: the selected layer's details for the right dock: its type
// and parameters (from the spec), input and output shapes and parameter
// count, and its latest statistics from the session (gs::LayerStats: weight
// and gradient norms, mean and max |grad|, update ratio, activation mean and
// spread, dead or saturated units in words) with histograms of its weights,
// gradients and activations. update_stats is cheap to call on every bridge
// tick: it redraws only when the shown layer's statistics changed step.
#pragma once

#include <QString>
#include <QWidget>
#include <map>
#include <vector>

#include "gradscope/spec.h"
#include "gradscope/telemetry.h"
#include "theme.h"

class QFormLayout;
class QLabel;

namespace gs::studio {

class HistogramPlot;

class LayerInspector : public QWidget {
    Q_OBJECT
public:
    explicit LayerInspector(QWidget* parent = nullptr);

    // The model whose layers are shown (validated here for shapes and
    // counts). Forgets statistics from an earlier model.
    void set_model(const gs::ModelSpec& spec);
    // Shows layer index (0-based, as in the spec); -1 or out of range: none.
    // The index is remembered: a model set afterwards that has the layer
    // shows it (an insert selects the new row before the new model arrives).
    void show_layer(int index);
    int layer() const { return m_layer; }
    // The latest statistics, index = layer; an entry with step 0 means none yet.
    void update_stats(const std::vector<gs::LayerStats>& stats);
    void set_theme(const Theme& theme);
    // Nothing to show (no model).
    void clear();

    // For tests. Keys of stat_text: weight_norm, grad_norm, grad_mean_abs,
    // grad_max_abs, update_ratio, activations, dead, saturated ("" when hidden).
    QString title_text() const;
    QString details_text() const;  // parameters, shapes and count
    QString status_text() const;   // "Statistics at step 120" or why there are none
    QString stat_text(const QString& key) const;
    HistogramPlot* weights_plot() const { return m_hist[0]; }
    HistogramPlot* grads_plot() const { return m_hist[1]; }
    HistogramPlot* acts_plot() const { return m_hist[2]; }
    long shown_step() const { return m_shown_step; }
    int redraws() const { return m_redraws; }  // stat redraws so far

private:
    void show_details();
    void show_stats();
    void set_stat(const QString& key, const QString& text);

    gs::ModelSpec m_spec;
    std::vector<gs::LayerInfo> m_info;
    std::vector<gs::LayerStats> m_stats;
    int m_layer = -1;
    int m_wanted = -1;  // the layer last asked for by show_layer
    long m_shown_step = -1;
    int m_redraws = 0;
    Theme m_theme;
    double m_base_point_size = 0;

    QLabel* m_title;
    QLabel* m_params;
    QLabel* m_shapes;
    QLabel* m_status;
    QWidget* m_stats_box;
    QFormLayout* m_form;
    std::map<QString, QLabel*> m_values;
    HistogramPlot* m_hist[3];
};

}  // namespace gs::studio
