// The dataset panel: choose the data a model trains on (a built-in 2-D set
// with its size, noise and split; Fashion-MNIST when Debian's package is
// installed; IDX, CIFAR-10, CSV or an image folder from disk), see what it
// holds (its classes in the order the model numbers them), and pick the
// probe sample for the feature-map views: by clicking the preview, or any
// item of the split by number, page by page. Loading errors show here, in
// words.
#pragma once

#include <QTimer>
#include <QWidget>

#include "bridge/data_view.h"
#include "gradscope/spec.h"
#include "theme.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace gs::studio {

class DatasetPreview;

class DatasetPanel : public QWidget {
    Q_OBJECT

public:
    explicit DatasetPanel(QWidget* parent = nullptr);

    void set_data_spec(const DataSpec& data);  // does not emit dataSpecChanged
    DataSpec data_spec() const;
    // What the open data holds ("1,600 training · 400 test · 2 classes"), or
    // a loading error (shown in the error colour).
    void set_status(const QString& text, bool error = false);
    QString status() const;
    bool status_is_error() const { return m_error; }
    // The open data: its description as the status, and the preview.
    void set_data(const DataView& data);
    void set_theme(const Theme& theme);
    DatasetPreview* preview() const { return m_preview; }

    // The sources the combo offers, as DataSpec names ("spiral", ..., "fashion-mnist", "idx", ...).
    QStringList sources() const;
    // The probe item's number box and the preview's page buttons (for tests).
    QSpinBox* probe_box() const { return m_probe; }
    void next_page();
    void previous_page();

    // "3 classes: ant, bee, cat": the classes in the order the model
    // numbers its outputs (at most `shown` names, then "and N more").
    static QString class_order_text(const QStringList& names, int shown = 12);

signals:
    void dataSpecChanged();
    void probeChosen(int item);

private:
    void source_changed();
    void browse();
    void update_fields();
    void emit_if_changed();  // dataSpecChanged() only for a real change
    void choose_probe();     // the number typed in the probe box

    QComboBox* m_source;
    QSpinBox* m_samples;
    QDoubleSpinBox* m_noise;
    QSpinBox* m_test_percent;
    QSpinBox* m_validation_percent;
    QLineEdit* m_path;
    QPushButton* m_browse;
    QLabel* m_path_label;
    QLabel* m_status;
    QLabel* m_probe_label;
    QWidget* m_probe_row;
    QCheckBox* m_by_map;
    QSpinBox* m_probe;
    QPushButton* m_prev_page;
    QPushButton* m_next_page;
    DatasetPreview* m_preview;
    DataSpec m_spec;  // fields the panel does not show are kept as given
    DataSpec m_applied;  // what was last set or announced
    QTimer m_settle;
    bool m_error = false;
    bool m_updating = false;
    Theme m_theme = Theme::standard();
};

}  // namespace gs::studio
