// StepThroughView: one traced training step walked through phase by phase
// (step_phases.h) — the network drawn as columns of neurons with the
// numbers of the phase on them (z and a, δ, the bias's update) and its
// connections coloured and labelled by the weight, ∂L/∂w or the change of
// the update. Next/Back (buttons of StepThroughPanel, or the Right/Left
// keys), animation at a chosen speed (phases per second; Space), and a card
// with the hovered neuron's or connection's equations with the real
// numbers, for one example of the batch or the batch mean.
#pragma once

#include <QStringList>
#include <QTimer>
#include <QWidget>
#include <memory>
#include <vector>

#include "canvas/step_phases.h"
#include "gradscope/step_trace.h"
#include "theme.h"

namespace gs::studio {

class StepThroughView : public QWidget {
    Q_OBJECT
public:
    explicit StepThroughView(QWidget* parent = nullptr);

    // A new traced step: the view starts at its first phase.
    void set_trace(std::shared_ptr<const StepTrace> trace);
    std::shared_ptr<const StepTrace> trace() const { return m_trace; }
    // The example followed (its place in the batch), or kBatchMean.
    void set_item(int item);
    int item() const { return m_item; }
    // Names of the network's inputs ("x₁", "sin x₁") for labels and cards.
    void set_input_names(const QStringList& names);
    const QStringList& input_names() const { return m_input_names; }
    void set_theme(const Theme& theme);

    int phase_count() const { return static_cast<int>(m_phases.size()); }
    int phase_index() const { return m_phase; }
    StepPhase phase() const;
    void set_phase(int index);
    void next();
    void back();
    // Animates through the phases at `phases_per_second` (stops at the end).
    void set_animating(bool on);
    bool animating() const { return m_timer.isActive(); }
    void set_speed(double phases_per_second);
    double speed() const { return m_speed; }

    // What is drawn, for tests: the neuron's and connection's text, where a
    // neuron is, and the card shown when hovering a point ("" lines: none).
    QString neuron_label(int column, int unit) const;
    QString connection_label(int layer, int unit, int input) const;
    QPointF neuron_center(int column, int unit) const;
    QStringList hover_at(const QPointF& pos) const;
    QStringList hover_lines() const { return m_hover_lines; }
    // Shows the card of what is at pos (as a mouse move does).
    void hover(const QPointF& pos);
    QImage render_image(const QSize& size);

signals:
    void phaseChanged(int index);
    void animatingChanged(bool on);

protected:
    void paintEvent(QPaintEvent*) override;
    void mouseMoveEvent(QMouseEvent* e) override;
    void leaveEvent(QEvent*) override;
    void keyPressEvent(QKeyEvent* e) override;
    bool event(QEvent* e) override;  // its keys before the window's shortcuts
    void resizeEvent(QResizeEvent*) override;

private:
    struct Hit {
        int column = -1, unit = -1, input = -1;  // input -1: a neuron
    };
    void lay_out(const QSizeF& size) const;
    Hit hit_at(const QPointF& pos) const;
    void paint_into(QPainter& p, const QSizeF& size) const;
    void paint_card(QPainter& p, const QSizeF& size) const;
    int shown_units(int column) const;

    std::shared_ptr<const StepTrace> m_trace;
    std::vector<StepPhase> m_phases;
    int m_phase = 0;
    int m_item = 0;
    QStringList m_input_names;
    Theme m_theme = Theme::standard();
    QTimer m_timer;
    double m_speed = 1.0;
    QStringList m_hover_lines;
    QPointF m_hover_pos;
    // Layout, recomputed for the size painted: per column, neuron centres.
    mutable std::vector<std::vector<QPointF>> m_centers;
    mutable QSizeF m_laid_out;
    mutable qreal m_radius = 16;
};

}  // namespace gs::studio
