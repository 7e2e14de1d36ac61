// The step-through (issue 19): one traced training step walked through
// phase by phase. The numbers drawn and the equations a hover shows are the
// session's own: the gradients and weights of the step as its snapshot
// holds them, and the forward values as the weights before the step give.
#include <QDockWidget>
#include <QSignalSpy>
#include <QtTest>
#include <cmath>

#include "bridge/classroom_service.h"
#include "bridge/session_bridge.h"
#include "canvas/step_through.h"
#include "canvas/step_through_panel.h"
#include "gradscope/equations.h"
#include "gradscope/presets.h"
#include "window/classroom.h"
#include "window/main_window.h"
#include "window/scripted_run.h"

using namespace gs::studio;

namespace {

QString n(double v) { return QString::fromStdString(gs::format_number(v, 2)); }

bool loaded(SessionBridge& b) {
    return wait_for([&] { return !b.is_loading() && b.has_session(); }, 30000);
}

// A traced first step of spiral-tanh (2-8-8-1, tanh, sigmoid + BCE) and a
// snapshot taken after it.
std::shared_ptr<const gs::StepTrace> traced(SessionBridge& b, ClassroomService& c, int example) {
    b.load(gs::load_preset("spiral-tanh"));
    if (!loaded(b)) return nullptr;
    if (!c.trace_step(example)) return nullptr;
    if (!wait_for([&] { b.tick(); return c.trace() != nullptr; }, 30000)) return nullptr;
    b.request_snapshot();
    if (!wait_for([&] { b.tick(); return b.snapshot() && b.snapshot()->step == 1; }, 30000)) return nullptr;
    return c.trace();
}

int phase_of(const StepThroughView& v, gs::studio::StepPhase::Kind kind, int layer) {
    for (int i = 0; i < v.phase_count(); ++i) {
        const auto ph = gs::studio::step_phases(*v.trace())[static_cast<size_t>(i)];
        if (ph.kind == kind && (kind == StepPhase::Loss || kind == StepPhase::Update || ph.layer == layer)) return i;
    }
    return -1;
}

}  // namespace

class TestStepThrough : public QObject {
    Q_OBJECT

private slots:
    void the_numbers_shown_are_the_sessions() {
        SessionBridge b;
        ClassroomService c(&b);
        auto t = traced(b, c, 3);
        QVERIFY(t);
        auto snap = b.snapshot();
        QCOMPARE(t->step, 1L);
        QCOMPARE(int(t->layers.size()), 3);
        StepThroughView v;
        v.resize(1000, 600);
        v.set_trace(t);
        QCOMPARE(v.item(), 3);
        QCOMPARE(v.phase_count(), 8);

        // Backward, first layer, batch mean: ∂L/∂w on each connection is the
        // gradient the session's snapshot holds for that step.
        v.set_item(gs::kBatchMean);
        v.set_phase(phase_of(v, StepPhase::Backward, 0));
        for (size_t l = 0; l < t->layers.size(); ++l) {
            const auto& layer = t->layers[l];
            const auto& grads = snap->weight_grads[static_cast<size_t>(layer.dense)];
            const auto& after = snap->weights[static_cast<size_t>(layer.dense)];
            QCOMPARE(int(grads.size()), layer.units * layer.inputs);
            for (int u = 0; u < layer.units; ++u)
                for (int i = 0; i < layer.inputs; ++i) {
                    const size_t k = size_t(u * layer.inputs + i);
                    QCOMPARE(v.connection_label(int(l), u, i), QStringLiteral("∂L/∂w ") + n(grads[k]));
                    QCOMPARE(layer.weight_after[k], after[k]);
                }
        }
        // Update: each weight before → after, the after as the session has it now.
        v.set_phase(phase_of(v, StepPhase::Update, 0));
        const auto& l1 = t->layers[1];
        QCOMPARE(v.connection_label(1, 2, 5), n(l1.weight_before[2 * 8 + 5]) + QStringLiteral(" → ") +
                                                  n(snap->weights[size_t(l1.dense)][2 * 8 + 5]));
        QCOMPARE(v.neuron_label(1, 2), QStringLiteral("b ") + n(l1.bias_before[2]) + QStringLiteral(" → ") +
                                           n(snap->biases[size_t(l1.dense)][2]));

        // Forward, one example: z = Σ w·x + b from the weights before the
        // step and the layer's input, a = tanh(z), as drawn.
        v.set_item(3);
        v.set_phase(phase_of(v, StepPhase::Forward, 0));
        QCOMPARE(v.neuron_label(1, 0), QString());  // not computed yet
        v.set_phase(phase_of(v, StepPhase::Forward, 1));
        for (int u = 0; u < l1.units; ++u) {
            double z = l1.bias_before[size_t(u)];
            for (int i = 0; i < l1.inputs; ++i) z += double(l1.weight(u, i)) * t->layers[0].a.at(3, i);
            QVERIFY(std::fabs(z - l1.z.at(3, u)) < 1e-4);
            QVERIFY(std::fabs(std::tanh(z) - l1.a.at(3, u)) < 1e-4);
            QCOMPARE(v.neuron_label(1, u), QStringLiteral("z %1 · a %2").arg(n(l1.z.at(3, u)), n(l1.a.at(3, u))));
        }

        // Hovering a neuron shows its equations with these numbers; a
        // connection in the backward pass, δ·x.
        v.hover(v.neuron_center(1, 2));
        const QString card = v.hover_lines().join('\n');
        QVERIFY2(card.contains(QStringLiteral("z = Σ")), qPrintable(card));
        QVERIFY2(card.contains(QStringLiteral("= ") + n(l1.z.at(3, 2))), qPrintable(card));
        QVERIFY2(card.contains(QStringLiteral("tanh")), qPrintable(card));
        v.set_phase(phase_of(v, StepPhase::Backward, 1));
        // On the connection from neuron 5 of layer 1 to neuron 7 of layer 2,
        // 80 pixels out from its source (where no other line passes near).
        const QPointF from = v.neuron_center(0, 4), to = v.neuron_center(1, 6);
        const QPointF on = from + (to - from) * (80.0 / QLineF(from, to).length());
        const QString edge = v.hover_at(on).join('\n');
        QVERIFY2(edge.startsWith(QStringLiteral("connection neuron 5 of layer 1 → neuron 7 of layer 2")), qPrintable(edge));
        QVERIFY2(edge.contains(QStringLiteral("∂L/∂w = δ·x")), qPrintable(edge));
        QVERIFY2(edge.contains(n(t->weight_grad(1, 3, 6, 4))), qPrintable(edge));
    }

