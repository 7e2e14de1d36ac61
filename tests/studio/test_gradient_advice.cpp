// Gradient-flow advice with the run in view (issue 13): every hint on a run
// where it must appear and one where it must not, on hand-made statistics
// and on real sessions (the spiral at learning rate 50, linear regression
// blowing up, a circle learned to 100%); the panel that keeps its plots
// readable however much it has to say; and no stale statistics under the
// names of an edited network's layers.
#include <qcustomplot.h>

#include <QtTest>
#include <cmath>

#include "gradscope/presets.h"
#include "gradscope/session.h"
#include "plots/gradient_flow.h"
#include "plots/gradient_health.h"

using namespace gs::studio;

namespace {

// Dense, Tanh, Dense, ReLU, Dense: three layers with weights.
gs::ModelSpec spec_of(const char* optimizer = "sgd") {
    gs::ModelSpec s;
    for (const char* t : {"Dense", "Tanh", "Dense", "ReLU", "Dense"}) {
        gs::LayerSpec l;
        l.type = t;
        l.units = 4;
        s.layers.push_back(l);
    }
    s.optimizer.type = optimizer;
    return s;
}

// Healthy statistics for that spec, at step 10; 16 weights per layer.
std::vector<gs::LayerStats> healthy() {
    std::vector<gs::LayerStats> v(5);
    for (int i = 0; i < 5; ++i) {
        gs::LayerStats& s = v[static_cast<size_t>(i)];
        s.step = 10;
        s.layer = i;
        if (i % 2 == 0) {
            s.has_weights = true;
            s.weight_norm = 2;
            s.grad_norm = 0.05f;
            s.grad_mean_abs = 2e-3f;
            s.grad_max_abs = 2e-2f;
            s.update_ratio = 1e-3f;
            s.weights.counts[0] = 16;
        }
    }
    v[1].saturated_fraction = 0.1f;
    v[3].dead_fraction = 0.05f;
    return v;
}

// A run still learning on a plateau: the loss flat at `level` x the first.
RunContext plateau(double level = 0.6, const char* optimizer = "sgd") {
    RunContext c;
    c.known = true;
    c.optimizer = optimizer;
    c.initial_loss = 0.69;
    c.recent_loss = 0.69 * level;
    c.recent_min = c.recent_loss * 0.7;
    c.recent_max = c.recent_loss * 1.4;
    c.train_accuracy = 0.6;
    c.loss_trend = 1.0;  // flat
    c.first_weight_norm = {2, NAN, 2, NAN, 2};
    return c;
}

RunContext converged() {
    RunContext c = plateau(1e-5);
    c.train_accuracy = 1.0;
    return c;
}

RunContext diverging() {
    RunContext c = plateau();
    c.recent_loss = 150;
    c.recent_min = 1.44;
    c.recent_max = 300;
    return c;
}

LayerHealth status(const std::vector<gs::LayerStats>& s, const RunContext& c, int layer,
                   const char* optimizer = "sgd") {
    return diagnose_gradients(s, spec_of(optimizer), c)[static_cast<size_t>(layer)].status;
}

// Everything the panel says, for "must not say" checks.
std::string all_text(const std::vector<gs::LayerStats>& s, const RunContext& c, const char* optimizer = "sgd") {
    std::string out = diagnose_run(s, spec_of(optimizer), c).text;
    for (const LayerDiagnosis& d : diagnose_gradients(s, spec_of(optimizer), c)) out += "\n" + d.text;
    return out;
}

bool has(const std::string& text, const char* what) { return text.find(what) != std::string::npos; }

// A real session's statistics after `steps` steps, drained into a store
// (statistics every step: the budget would take them at random steps).
struct Run {
    gs::ModelSpec spec;
    gs::TelemetryStore store;
    explicit Run(gs::ModelSpec s, long steps) : spec(std::move(s)) {
        gs::SessionOptions o;
        o.stats_budget = 1e9;
        o.stats_min_interval_ms = 0;
        o.break_on_nonfinite = true;
        gs::Session session(spec, gs::prepare_data(spec), gs::cpu_backend(), o);
        session.step(steps);
        session.wait_until_settled(120);
        session.drain(store);
    }
    QString said() {
        GradientFlowView v;
        v.set_model(spec);
        v.update_from(store);
        verdict = v.run_verdict();
        diagnoses = v.diagnoses();
        return v.summary_text() + "\n" + v.problem_texts().join("\n") + "\n" + v.text_box()->toolTip();
    }
    RunVerdict verdict;
    std::vector<LayerDiagnosis> diagnoses;
    bool any(LayerHealth h) const {
        for (const LayerDiagnosis& d : diagnoses)
            if (d.status == h) return true;
        return false;
    }
};

gs::ModelSpec spiral(float lr) {
    gs::ModelSpec s = gs::load_preset("spiral-tanh");
    s.optimizer.lr = lr;
    return s;
}

gs::ModelSpec line(float lr) {
    gs::ModelSpec s = gs::load_preset("linear-regression");
    s.optimizer.lr = lr;
    return s;
}

// circle, 2-8-6-2 tanh, Adam 0.01, softmax cross-entropy.
gs::ModelSpec circle() {
    gs::ModelSpec s;
    s.input = gs::Shape{2};
    for (int units : {8, 6, 2}) {
        gs::LayerSpec d;
        d.type = "Dense";
        d.units = units;
        s.layers.push_back(d);
        if (units != 2) {
            gs::LayerSpec t;
            t.type = "Tanh";
            s.layers.push_back(t);
        }
    }
    s.loss = "softmax_cross_entropy";
    s.optimizer.type = "adam";
    s.optimizer.lr = 0.01f;
    s.batch_size = 10;
    s.data.name = "circle";
    s.data.samples = 400;
    s.data.test_fraction = 0.25f;
    s.epochs = 100000;
    return s;
}

}  // namespace

