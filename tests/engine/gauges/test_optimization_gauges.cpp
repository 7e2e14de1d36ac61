// The gauges of the optimization itself on a Trainer: the learning-rate
// range test (the state after it equals the state before, bit for bit; its
// suggestion lies where the presets train well; it stops when the loss
// explodes), sharpness (on linear regression with MSE, the top eigenvalue
// of the Hessian, computed here independently) and the gradient noise scale
// (on a synthetic problem whose per-example gradients are known exactly).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>

#include "gradscope/optimization_gauges.h"
#include "gradscope/presets.h"
#include "gradscope/rng.h"
#include "gradscope/training_state.h"

namespace gs {
namespace {

struct Preset {
    ModelSpec spec;
    PreparedData data;
    std::unique_ptr<Trainer> trainer;
    explicit Preset(const std::string& name, const std::string& optimizer = "") {
        spec = load_preset(name);
        if (!optimizer.empty()) spec.optimizer.type = optimizer;
        data = prepare_data(spec);
        trainer = std::make_unique<Trainer>(spec, data, cpu_backend());
    }
};

bool same_bits(const TrainingState& a, const TrainingState& b) {
    return a.values.size() == b.values.size() &&
           std::memcmp(a.values.data(), b.values.data(), a.values.size() * sizeof(float)) == 0 &&
           a.progress.step == b.progress.step && a.progress.epoch == b.progress.epoch &&
           a.progress.epoch_position == b.progress.epoch_position &&
           a.progress.optimizer_steps == b.progress.optimizer_steps &&
           a.settings.optimizer.lr == b.settings.optimizer.lr &&
           a.settings.schedule.type == b.settings.schedule.type &&
           a.settings.schedule.warmup_steps == b.settings.schedule.warmup_steps &&
           a.settings.batch_size == b.settings.batch_size;
}

TEST(LrRangeTest, StateAfterEqualsStateBeforeBitForBit) {
    // Adam (moments, bias correction) and a warm-up schedule the test replaces while it runs.
    Preset a("spiral-tanh", "adam"), b("spiral-tanh", "adam");
    a.trainer->schedule().warmup_steps = b.trainer->schedule().warmup_steps = 50;
    for (int i = 0; i < 37; ++i) a.trainer->step(), b.trainer->step();
    TrainingState before, after;
    capture_state(*a.trainer, before);
    LrRangeOptions o;
    o.steps = 150;
    const LrRangeResult r = lr_range_test(*a.trainer, o);
    ASSERT_TRUE(r.error.empty()) << r.error;
    EXPECT_GT(r.lr.size(), 20u);
    capture_state(*a.trainer, after);
    EXPECT_TRUE(same_bits(before, after));
    // And the run goes on exactly as its twin that took no test.
    for (int i = 0; i < 60; ++i) {
        const StepResult x = a.trainer->step(), y = b.trainer->step();
        ASSERT_EQ(x.loss, y.loss) << "step " << i;
        ASSERT_EQ(x.lr, y.lr) << "step " << i;
    }
}

TEST(LrRangeTest, StopsEarlyWhenTheLossExplodesAndSaysWhy) {
    Preset p("linear-regression");
    LrRangeOptions o;
    o.lr_min = 1e-4;
    o.lr_max = 1e3;
    o.steps = 300;
    const LrRangeResult r = lr_range_test(*p.trainer, o);
    ASSERT_TRUE(r.error.empty()) << r.error;
    EXPECT_TRUE(r.exploded);
    EXPECT_LT(r.lr.size(), 300u);
    EXPECT_NE(r.stopped.find("stopped at lr"), std::string::npos) << r.stopped;
    EXPECT_GT(r.suggested_lr, o.lr_min);
    EXPECT_LT(r.suggested_lr, r.lr.back());
}

TEST(LrRangeTest, RefusesOptionsThatMakeNoSenseInWords) {
    Preset p("linear-regression");
    LrRangeOptions o;
    o.lr_max = o.lr_min / 2;
    const LrRangeResult r = lr_range_test(*p.trainer, o);
    EXPECT_NE(r.error.find("must be above the lowest"), std::string::npos) << r.error;
    EXPECT_TRUE(r.lr.empty());
}

// The learning rates where each preset trains well, measured with
// gradscope-bench-gauges (README "Gauges of the optimization"): rates 1e-4 to
// 10, three to a decade, each training the preset's whole default run from
// its initial weights; "well" = the loss of the last 10% of the steps got at
// least 90% as far down as at the best rate. The suggestion of the default
// range test (1e-5 to 10, 200 steps) from the initial weights lies inside.
TEST(LrRangeTest, SuggestionLiesWhereThePresetsTrainWell) {
    struct Case { const char* preset; double lo, hi; };
    for (const Case& c : {Case{"linear-regression", 0.0215, 0.464}, Case{"spiral-tanh", 0.0215, 0.215},
                          Case{"xor-sigmoid", 0.1, 10.0}}) {
        Preset p(c.preset);
        const LrRangeResult r = lr_range_test(*p.trainer, LrRangeOptions{});
        ASSERT_TRUE(r.error.empty()) << r.error;
        std::string curve;  // every 10th point, for a failure's message
        for (size_t i = 0; i < r.lr.size(); i += 10)
            curve += " " + std::to_string(r.lr[i]) + ":" + std::to_string(r.smoothed[i]);
        EXPECT_GE(r.suggested_lr, c.lo) << c.preset << ": " << lr_range_verdict(r, 0) << "\n" << curve;
        EXPECT_LE(r.suggested_lr, c.hi) << c.preset << ": " << lr_range_verdict(r, 0) << "\n" << curve;
    }
}

// ---------------------------------------------------------- sharpness ----

// n items of d inputs with very different spreads (a clear top eigenvalue).
std::shared_ptr<InMemoryDataset> regression_set(int n, int d, uint64_t seed, double noise,
                                                std::vector<double>* w_true = nullptr) {
    auto set = std::make_shared<InMemoryDataset>("regression", Shape{d}, 0, 1);
    Rng rng(seed);
    std::vector<double> w(static_cast<size_t>(d));
    for (double& x : w) x = rng.normal() / std::sqrt(static_cast<double>(d));
    std::vector<float> x(static_cast<size_t>(d));
    for (int i = 0; i < n; ++i) {
        double y = 0.3;
        for (int j = 0; j < d; ++j) {
            x[static_cast<size_t>(j)] = static_cast<float>(rng.normal() * (j == 0 ? 3.0 : 1.0 / (1 + j)) + 0.5);
            y += w[static_cast<size_t>(j)] * x[static_cast<size_t>(j)];
        }
        const float t = static_cast<float>(y + noise * rng.normal());
        set->add(x.data(), &t);
    }
    if (w_true) *w_true = w;
    return set;
}

ModelSpec linear_spec(int d, int batch) {
    SpecResult r = parse_spec(R"({"input": [)" + std::to_string(d) +
                              R"(], "layers": [{"type": "Dense", "units": 1}], "loss": "mse",
        "optimizer": {"type": "sgd", "lr": 0.01}, "batch_size": )" + std::to_string(batch) + "}");
    EXPECT_TRUE(r.ok()) << r.message();
    return r.spec;
}

// The top eigenvalue of the Hessian of mean((w.x + b - y)^2): 2 A^T A / n
// with A = [X 1], by power iteration in double to convergence.
double top_eigenvalue(const InMemoryDataset& set, int d) {
    const size_t n = set.size();
    const int m = d + 1;
    std::vector<double> h(static_cast<size_t>(m * m), 0.0);
    for (size_t i = 0; i < n; ++i) {
        std::vector<double> a(set.inputs().begin() + static_cast<long>(i * d),
                              set.inputs().begin() + static_cast<long>((i + 1) * d));
        a.push_back(1.0);
        for (int r = 0; r < m; ++r)
            for (int c = 0; c < m; ++c) h[static_cast<size_t>(r * m + c)] += 2.0 * a[r] * a[c] / n;
    }
    std::vector<double> v(static_cast<size_t>(m), 1.0), hv(static_cast<size_t>(m));
    double lambda = 0;
    for (int k = 0; k < 5000; ++k) {
        double norm = 0;
        for (int r = 0; r < m; ++r) {
            hv[r] = 0;
            for (int c = 0; c < m; ++c) hv[r] += h[static_cast<size_t>(r * m + c)] * v[c];
            norm += hv[r] * hv[r];
        }
        norm = std::sqrt(norm);
        lambda = 0;
        for (int r = 0; r < m; ++r) lambda += v[r] * hv[r], v[r] = hv[r] / norm;
    }
    return lambda;
}

TEST(Sharpness, LinearRegressionMseWithinOnePercentOfTopEigenvalue) {
    const int d = 6, n = 128;
    auto set = regression_set(n, d, 11, 0.1);
    Trainer t(linear_spec(d, n), set, nullptr, cpu_backend());  // the fixed batch: every item
    const double truth = top_eigenvalue(*set, d);
    SharpnessEstimator est;
    int iterations = 0;
    const double cold = est.estimate(t, &iterations);
    EXPECT_NEAR(cold, truth, 0.01 * truth) << "after " << iterations << " iterations";
    std::printf("sharpness: %.6g against the top eigenvalue %.6g (relative error %.2e, %d iterations cold)\n", cold,
                truth, std::fabs(cold - truth) / truth, iterations);
    // Warm-started after some training (the Hessian of a quadratic stays).
    for (int i = 0; i < 20; ++i) t.step();
    TrainingState before, after;
    capture_state(t, before);
    const double warm = est.estimate(t, &iterations);
    capture_state(t, after);
    EXPECT_NEAR(warm, truth, 0.01 * truth);
    EXPECT_LE(iterations, est.iterations);
    EXPECT_TRUE(same_bits(before, after)) << "the parameters are put back";
}

// ---------------------------------------------------------- noise scale ----

TEST(NoiseScale, SyntheticProblemWithKnownNoiseWithinTenPercent) {
    const int d = 8, n = 4096, batch = 32;
    auto set = regression_set(n, d, 21, 2.0);
    Trainer t(linear_spec(d, batch), set, nullptr, cpu_backend());
    // At the trainer's initial parameters, every example's gradient is
    // known: g_i = 2 (w.x_i + b - y_i) [x_i, 1]. B_simple = tr(Σ) / |G|²
    // with G their mean and Σ their covariance.
    ParamVector params;
    std::vector<float> theta;
    params.get_values(t, theta);  // weights (d), then the bias
    ASSERT_EQ(theta.size(), static_cast<size_t>(d + 1));
    std::vector<double> mean(static_cast<size_t>(d + 1), 0.0);
    std::vector<std::vector<double>> g(n, std::vector<double>(static_cast<size_t>(d + 1)));
    for (int i = 0; i < n; ++i) {
        const float* x = set->inputs().data() + static_cast<size_t>(i) * d;
        double e = theta[static_cast<size_t>(d)] - set->targets()[static_cast<size_t>(i)];
        for (int j = 0; j < d; ++j) e += theta[static_cast<size_t>(j)] * x[j];
        for (int j = 0; j <= d; ++j) g[i][j] = 2 * e * (j < d ? x[j] : 1.0), mean[j] += g[i][j] / n;
    }
    double g2 = 0, trace = 0;
    for (int j = 0; j <= d; ++j) g2 += mean[j] * mean[j];
    for (int i = 0; i < n; ++i)
        for (int j = 0; j <= d; ++j) trace += (g[i][j] - mean[j]) * (g[i][j] - mean[j]) / n;
    const double truth = trace / g2;
    ASSERT_GT(truth, 4.0);  // a problem where the noise matters
    ASSERT_LT(truth, 2000.0);
    NoiseScaleEstimator est;
    est.beta = 0.999;
    for (int i = 0; i < 3000; ++i) est.measure(t);
    std::printf("noise scale: %.5g against the true %.5g (relative error %.3f)\n", est.b_simple(), truth,
                std::fabs(est.b_simple() - truth) / truth);
    EXPECT_NEAR(est.b_simple(), truth, 0.1 * truth)
        << "|G|² " << est.grad_sq() << " (true " << g2 << "), tr Σ " << est.trace() << " (true " << trace << ")";
    EXPECT_NEAR(est.trace(), trace, 0.1 * trace);
}

TEST(NoiseScale, SaysWhenTheTrainingSetIsTooSmall) {
    auto set = regression_set(3, 3, 5, 1.0);  // fewer items than 4 disjoint batches need
    Trainer t(linear_spec(3, 2), set, nullptr, cpu_backend());
    NoiseScaleEstimator est;
    try {
        est.measure(t);
        FAIL() << "expected an error";
    } catch (const std::exception& e) {
        EXPECT_NE(std::string(e.what()).find("batches of different items"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace gs
