// TrainingPlot: loss (top) and accuracy (bottom) over training steps, sharing
// the step axis. Training is drawn per step (the raw points faint, an
// exponentially smoothed line on top, and the min..max band of decimated
// history), validation per epoch (line and markers); vertical markers show
// where a hyperparameter changed or a breakpoint hit. Hovering reads out
// every curve at the cursor's step; the mouse pans (drag) and zooms (wheel)
// both axes, and a double click goes back to following the data. A row of
// controls sets the smoothing, the loss scale and whether validation shows.
// Compact (presentation): no controls or legend, loss and accuracy side by side.
//
// update_from() is cheap when nothing changed (it compares counts) and asks
// for at most one queued replot when something did.
#pragma once

#include <QRect>
#include <QString>
#include <QWidget>
#include <vector>

#include "gradscope/telemetry.h"
#include "plots/replot_throttle.h"
#include "theme.h"

class QCustomPlot;
class QCPAxisRect;
class QCPGraph;
class QCPAbstractItem;
class QCPItemLine;
class QCPItemText;
class QCPLayer;
class QCPLayoutElement;
class QCheckBox;
class QLabel;
class QMouseEvent;
class QSlider;
class QWheelEvent;

namespace gs::studio {

class TrainingPlot : public QWidget {
    Q_OBJECT

public:
    explicit TrainingPlot(QWidget* parent = nullptr);
    ~TrainingPlot() override;

    // Takes what is new in the store (nothing to do when its counts are the
    // same as last time). A store whose series shrank (cleared, reset) is
    // taken from scratch.
    void update_from(const gs::TelemetryStore& store);
    // The store this plot follows (the session bridge's): it must outlive
    // the plot, or be unfollowed (nullptr) first. refresh() notes what is
    // new there and takes it when the plot next replots (at most every
    // kCurvesReplotMs, and not while hidden), so a tick that brings data
    // between two replots costs a few comparisons, not a rebuild.
    void follow(const gs::TelemetryStore* store);
    void refresh();
    void clear();

    // Smoothing weight in [0, 0.999] (clamped), TensorBoard style; 0 = none.
    void set_smoothing(double w);
    double smoothing() const { return m_smoothing; }
    void set_log_scale(bool on);  // the loss axis
    bool log_scale() const { return m_log; }
    void set_show_validation(bool on);
    bool show_validation() const { return m_show_validation; }
    void set_theme(const Theme& theme);
    const Theme& theme() const { return m_theme; }
    // A strip for the projector: loss and accuracy side by side, no controls or legend.
    void set_compact(bool on);
    bool compact() const { return m_compact; }

    // The plot alone (without the controls) as a PNG, w x h pixels (0: the
    // plot's current size). False when the file cannot be written.
    bool save_png(const QString& path, int w = 0, int h = 0);
    // Every series shown, one row per step with a header row:
    // step,epoch,train_loss,train_loss_min,train_loss_max,train_loss_smoothed,
    // train_accuracy,train_accuracy_smoothed,validation_loss,validation_accuracy,steps
    // (a decimated row stands for `steps` raw steps: mean, min and max;
    // validation cells are filled at the steps an epoch ended; accuracies are
    // fractions; empty cells where a value does not exist). Written atomically.
    bool save_csv(const QString& path) const;