class TestGradientAdvice : public QObject {
    Q_OBJECT

private slots:
    // --- hand-made statistics: each hint where it must and must not appear ---

    void relativeVanishingW3() {
        auto s = healthy();
        s[0].grad_mean_abs = 1e-9f;
        s[4].grad_mean_abs = 1e-2f;
        QCOMPARE(status(s, plateau(), 0), LayerHealth::Vanishing);
        // A flat loss, steady, weights as they started: a higher rate may help.
        QVERIFY(has(all_text(s, plateau()), "higher learning rate"));
        QCOMPARE(status(s, converged(), 0), LayerHealth::Healthy);
        QCOMPARE(status(s, diverging(), 0), LayerHealth::Healthy);
        QVERIFY(!has(all_text(s, diverging()), "higher learning rate"));
        QVERIFY(!has(all_text(s, RunContext{}), "higher learning rate"));  // nothing known: never
    }

    void absoluteVanishingW4AndUpdatesW5() {
        auto s = healthy();
        for (size_t i : {0u, 2u, 4u}) s[i].grad_mean_abs = 1e-9f;
        QCOMPARE(status(s, plateau(0.9), 4), LayerHealth::Vanishing);
        QCOMPARE(status(s, converged(), 4), LayerHealth::Healthy);
        QCOMPARE(status(s, plateau(0.1), 4), LayerHealth::Healthy);  // well below the first loss: learning
        s = healthy();
        s[2].update_ratio = 3e-7f;
        QCOMPARE(status(s, plateau(0.9), 2), LayerHealth::Vanishing);
        QVERIFY(has(all_text(s, plateau(0.9)), "updates vanishing"));
        QCOMPARE(status(s, converged(), 2), LayerHealth::Healthy);
        QCOMPARE(status(s, plateau(0.9, "adam"), 2, "adam"), LayerHealth::Healthy);  // Adam: not its step
    }

    void explodingRatioW1() {
        auto s = healthy();
        s[2].update_ratio = 0.5f;
        QCOMPARE(status(s, plateau(), 2), LayerHealth::Exploding);
        QCOMPARE(status(s, plateau(0.6, "adam"), 2, "adam"), LayerHealth::Healthy);
        QCOMPARE(status(s, plateau(0.6, "rmsprop"), 2, "rmsprop"), LayerHealth::Healthy);
        QCOMPARE(status(healthy(), plateau(), 2), LayerHealth::Healthy);
    }

