// Touching the network on the canvas (issue 19): hovering a neuron shows its
// incoming weights, bias, formula and its heatmap enlarged; hovering a
// connection its weight and gradient; clicking one sets the weight or the
// bias through the bridge, and the next forward pass (the snapshot's
// heatmaps) uses the value exactly.
#include <QStandardPaths>
#include <QtTest>
#include <cmath>
#include <functional>

#include "bridge/session_bridge.h"
#include "canvas/canvas_touch.h"
#include "canvas/network_canvas.h"
#include "gradscope/equations.h"
#include "window/classroom.h"
#include "window/main_window.h"
#include "window/scripted_run.h"

using namespace gs::studio;

namespace {

QString n3(double v) { return QString::fromStdString(gs::format_number(v, 3)); }

// spiral-tanh (2-8-8-1) trained a few steps, drawn in a shown window.
bool trained(MainWindow& w, long steps) {
    w.resize(1400, 900);
    w.show();
    if (!QTest::qWaitForWindowExposed(&w)) return false;
    if (!w.open_preset(QStringLiteral("spiral-tanh"))) return false;
    SessionBridge* b = w.bridge();
    if (!wait_for([&] { return !b->is_loading() && b->has_session(); }, 30000)) return false;
    if (!b->step(steps)) return false;
    if (!wait_for([&] { w.refresh_now(); return b->snapshot() && b->snapshot()->step == steps; }, 30000)) return false;
    w.refresh_now();
    w.canvas()->repaint();
    return !w.canvas()->neuron_rect(0, 0).isEmpty();
}

// Waits for a snapshot that shows an edit.
bool snapshot_where(MainWindow& w, const std::function<bool(const gs::Snapshot&)>& shows) {
    return wait_for([&] { w.refresh_now(); auto s = w.bridge()->snapshot(); return s && shows(*s); }, 20000);
}

}  // namespace

