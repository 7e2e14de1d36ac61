// gradscope --bench-replot: how long one replot of the loss and accuracy
// plot takes, on made-up telemetry of two shapes (no training, no timing
// noise from a run beside it): "dense", a small set validated every few
// steps as spiral-tanh is (200,000 steps, 25,000 validations), and
// "sparse", a model that validates once an epoch as cnn-fashion does (2,000
// steps, 20 validations). The plot is the size it has in the studio's
// window at 1600x1000. Each case: `replots` immediate replots after a few
// to warm up; their median, 90th percentile and mean.
#pragma once

#include <QString>
#include <vector>

namespace gs::studio {

struct ReplotTimes {
    QString name;
    int train_points = 0, validation_points = 0;  // in the plot (after the store's decimation)
    double median_ms = 0, p90_ms = 0, mean_ms = 0;
};

std::vector<ReplotTimes> bench_replots(int replots);

}  // namespace gs::studio