    // For tests and the main window.
    QCustomPlot* plot() const { return m_plot; }
    QCPAxisRect* loss_rect() const { return m_loss_rect; }  // other runs draw here (run_overlay.h)
    QCPAxisRect* accuracy_rect() const { return m_acc_rect; }
    int train_point_count() const;           // loss points drawn (raw / decimated)
    int smoothed_point_count() const;
    int validation_point_count() const;      // validation loss points
    int accuracy_point_count() const;        // train accuracy points
    int validation_accuracy_point_count() const;
    int marker_count() const { return current(), static_cast<int>(m_marker_data.size()); }
    long takes() const { return m_takes; }  // times new data was taken (tests: fewer than refresh() calls)
    QStringList marker_labels() const;  // on the plot: "learning rate 0.05"
    QStringList marker_texts() const;   // in the read-out: "learning rate changed to 0.05"
    bool accuracy_visible() const { return current(), m_acc_shown; }
    bool loss_axis_is_log() const;           // what the axis really is
    double last_smoothed_loss() const;       // NaN when empty
    double last_smoothed_accuracy() const;   // fraction; NaN when none
    bool auto_range() const { return m_auto_range; }
    QString readout() const { return m_readout; }  // the hover read-out text
    QRect readout_rect() const;  // where the read-out box is drawn (plot pixels; empty when hidden)
    // The hover read-out for a step, as moving the mouse there shows it; the
    // box goes beside the cursor at height y (plot pixels; -1: mid-plot).
    void show_readout_at(double step, int y = -1);
    void hide_readout();

signals:
    void smoothingChanged(double w);
    void logScaleChanged(bool on);

private:
    struct Marker {
        double step;
        QString label;  // short, on the plot
        QString text;   // in words, in the read-out
        bool breakpoint;
    };
    static Marker marker_for(const gs::EventRecord& e);  // label "" for events that are not marked
    void build_controls();
    void arrange();  // the layout for m_compact and m_acc_shown
    void rebuild_train();     // graphs from m_loss_pts / m_acc_pts and the smoothing
    // What changed in the store since it was last taken; take() takes it
    // (true when anything was new). take_followed(): the followed store's,
    // if refresh() noted news.
    bool changed(const gs::TelemetryStore& store) const;
    bool take(const gs::TelemetryStore& store);
    void take_followed();
    // What the accessors answer from: the followed store's latest, taken now
    // if refresh() noted news that the next replot would take.
    const TrainingPlot& current() const;
    void rebuild_validation(const gs::TelemetryStore& store);
    void draw_validation();  // the graphs from m_val (decimated when long)
    // The epochs' validation points after the first m_val_epochs already in
    // m_val, appended (the common case: training went on).
    void append_validation(const gs::TelemetryStore& store);
    void rebuild_markers(const gs::TelemetryStore& store);
    void place_markers();     // items for m_marker_data
    void position_marker_labels();
    void set_accuracy_shown(bool shown);
    void apply_graph_styles();
    void autorange();
    void request_replot();
    ReplotThrottle* m_throttle = nullptr;  // the data's replots, about 10 Hz
    void on_mouse_move(QMouseEvent* e);
    void on_user_range();
    void on_double_click();
    void update_hint();
    bool eventFilter(QObject* watched, QEvent* event) override;

    QCustomPlot* m_plot = nullptr;
    QCPAxisRect* m_loss_rect = nullptr;
    QCPAxisRect* m_acc_rect = nullptr;
    QCPLayoutElement* m_legend_row = nullptr;
    // Loss: band (min, max), raw, smoothed, validation; the same for accuracy.
    QCPGraph *m_loss_min = nullptr, *m_loss_max = nullptr, *m_loss_raw = nullptr,
             *m_loss_smooth = nullptr, *m_loss_val = nullptr;
    QCPGraph *m_acc_min = nullptr, *m_acc_max = nullptr, *m_acc_raw = nullptr,
             *m_acc_smooth = nullptr, *m_acc_val = nullptr;
    std::vector<QCPAbstractItem*> m_markers;  // lines and labels
    std::vector<Marker> m_marker_data;
    // The hover read-out: a line through each plot and a text box, on a
    // buffered layer of their own so moving the mouse redraws only them.
    QCPLayer* m_cursor_layer = nullptr;
    QCPItemLine *m_cursor_loss = nullptr, *m_cursor_acc = nullptr;
    QCPItemText* m_readout_box = nullptr;
    QString m_readout;
    QSlider* m_slider = nullptr;
    QLabel* m_smooth_label = nullptr;
    QCheckBox* m_log_box = nullptr;
    QCheckBox* m_val_box = nullptr;
    QLabel* m_note = nullptr;  // "no accuracy for regression"
    QLabel* m_hint = nullptr;  // how to pan and zoom; that following stopped

    Theme m_theme = Theme::standard();
    double m_smoothing = 0.6;
    bool m_log = false;
    bool m_show_validation = true;
    bool m_acc_shown = true;
    bool m_auto_range = true;
    bool m_compact = false;
    // What the store looked like last time (to skip unchanged updates).
    struct Seen {
        size_t loss = 0, acc = 0, epochs = 0, events = 0;
        long epoch_step = -1, event_step = -1;
        static Seen of(const gs::TelemetryStore& store);
        bool operator==(const Seen&) const = default;
    };
    Seen m_seen;
    std::vector<gs::SeriesPoint> m_loss_pts, m_acc_pts;
    std::vector<double> m_loss_smoothed, m_acc_smoothed;
    struct ValPoint {
        double step;
        int epoch;  // 0 for a validation between epochs
        double loss, accuracy;  // accuracy < 0: none
    };
    std::vector<ValPoint> m_val;
    // How many of the store's epochs m_val has taken (from its front, whose
    // step is m_val_front_step, to the one at m_val_last_epoch_step, in the
    // store's run m_val_run: a rewind starts another), when it holds nothing
    // else; -1: validations between epochs too, so the next change rebuilds
    // it all.
    long m_val_epochs = 0;
    long m_val_front_step = -1, m_val_last_epoch_step = -1;
    uint32_t m_val_run = 0;
    const gs::TelemetryStore* m_followed = nullptr;
    bool m_follow_pending = false;  // refresh() saw news not yet taken
    long m_takes = 0;
};

}  // namespace gs::studio
