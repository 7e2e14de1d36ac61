// The replot benchmark: see replot_bench.h.
#include "window/replot_bench.h"

#include <qcustomplot.h>

#include <QElapsedTimer>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "gradscope/telemetry.h"
#include "plots/training_plot.h"
#include "window/scripted_run.h"

namespace gs::studio {

namespace {

// A run that learns: loss from about 0.7 towards 0.1 and accuracy up to
// about 95%, with noise, a validation every `validate_every` steps.
gs::TelemetryStore made_up_run(long steps, long validate_every) {
    gs::TelemetryStore store;
    std::mt19937 rng(7);
    std::normal_distribution<float> noise(0.0f, 0.05f);
    int epoch = 0;
    for (long s = 1; s <= steps; ++s) {
        const float t = static_cast<float>(s) / static_cast<float>(steps);
        gs::StepRecord r;
        r.step = s;
        r.loss = std::max(0.01f, 0.1f + 0.6f * std::exp(-5 * t) + noise(rng));
        r.accuracy = std::clamp(0.95f - 0.45f * std::exp(-5 * t) + noise(rng), 0.0f, 1.0f);
        store.add(r);
        if (s % validate_every == 0) {
            gs::EpochRecord e;
            e.epoch = ++epoch;
            e.step = s;
            e.has_validation = true;
            e.val_loss = std::max(0.01f, 0.12f + 0.6f * std::exp(-5 * t) + noise(rng) / 2);
            e.val_accuracy = std::clamp(0.93f - 0.45f * std::exp(-5 * t) + noise(rng) / 2, 0.0f, 1.0f);
            store.add(e);
        }
    }
    return store;
}

}  // namespace

std::vector<ReplotTimes> bench_replots(int replots) {
    struct Case {
        const char* name;
        long steps, validate_every;
    };
    std::vector<ReplotTimes> out;
    for (const Case& c : {Case{"dense", 200000, 8}, Case{"sparse", 2000, 100}}) {
        const gs::TelemetryStore store = made_up_run(c.steps, c.validate_every);
        TrainingPlot plot;
        plot.resize(520, 420);  // its dock in the 1600x1000 window
        plot.show();
        plot.update_from(store);
        QCustomPlot* p = plot.plot();
        for (int i = 0; i < 5; ++i) p->replot(QCustomPlot::rpImmediateRefresh);
        std::vector<double> ms;
        for (int i = 0; i < replots; ++i) {
            QElapsedTimer t;
            t.start();
            p->replot(QCustomPlot::rpImmediateRefresh);
            ms.push_back(t.nsecsElapsed() / 1e6);
        }
        ReplotTimes r;
        r.name = QString::fromLatin1(c.name);
        r.train_points = plot.train_point_count();
        r.validation_points = plot.validation_point_count();
        r.mean_ms = ms.empty() ? 0 : std::accumulate(ms.begin(), ms.end(), 0.0) / static_cast<double>(ms.size());
        std::sort(ms.begin(), ms.end());
        r.median_ms = nearest_rank(ms, 0.5);  // as --bench-ui's frames
        r.p90_ms = nearest_rank(ms, 0.9);
        out.push_back(r);
    }
    return out;
}

}  // namespace gs::studio