    void next_back_keys_and_animation() {
        SessionBridge b;
        ClassroomService c(&b);
        auto t = traced(b, c, 0);
        QVERIFY(t);
        StepThroughPanel panel(&c);
        panel.resize(900, 500);
        QVERIFY(wait_for([&] { return panel.view()->trace() == t; }, 5000));
        StepThroughView* v = panel.view();
        QCOMPARE(v->phase_index(), 0);
        QTest::keyClick(v, Qt::Key_Right);
        QCOMPARE(v->phase_index(), 1);
        QTest::keyClick(v, Qt::Key_Left);
        QCOMPARE(v->phase_index(), 0);
        QTest::keyClick(v, Qt::Key_End);
        QCOMPARE(v->phase_index(), v->phase_count() - 1);
        v->next();  // stays at the last phase
        QCOMPARE(v->phase_index(), v->phase_count() - 1);
        v->set_phase(0);
        v->set_speed(20);
        v->set_animating(true);
        QVERIFY(v->animating());
        QVERIFY(wait_for([&] { return !v->animating(); }, 10000));
        QCOMPARE(v->phase_index(), v->phase_count() - 1);
        // The next trace starts again at its first phase.
        QVERIFY(panel.trace_step());
        QVERIFY(wait_for([&] { b.tick(); return c.trace() && c.trace()->step == 2; }, 30000));
        QCOMPARE(v->phase_index(), 0);
        QCOMPARE(v->trace()->step, 2L);
    }

    void a_network_too_large_is_refused_with_the_reason() {
        SessionBridge b;
        ClassroomService c(&b);
        gs::ModelSpec spec = gs::load_preset("spiral-tanh");
        spec.layers[0].units = 200;  // more than a trace takes
        b.load(spec);
        QVERIFY(loaded(b));
        const gs::CommandResult r = c.trace_step(0);
        QVERIFY(!r);
        QVERIFY2(!r.reason.empty(), r.reason.c_str());
        QCOMPARE(b.steps_done(), 0L);
    }

    void the_window_opens_the_step_through() {
        MainWindow w;
        w.resize(1280, 720);
        QVERIFY(w.open_preset(QStringLiteral("spiral-tanh")));
        QVERIFY(loaded(*w.bridge()));
        QVERIFY(w.classroom()->start_step_through());
        QVERIFY(wait_for([&] { w.refresh_now(); return w.classroom()->step_through()->view()->trace() != nullptr; },
                         30000));
        QVERIFY(!w.classroom()->step_dock()->isHidden());
    }
};

QTEST_MAIN(TestStepThrough)
#include "test_step_through.moc"
