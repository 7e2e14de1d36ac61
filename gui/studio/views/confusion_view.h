// ConfusionView: the confusion matrix of the last validation pass (rows:
// the true class, columns: the predicted one), as counts or row-normalized;
// clicking a cell lists exactly that cell's items in a gallery (from the
// snapshot's per-item outcomes, the same pass as the matrix), with what the
// network predicted and how sure it was; clicking an item there makes it
// the probe. The explanation in words is core's (explanations.h), shared
// with the monitor.
#pragma once

#include <QWidget>
#include <memory>

#include "bridge/data_view.h"
#include "gradscope/confusion.h"
#include "theme.h"

class QCheckBox;
class QLabel;

namespace gs::studio {

class ItemGallery;

// The matrix alone: paints the cells and reports clicks.
class ConfusionMatrixWidget : public QWidget {
    Q_OBJECT

public:
    explicit ConfusionMatrixWidget(QWidget* parent = nullptr);
    void set_record(const ConfusionRecord& r);
    void set_normalized(bool on);
    void set_theme(const Theme& theme);
    void set_selected(int truth, int predicted);
    // Where cell (truth, predicted) is drawn; empty outside the matrix.
    QRect cell_rect(int truth, int predicted) const;
    // What cell (truth, predicted) says: "12" or "34%".
    QString cell_text(int truth, int predicted) const;
    QSize sizeHint() const override { return {420, 380}; }

signals:
    void cellClicked(int truth, int predicted);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;

private:
    QRectF matrix_area() const;

    ConfusionRecord m_record;
    bool m_normalized = false;
    int m_sel_truth = -1, m_sel_pred = -1;
    Theme m_theme = Theme::standard();
};

class ConfusionView : public QWidget {
    Q_OBJECT

public:
    explicit ConfusionView(QWidget* parent = nullptr);
    void set_data(const DataView& data);
    void set_snapshot(std::shared_ptr<const Snapshot> snapshot);
    void set_theme(const Theme& theme);
    void clear();

    void set_normalized(bool on);
    bool normalized() const;
    // Selects a cell and lists its items (as a click does).
    void select_cell(int truth, int predicted);
    int selected_truth() const { return m_truth; }
    int selected_predicted() const { return m_pred; }

    const ConfusionRecord& record() const { return m_record; }
    ConfusionMatrixWidget* matrix() const { return m_matrix; }
    ItemGallery* gallery() const { return m_gallery; }
    QString summary() const;      // the sentence about the data in hand
    QString explanation() const;  // what it shows, how to read it, what to do

signals:
    // An item of the gallery was clicked: make it the probe.
    void itemChosen(int item);

private:
    void fill_gallery();

    DataView m_data;
    std::shared_ptr<const Snapshot> m_snapshot;
    ConfusionRecord m_record;
    long m_gallery_step = -2;  // the confusion_step the gallery lists
    int m_truth = -1, m_pred = -1;
    QCheckBox* m_normalize;
    QLabel* m_summary;
    QLabel* m_explanation;
    ConfusionMatrixWidget* m_matrix;
    ItemGallery* m_gallery;
};

}  // namespace gs::studio