class TestCanvasTouch : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void hovering_a_neuron_shows_its_weights_bias_formula_and_map() {
        MainWindow w;
        QVERIFY(trained(w, 5));
        CanvasTouch* touch = w.classroom()->touch();
        auto snap = w.bridge()->snapshot();
        const QPointF at = w.canvas()->neuron_rect(0, 2).center();
        const CanvasTouch::Target t = touch->target_at(at);
        QCOMPARE(t.layer, 0);
        QCOMPARE(t.unit, 2);
        QCOMPARE(t.input, -1);
        QTest::mouseMove(w.canvas(), at.toPoint());
        QVERIFY(wait_for([&] { return touch->card_visible(); }, 2000));
        const QString card = touch->shown_lines().join('\n');
        QVERIFY2(card.contains(QStringLiteral("Neuron 3 of layer 1 (Dense + Tanh)")), qPrintable(card));
        QVERIFY2(card.contains(QStringLiteral("bias b = ") + n3(snap->biases[0][2])), qPrintable(card));
        QVERIFY2(card.contains(QStringLiteral("w from x₂ = ") + n3(snap->weights[0][2 * 2 + 1])), qPrintable(card));
        QVERIFY2(card.contains(QStringLiteral("z = ")) && card.contains(QStringLiteral("a = tanh(z)")), qPrintable(card));
        // Its heatmap, enlarged: the snapshot's grid of the Tanh after it.
        const QImage map = touch->enlarged_heatmap(t, 160);
        QCOMPARE(map.size(), QSize(160, 160));
        QVERIFY(map.pixel(5, 5) != map.pixel(154, 154) || map.pixel(5, 154) != map.pixel(154, 5));
        // Moving away hides the card.
        QTest::mouseMove(w.canvas(), QPoint(2, 2));
        QVERIFY(!touch->card_visible());
    }

    void hovering_a_connection_shows_its_weight_and_gradient() {
        MainWindow w;
        QVERIFY(trained(w, 5));
        CanvasTouch* touch = w.classroom()->touch();
        auto snap = w.bridge()->snapshot();
        // The curve's midpoint (it is symmetric) from input x₂ to neuron 4 of layer 1.
        const QRectF a = w.canvas()->neuron_rect(-1, 1), b = w.canvas()->neuron_rect(0, 3);
        const QPointF mid = (QPointF(a.right(), a.center().y()) + QPointF(b.left(), b.center().y())) / 2;
        const CanvasTouch::Target t = touch->target_at(mid);
        QCOMPARE(t.layer, 0);
        QCOMPARE(t.unit, 3);
        QCOMPARE(t.input, 1);
        touch->hover(mid);
        const QString card = touch->shown_lines().join('\n');
        QVERIFY2(card.contains(QStringLiteral("weight w = ") + n3(snap->weights[0][3 * 2 + 1])), qPrintable(card));
        QVERIFY2(card.contains(QStringLiteral("∂L/∂w = ") + n3(snap->weight_grads[0][3 * 2 + 1])), qPrintable(card));
    }

    void clicking_a_connection_sets_its_weight_and_the_heatmaps_follow() {
        MainWindow w;
        QVERIFY(trained(w, 5));
        CanvasTouch* touch = w.classroom()->touch();
        // x1 -> neuron 0: at the midpoint of x1 -> n(k) the curve x2 -> n(k-1)
        // crosses it wherever the inputs and the neurons are spaced alike,
        // so the click aims at the one connection that has no such twin.
        const QRectF a = w.canvas()->neuron_rect(-1, 0), b = w.canvas()->neuron_rect(0, 0);
        const QPointF mid = (QPointF(a.right(), a.center().y()) + QPointF(b.left(), b.center().y())) / 2;
        const int selected = w.selected_layer();
        QTest::mouseClick(w.canvas(), Qt::LeftButton, {}, mid.toPoint());
        QVERIFY(touch->editing());
        QCOMPARE(touch->edited().unit, 0);
        QCOMPARE(touch->edited().input, 0);
        QCOMPARE(w.selected_layer(), selected);  // the click set a weight, not the layer selection
        auto before = w.bridge()->snapshot();
        const std::vector<float> map_before = before->grid_units[1][0];
        QVERIFY(touch->apply(0.75));
        QVERIFY(snapshot_where(w, [](const gs::Snapshot& s) { return s.weights[0][0 * 2 + 0] == 0.75f; }));
        auto after = w.bridge()->snapshot();
        QCOMPARE(after->step, before->step);  // no training step: the edit alone
        QCOMPARE(after->weights[0][0 * 2 + 0], 0.75f);
        QCOMPARE(after->weights[0][0 * 2 + 1], before->weights[0][0 * 2 + 1]);
        QVERIFY(after->grid_units[1][0] != map_before);  // that neuron's heatmap changed
        QCOMPARE(after->grid_units[1][1], before->grid_units[1][1]);  // its neighbour's did not

        // A neuron's click sets its bias.
        QTest::mouseClick(w.canvas(), Qt::LeftButton, {}, w.canvas()->neuron_rect(0, 2).center().toPoint());
        QVERIFY(touch->editing());
        QCOMPARE(touch->edited().input, -1);
        QVERIFY(touch->apply(-0.4));
        QVERIFY(snapshot_where(w, [](const gs::Snapshot& s) { return s.biases[0][2] == -0.4f; }));
        QCOMPARE(w.bridge()->snapshot()->weights[0][0 * 2 + 0], 0.75f);  // the weight set before stays
    }

    void a_value_that_is_not_finite_is_refused_with_the_reason() {
        MainWindow w;
        QVERIFY(trained(w, 1));
        CanvasTouch* touch = w.classroom()->touch();
        touch->edit(CanvasTouch::Target{0, 0, 0});
        QVERIFY(touch->editing());
        QVERIFY(!touch->apply(std::nan("")));
    }
};

QTEST_MAIN(TestCanvasTouch)
#include "test_canvas_touch.moc"
