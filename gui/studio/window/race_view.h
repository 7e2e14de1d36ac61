// RaceView: the runs of a race side by side, a canvas per run in a grid
// (2 x 1, 2 x 2), each under a title in the run's colour with its name,
// step and loss, so a class watches them diverge. Fed by RunFamily's
// snapshots of each racer.
#pragma once

#include <QWidget>
#include <cstdint>
#include <memory>
#include <vector>

#include "bridge/data_view.h"
#include "gradscope/spec.h"
#include "theme.h"

class QGridLayout;
class QLabel;

namespace gs::studio {

class NetworkCanvas;
class RunFamily;

class RaceView : public QWidget {
    Q_OBJECT

public:
    explicit RaceView(RunFamily* family, QWidget* parent = nullptr);

    // The runs to show (2 to 4), for this model and data.
    void set_runs(const std::vector<uint32_t>& ids, const ModelSpec& spec, std::shared_ptr<const DataView> data);
    void clear();
    void update_run(uint32_t id);  // a newer snapshot or steps
    void set_theme(const Theme& theme);

    // For tests.
    int canvas_count() const { return static_cast<int>(m_cells.size()); }
    NetworkCanvas* canvas(int i) const { return m_cells[static_cast<size_t>(i)].canvas; }
    QString title(int i) const;
    uint32_t run(int i) const { return m_cells[static_cast<size_t>(i)].id; }

signals:
    void closeRequested();  // "Back to one network": the main canvas again

private:
    struct Cell {
        uint32_t id = 0;
        QWidget* box = nullptr;
        QLabel* title = nullptr;
        NetworkCanvas* canvas = nullptr;
    };
    RunFamily* m_family;
    QGridLayout* m_grid;
    QLabel* m_empty;
    std::vector<Cell> m_cells;
    Theme m_theme = Theme::standard();
};

}  // namespace gs::studio
