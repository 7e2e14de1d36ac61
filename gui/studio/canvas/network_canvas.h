// NetworkCanvas: the picture of the network in the middle of the studio.
// Dense networks are drawn as TensorFlow Playground draws them (neurons,
// connections by weight or gradient, neuron heatmaps and the decision
// boundary for 2-D data); convolutional networks as the feature maps of a
// probe item. It redraws only when a new snapshot (or model, data, theme,
// size, toggle) arrives: a frame is composed once into a cached image and
// paint events copy it. While a run trains, a new snapshot's frame is
// composed on a thread of its own (set_compose_in_background): the GUI
// thread keeps showing the last frame until the new one is ready.
#pragma once

#include <QImage>
#include <QThreadPool>
#include <QWidget>
#include <memory>

#include "bridge/data_view.h"
#include "canvas_view.h"
#include "gradscope/spec.h"
#include "gradscope/telemetry.h"
#include "theme.h"

namespace gs::studio {

class DenseView;
class ConvView;
class FeatureMapDialog;

class NetworkCanvas : public QWidget {
    Q_OBJECT
public:
    explicit NetworkCanvas(QWidget* parent = nullptr);
    ~NetworkCanvas() override;

    // The network to draw. A spec that does not validate draws the layers
    // before the first bad one, that layer as a red column with the problem
    // in words and the layers after it greyed; a problem of the whole network
    // (the loss) is a red line above the picture.
    void set_model(const gs::ModelSpec& spec);
    // Why the window cannot train, when the network alone does not show it
    // (the editor's problem in the light of the data: 3 classes under a
    // 1-unit output; or the data's load error): the red line above the
    // picture says this instead of the engine's generic advice. A layer's
    // own problem keeps its red column. "" clears it.
    void set_cannot_train(const QString& why);
    // The data: 2-D points for the output panel, class names, the probe split.
    void set_data(const DataView& data);
    // A new snapshot (the same one again is ignored). Null clears the values.
    void update_snapshot(std::shared_ptr<const gs::Snapshot> snapshot);
    void set_show_test_points(bool show);
    bool show_test_points() const { return m_state.show_test_points; }
    // Connections coloured by the last step's gradient instead of the weight.
    void set_show_gradients(bool show);
    bool show_gradients() const { return m_state.show_gradients; }
    void set_theme(const Theme& theme);
    // Highlights the column showing spec layer `layer` (-1: none).
    void select_layer(int layer);
    int selected_layer() const { return m_state.selected_layer; }
    // Forgets the snapshot (after a reset); the model and data stay.
    void clear();
    // Writes the picture at the widget's size (1200 x 720 when it has none
    // yet). False (and why in error()) when the file cannot be written.
    bool save_png(const QString& path);
    QString error() const { return m_error; }
    // The picture at a given size.
    QImage render_image(const QSize& size);

