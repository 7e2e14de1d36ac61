// StepThroughPanel: the step-through view with its controls — "Trace a
// step" (the next training step, traced by the engine), Back and Next, Play
// (animate at a speed in phases per second), and which example to follow
// (one of the batch, or the batch mean). It reads the traces the
// ClassroomService takes; the studio shows it in a dock.
#pragma once

#include <QWidget>

#include "theme.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;

namespace gs::studio {

class ClassroomService;
class StepThroughView;

class StepThroughPanel : public QWidget {
    Q_OBJECT
public:
    explicit StepThroughPanel(ClassroomService* classroom, QWidget* parent = nullptr);

    StepThroughView* view() const { return m_view; }
    // Takes the next step traced (the button); false with the reason shown.
    bool trace_step();
    void set_input_names(const QStringList& names);
    void set_theme(const Theme& theme);
    QString status_text() const;

private:
    void trace_arrived();
    void update_controls();

    ClassroomService* m_classroom;
    StepThroughView* m_view;
    QPushButton *m_trace, *m_back, *m_next, *m_play;
    QComboBox* m_item;
    QDoubleSpinBox* m_speed;
    QLabel* m_status;
};

}  // namespace gs::studio