    // W1 on a loss that clearly falls is a fast start, not an explosion.
    void ratioW1NotWhileTheLossFalls() {
        auto s = healthy();
        s[2].update_ratio = 0.5f;
        RunContext falling = plateau(0.3);
        falling.loss_trend = 0.5;
        QCOMPARE(status(s, falling, 2), LayerHealth::Healthy);
        QVERIFY(has(all_text(s, falling), "the loss falls"));
        RunContext flat = falling;
        flat.loss_trend = 1.0;
        QCOMPARE(status(s, flat, 2), LayerHealth::Exploding);
        RunContext first = falling;  // one loss so far: no trend
        first.loss_trend = NAN;
        QCOMPARE(status(s, first, 2), LayerHealth::Healthy);
        s[2].update_ratio = 500;  // lr 50 on linear regression's first step
        QCOMPARE(status(s, first, 2), LayerHealth::Exploding);
        QCOMPARE(status(s, RunContext{}, 2), LayerHealth::Exploding);  // nothing known: the ratio alone
        RunContext swinging = diverging();
        swinging.loss_trend = 0.5;  // a swing down within a diverging run
        QCOMPARE(status(s, swinging, 2), LayerHealth::Exploding);
    }

    void deadUnitsA1() {
        auto s = healthy();
        s[3].dead_fraction = 0.8f;
        QCOMPARE(status(s, plateau(), 3), LayerHealth::DeadUnits);
        s[3].dead_fraction = 0.1f;
        QCOMPARE(status(s, plateau(), 3), LayerHealth::Healthy);
    }

    void saturatedA2() {
        auto s = healthy();
        s[1].saturated_fraction = 0.9f;
        QCOMPARE(status(s, plateau(0.9), 1), LayerHealth::Saturated);
        QVERIFY(has(all_text(s, plateau(0.9)), "Xavier"));
        // 72% saturated at 100% accuracy is a confident network, not a problem.
        s[1].saturated_fraction = 0.72f;
        QCOMPARE(status(s, converged(), 1), LayerHealth::Healthy);
        QCOMPARE(status(s, diverging(), 1), LayerHealth::Healthy);  // the verdict says why
        // Weights that grew 50x point at the learning rate.
        s[0].weight_norm = 100;
        const std::string grown = all_text(s, plateau(0.9));
        QVERIFY(has(grown, "grew 50x"));
        QVERIFY(has(grown, "lower the learning rate"));
    }

    void nonFiniteW0() {
        auto s = healthy();
        s[2].weight_norm = INFINITY;
        QCOMPARE(status(s, plateau(), 2), LayerHealth::Exploding);
        QVERIFY(has(all_text(s, plateau()), "reset"));
        QCOMPARE(status(healthy(), plateau(), 2), LayerHealth::Healthy);
        // A NaN gradient on one batch with sane weights (a bad item in the
        // data): fix the data or lower the rate; a reset is not needed.
        s = healthy();
        s[2].grad_mean_abs = NAN;
        s[2].grad_max_abs = INFINITY;
        QCOMPARE(status(s, plateau(), 2), LayerHealth::Exploding);
        QVERIFY(!has(all_text(s, plateau()), "reset"));
        QVERIFY(has(all_text(s, plateau()), "data"));
    }

    // At a NaN break the engine publishes the statistics of that moment (H4):
    // weights of 1.9e36 cannot be saved by a lower learning rate.
    void divergedWeightsSayReset() {
        auto s = healthy();
        s[0].weight_norm = 1.9e36f;
        s[0].weights.counts[0] = 1;
        const RunVerdict v = diagnose_run(s, spec_of(), plateau());
        QCOMPARE(v.state, RunState::Diverging);
        QVERIFY(v.weights_diverged);
        QVERIFY2(has(v.text, "reset") && has(v.text, "1.9e36"), v.text.c_str());
        QCOMPARE(status(s, plateau(), 0), LayerHealth::Exploding);
        // Without a loss history too (the statistics alone).
        QCOMPARE(diagnose_run(s, spec_of(), RunContext{}).state, RunState::Diverging);
        QVERIFY(!diagnose_run(healthy(), spec_of(), plateau()).weights_diverged);
    }

