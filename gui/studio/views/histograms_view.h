// HistogramsView: one layer's weights, gradients or activations over the
// run, from the statistics samples the session publishes on its budget
// (kept, bounded, in a HistogramHistory). Two ways to look, as TensorBoard
// has them: percentile bands over steps (min to max, ±1.5, ±1, ±0.5 sigma
// around the median), or stacked histograms (one curve per sample, the
// oldest at the back). The explanation in words is core's.
#pragma once

#include <QWidget>

#include "gradscope/spec.h"
#include "theme.h"
#include "views/histogram_history.h"

class QComboBox;
class QLabel;

namespace gs::studio {

// The plot alone (bands or stacked), drawn from the history.
class HistogramsPlot : public QWidget {
    Q_OBJECT

public:
    explicit HistogramsPlot(const HistogramHistory* history, QWidget* parent = nullptr);
    void show_series(int layer, HistogramKind kind, bool stacked);
    void set_theme(const Theme& theme);
    // The samples drawn as stacked curves (at most kMaxCurves, evenly picked).
    int curves_drawn() const;
    // The value range the bands plot spans (lowest minimum, highest maximum).
    std::pair<float, float> value_range() const;
    QSize sizeHint() const override { return {520, 320}; }

    static constexpr int kMaxCurves = 40;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    void paint_bands(QPainter& p, const QRectF& area) const;
    void paint_stacked(QPainter& p, const QRectF& area) const;

    const HistogramHistory* m_history;
    int m_layer = -1;
    HistogramKind m_kind = HistogramKind::Weights;
    bool m_stacked = false;
    Theme m_theme = Theme::standard();
};

class HistogramsView : public QWidget {
    Q_OBJECT

public:
    static constexpr size_t kHistoryCapacity = 256;  // samples a layer and kind

    explicit HistogramsView(QWidget* parent = nullptr);
    // The layers to offer (their names); the history starts over.
    void set_spec(const ModelSpec& spec);
    // New statistics (the store's layers() after a drain).
    void add(const std::vector<LayerStats>& layers);
    // The history kept so far elsewhere (a view built late shows the run so far).
    void set_history(HistogramHistory history);
    void clear();
    void set_theme(const Theme& theme);

    void select(int layer, HistogramKind kind, bool stacked);
    int layer() const;
    HistogramKind kind() const;
    bool stacked() const;
    const HistogramHistory& history() const { return m_history; }
    HistogramsPlot* plot() const { return m_plot; }
    QString explanation() const;

private:
    void changed();

    HistogramHistory m_history;
    QComboBox* m_layer;
    QComboBox* m_kind;
    QComboBox* m_mode;
    QLabel* m_note;
    QLabel* m_explanation;
    HistogramsPlot* m_plot;
};

}  // namespace gs::studio
