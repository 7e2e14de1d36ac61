// MistakesView: the most confidently misclassified items of the last
// validation pass, most confident first (the item, its label, what the
// network said and with what probability). Clicking one makes it the probe:
// the canvas then shows what every layer makes of it.
#pragma once

#include <QWidget>
#include <memory>

#include "bridge/data_view.h"
#include "gradscope/telemetry.h"
#include "theme.h"

class QLabel;

namespace gs::studio {

class ItemGallery;

class MistakesView : public QWidget {
    Q_OBJECT

public:
    explicit MistakesView(QWidget* parent = nullptr);
    void set_data(const DataView& data);
    void set_snapshot(std::shared_ptr<const Snapshot> snapshot);
    void set_theme(const Theme& theme);
    void clear();
    ItemGallery* gallery() const { return m_gallery; }
    QString explanation() const;
    // The item chosen last (-1: none), outlined until another is chosen.
    int chosen() const { return m_chosen; }

signals:
    // Make this item of the validation split the probe.
    void itemChosen(int item);

private:
    DataView m_data;
    long m_step = -2;  // the confusion_step shown
    int m_chosen = -1;
    QLabel* m_explanation;
    ItemGallery* m_gallery;
};

}  // namespace gs::studio