    void runVerdicts() {
        QCOMPARE(diagnose_run(healthy(), spec_of(), plateau()).state, RunState::Learning);
        QVERIFY(diagnose_run(healthy(), spec_of(), plateau()).text.empty());
        const RunVerdict d = diagnose_run(healthy(), spec_of(), diverging());
        QCOMPARE(d.state, RunState::Diverging);
        QVERIFY2(has(d.text, "too high") && has(d.text, "press R"), d.text.c_str());
        const RunVerdict c = diagnose_run(healthy(), spec_of(), converged());
        QCOMPARE(c.state, RunState::Converged);
        QVERIFY2(has(c.text, "Converged") && has(c.text, "100% accuracy"), c.text.c_str());
        QCOMPARE(diagnose_run(healthy(), spec_of(), RunContext{}).state, RunState::Unknown);
    }

    // --- real runs ---

    // The spiral at learning rate 50: the loss swings far above where it
    // started and the Tanh layers saturate, so their gradients are 0. The
    // old panel said "vanishing ... try a higher learning rate".
    void spiralAtLearningRate50() {
        Run bad(spiral(50), 3000);
        const QString said = bad.said();
        QCOMPARE(bad.verdict.state, RunState::Diverging);
        QVERIFY2(said.contains("too high") && said.contains("Lower it"), qPrintable(said));
        QVERIFY2(!said.contains("higher learning rate"), qPrintable(said));
        QVERIFY2(!said.contains("vanishing"), qPrintable(said));
        Run good(spiral(0.03f), 3000);
        const QString fine = good.said();
        QVERIFY2(good.verdict.state != RunState::Diverging, qPrintable(fine));
        QVERIFY2(!fine.contains("too high"), qPrintable(fine));
    }

    // Linear regression at learning rate 50 reaches 1e35 by step 10 without
    // a NaN: the panel says so by then.
    void linearRegressionBlowsUpEarly() {
        Run bad(line(50), 10);
        const QString said = bad.said();
        QCOMPARE(bad.verdict.state, RunState::Diverging);
        QVERIFY2(said.contains("press R", Qt::CaseInsensitive) && said.contains("lower"), qPrintable(said));
        Run good(line(0.1f), 10);
        QVERIFY2(good.verdict.state != RunState::Diverging, qPrintable(good.said()));
    }

    // Linear regression at lr 0.1 starts with an update ratio near 1 on its
    // one layer while the loss falls fast: the panel called it "exploding".
    // At lr 50 the same layer must still be flagged.
    void linearRegressionFastStartIsNoExplosion() {
        for (long steps : {1L, 2L, 10L, 30L, 100L}) {
            Run good(line(0.1f), steps);
            const QString said = good.said();
            QVERIFY2(!good.any(LayerHealth::Exploding), qPrintable(QString::number(steps) + ": " + said));
            QVERIFY2(!said.contains("gradients exploding") && !said.contains("too high"), qPrintable(said));
        }
        // (After the first step the ratio is 1 at any rate: the weight starts
        // at about 0, so it is the step itself. The loss tells from step 2.)
        for (long steps : {2L, 10L}) {
            Run bad(line(50), steps);
            const QString said = bad.said();
            QVERIFY2(bad.any(LayerHealth::Exploding), qPrintable(QString::number(steps) + ": " + said));
        }
    }