    // For tests and measurements.
    bool is_convolutional() const { return m_conv_mode; }
    long snapshot_step() const { return m_state.snapshot ? m_state.snapshot->step : -1; }
    int neuron_heatmaps() const;            // dense view: neuron slots drawn
    int neuron_heatmaps_with_data() const;  // ... that hold a heatmap
    bool decision_boundary_drawn() const;
    // 1-input regression: the fitted curve drawn over the data, and how many
    // training points were drawn with it (in the last frame or image).
    bool fitted_curve_drawn() const;
    int points_drawn() const;
    // Dense view: the colour and normalized value of the connection from
    // input `input` to unit `unit` of Dense layer `layer` (spec index).
    QColor connection_color(int layer, int unit, int input) const;
    float connection_value(int layer, int unit, int input) const;
    // Dense view: where unit `unit` of spec layer `layer`'s column (-1: the
    // input) is, in widget coordinates.
    QRectF neuron_rect(int layer, int unit) const;
    // Conv view: (spec index, feature maps with data) per column of maps.
    std::vector<std::pair<int, int>> feature_maps_shown() const;
    bool has_probe_image() const;
    int output_bars() const;
    // Conv view, in the widget's frame: the smallest feature map's side, the
    // height of a class row, and where layer `layer`'s "+N more" is.
    qreal feature_map_side() const;
    qreal output_row_height() const;
    QRect more_rect(int layer) const;
    // Opens (or refreshes) the dialog with every feature map of the column of
    // spec layer `layer`, map `channel` shown large (-1: none). A click on a
    // column's "+N more" or on a map does this.
    void open_feature_maps(int layer, int channel = -1);
    FeatureMapDialog* feature_map_dialog() const { return m_maps_dialog; }
    // Where spec layer `layer`'s column is, in widget coordinates (for the
    // bad layer and those after it: the red column).
    QRect layer_rect(int layer) const;
    // The first layer that does not validate, drawn as the red column (-1: none).
    int problem_layer() const { return m_bad_layer; }
    // The tooltip at pos: the full head of the column there ("" for none).
    QString tooltip_at(const QPoint& pos) const;
    QString problem_text() const { return m_problem.isEmpty() ? issue_line() : m_problem; }
    double last_render_ms() const { return m_render_ms; }
    int renders() const { return m_renders; }

    // On: a frame that only a new snapshot made out of date is composed on
    // another thread (a copy of the state and of the view, whose click
    // areas come back with the picture), and the last frame is shown until
    // it is ready; everything else (a resize, a click, the theme, the
    // accessors above) still composes at once. The window turns it on
    // while its run trains: a snapshot comes ten times a second, and
    // composing the spiral's 88 connections took 6-9 ms of a frame.
    void set_compose_in_background(bool on) { m_background = on; }
    bool composing_in_background() const { return m_job_running; }

signals:
    // The user clicked the column of a layer (its spec index).
    void layerSelected(int layer);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void changeEvent(QEvent* event) override;
    bool event(QEvent* event) override;  // a column's full head as its tooltip

private:
    CanvasView* view() const;
    void rebuild();     // the views' images, then a new frame
    void invalidate();  // a new frame at the next paint
    void compose(QImage& target, const QSize& size);
    void ensure_frame() const;  // composes the widget's frame if it is out of date
    void mark_dirty();          // the frame is out of date (m_dirty, a new generation)
    struct Job;
    void start_job();              // the frame, on m_pool
    void adopt(const std::shared_ptr<Job>& job);  // a finished job's frame and view, if still current
    void update_font();
    void paint_bad_column(QPainter& p, const QRectF& strip);
    void refresh_feature_maps();  // the open dialog, from the current snapshot

    CanvasState m_state;
    std::unique_ptr<DenseView> m_dense;
    std::unique_ptr<ConvView> m_conv;
    bool m_conv_mode = false;
    gs::ModelSpec m_full_spec;  // as given; m_state.spec holds the layers drawn
    bool m_valid = false;       // the spec validates: snapshots are its values
    int m_bad_layer = -1;       // the first layer that does not validate
    QRectF m_bad_rect;          // its red column, as last drawn
    QString m_problem;          // that layer's problem, or why nothing is drawn, in words
    QString m_issue_line;       // a problem of the whole network, above a valid picture
    QString m_cannot_train;     // the window's word for it (set_cannot_train), if any
    QString issue_line() const { return m_cannot_train.isEmpty() ? m_issue_line : m_cannot_train; }
    QString m_error;
    FeatureMapDialog* m_maps_dialog = nullptr;  // a child, made on first use
    QImage m_frame;
    bool m_dirty = true;
    bool m_snapshot_only = false;  // dirty only because a new snapshot arrived
    quint64 m_generation = 0;      // counts mark_dirty(): a job's frame is current if it matches
    bool m_background = false;
    bool m_job_running = false;
    QThreadPool m_pool;  // one thread: the background composer
    double m_render_ms = 0;
    int m_renders = 0;
};

}  // namespace gs::studio
