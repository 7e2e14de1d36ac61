// CanvasTouch: touching the network on the canvas (issue 19). Hovering a
// neuron shows a card with its incoming weights, its bias, its formula with
// the current numbers and its heatmap enlarged; hovering a connection shows
// its weight and its gradient from the last step. Clicking a neuron or a
// connection opens a small editor that sets the weight or the bias (through
// ClassroomService::set_parameter); the heatmaps redraw from the snapshot
// that follows. It watches the NetworkCanvas from outside (an event filter)
// and reads what the canvas drew (NetworkCanvas::neuron_rect), the model
// and the bridge's latest snapshot.
#pragma once

#include <QImage>
#include <QObject>
#include <QPointF>
#include <QStringList>
#include <memory>

#include "gradscope/spec.h"
#include "gradscope/telemetry.h"
#include "theme.h"

class QDoubleSpinBox;
class QFrame;
class QLabel;
class QPushButton;

namespace gs::studio {

class ClassroomService;
class NetworkCanvas;

class CanvasTouch : public QObject {
    Q_OBJECT
public:
    // What is under the pointer: a neuron (input -1) of Dense layer `layer`
    // (spec index; -1 with unit i: the network's input i), or the
    // connection from `input` into `unit`.
    struct Target {
        int layer = -2, unit = -1, input = -1;
        bool valid() const { return layer >= -1 && unit >= 0; }
        bool is_connection() const { return layer >= 0 && input >= 0; }
    };

    CanvasTouch(NetworkCanvas* canvas, ClassroomService* classroom, QObject* parent = nullptr);

    void set_model(const gs::ModelSpec& spec);
    void set_snapshot(std::shared_ptr<const gs::Snapshot> snapshot);
    void set_theme(const Theme& theme);

    Target target_at(const QPointF& pos) const;
    // The card's lines for a target ("" none), and its enlarged heatmap
    // (null where the neuron has none).
    QStringList card_lines(const Target& t) const;
    QImage enlarged_heatmap(const Target& t, int size = 160) const;
    // Shows the hover card for what is at pos, as a mouse move does.
    void hover(const QPointF& pos);
    bool card_visible() const;
    QStringList shown_lines() const { return m_shown_lines; }
    // Opens the editor of a weight (connection) or a bias (neuron), as a click does.
    void edit(const Target& t);
    bool editing() const;
    Target edited() const { return m_edited; }
    // Sets the edited weight or bias to value (the editor's Set button).
    bool apply(double value);

private:
    bool eventFilter(QObject* watched, QEvent* event) override;
    int dense_index(int layer) const;  // its place among the Dense layers, -1 if none
    int shown_layer(int dense) const;  // the layer whose output its column shows
    QString input_name(int i) const;
    const std::vector<float>* weights_of(int layer) const;
    void hide_card();

    NetworkCanvas* m_canvas;
    ClassroomService* m_classroom;
    gs::ModelSpec m_spec;
    std::vector<int> m_dense;  // spec indices of the Dense layers
    std::shared_ptr<const gs::Snapshot> m_snapshot;
    Theme m_theme = Theme::standard();
    QFrame* m_card;
    QLabel* m_card_text;
    QLabel* m_card_map;
    QStringList m_shown_lines;
    QFrame* m_editor;
    QLabel* m_editor_label;
    QDoubleSpinBox* m_value;
    Target m_edited;
};

}  // namespace gs::studio