    // A circle learned to 100%: tiny gradients are the end of learning, not a
    // vanishing problem.
    void convergedCircle() {
        gs::ModelSpec spec = circle();
        gs::SessionOptions o;
        o.stats_budget = 1e9;
        o.stats_min_interval_ms = 0;
        gs::Session session(spec, gs::prepare_data(spec), gs::cpu_backend(), o);
        gs::TelemetryStore store;
        RunVerdict verdict;
        QString said;
        for (int round = 0; round < 40 && verdict.state != RunState::Converged; ++round) {
            QVERIFY(session.step(1000));
            QVERIFY(session.wait_until_settled(120));
            session.drain(store);
            GradientFlowView v;
            v.set_model(spec);
            v.update_from(store);
            verdict = v.run_verdict();
            said = v.summary_text() + "\n" + v.problem_texts().join("\n");
        }
        QVERIFY2(verdict.state == RunState::Converged, qPrintable(said));
        QVERIFY2(said.contains("Converged"), qPrintable(said));
        QVERIFY2(!said.contains("vanishing") && !said.contains("saturated"), qPrintable(said));
        // Early in the spiral (loss near ln 2): not converged.
        Run early(spiral(0.03f), 200);
        early.said();
        QVERIFY(early.verdict.state != RunState::Converged);
    }

    // --- the panel ---

    // Two or three hint paragraphs used to squash the plots into overlapping
    // bars (bars 9 px, ratios 0 px tall in a 460x281 dock).
    void manyProblemsLeaveThePlotsReadable() {
        gs::TelemetryStore store;
        auto s = healthy();
        for (size_t i : {0u, 2u, 4u}) s[i].grad_mean_abs = 1e-9f, s[i].grad_max_abs = 1e-8f;
        s[1].saturated_fraction = 1;
        s[3].dead_fraction = 0.9f;
        for (const gs::LayerStats& st : s) store.add(st);
        GradientFlowView v;
        v.set_model(spec_of());
        v.resize(460, 280);
        v.show();
        QVERIFY(QTest::qWaitForWindowExposed(&v));
        v.update_from(store);
        QCoreApplication::processEvents();
        v.plot()->replot(QCustomPlot::rpImmediateRefresh);
        QVERIFY(v.problem_texts().size() >= 4);
        QVERIFY2(v.bars_rect()->height() >= 60, qPrintable(QString::number(v.bars_rect()->height())));
        QVERIFY2(v.ratio_rect()->height() >= 40, qPrintable(QString::number(v.ratio_rect()->height())));
        QVERIFY2(v.text_box()->height() <= 0.35 * v.height(),
                 qPrintable(QString("text %1 of %2 px").arg(v.text_box()->height()).arg(v.height())));
        // The shared advice once, not once per layer; everything in the tooltip.
        QCOMPARE(v.summary_text().count("barely learn"), 1);
        QVERIFY(v.text_box()->toolTip().count("barely learn") >= 3);
    }

    // Inserting a Conv2D after layer 1: the old statistics are not drawn
    // under the new layers (they were relabelled "3 Tanh, 5 Tanh").
    void editedNetworkDropsOldStatistics() {
        Run run(spiral(0.03f), 20);
        GradientFlowView v;
        v.set_model(run.spec);
        v.update_from(run.store);
        QCOMPARE(v.bar_layers(), (std::vector<int>{0, 2, 4}));
        QVERIFY(!std::isnan(v.mean_bar_values()[0]));
        gs::ModelSpec edited = run.spec;
        gs::LayerSpec conv;
        conv.type = "Conv2D";
        conv.filters = 4;
        edited.layers.insert(edited.layers.begin() + 1, conv);
        v.set_model(edited);
        QCOMPARE(v.bar_layers(), (std::vector<int>{0, 1, 3, 5}));
        auto ticker = v.bars_rect()->axis(QCPAxis::atBottom)->ticker().dynamicCast<QCPAxisTickerText>();
        QVERIFY(ticker);
        for (const QString& name : ticker->ticks())
            QVERIFY2(name.endsWith("Dense") || name.endsWith("Conv2D"), qPrintable(name));
        for (double m : v.mean_bar_values()) QVERIFY(std::isnan(m));
        QVERIFY(v.slot_labels().isEmpty());
        // A parameter change alone (same layers) keeps them until the new run.
        v.set_model(run.spec);
        v.update_from(run.store);
        gs::ModelSpec wider = run.spec;
        wider.layers[0].units = 12;
        v.set_model(wider);
        QVERIFY(!std::isnan(v.mean_bar_values()[0]));
    }
};

QTEST_MAIN(TestGradientAdvice)
#include "test_gradient_advice.moc"
