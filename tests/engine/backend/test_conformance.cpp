// The backend conformance suite (engine/conformance) on every backend the
// registry finds usable here: the CPU always, CUDA where a device is there.
// Also: the suite covers every Backend operation, it fails a broken backend
// (so it can fail at all), and its reference gradients agree with finite
// differences of its reference forwards (so the reference can be trusted).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "gradscope/backend.h"
#include "gradscope/data_pipeline.h"
#include "gradscope/error.h"
#include "gradscope/presets.h"
#include "gradscope/rng.h"
#include "gradscope_conformance/conformance.h"
#include "gradscope_conformance/reference.h"
#include "gradscope_conformance/training_check.h"

namespace gs {
namespace {

using conformance::Row;

std::string describe(const Row& r) {
    return r.operation + " " + r.output + " (" + r.shapes + "): abs error " +
           std::to_string(r.max_abs_error) + ", rel " + std::to_string(r.max_rel_error) + " " + r.note;
}

// ------------------------------------------------- every usable backend ---

class Conformance : public testing::TestWithParam<std::string> {};

TEST_P(Conformance, EveryOperationMatchesThePlainReference) {
    Backend& be = backend_by_name(GetParam());
    const std::vector<Row> rows = conformance::run_conformance(be, 1);
    ASSERT_EQ(rows.size(), conformance::conformance_row_count());
    for (const Row& r : rows) EXPECT_TRUE(r.pass) << describe(r);
}

TEST_P(Conformance, AnotherSeedMatchesToo) {
    Backend& be = backend_by_name(GetParam());
    const std::vector<Row> rows = conformance::run_conformance(be, 977);
    ASSERT_EQ(rows.size(), conformance::conformance_row_count());
    for (const Row& r : rows) EXPECT_TRUE(r.pass) << describe(r);
}

std::string test_name(const testing::TestParamInfo<std::string>& info) {
    std::string s = info.param;  // "cuda:0" -> "cuda_0"
    for (char& c : s)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    return s;
}

INSTANTIATE_TEST_SUITE_P(UsableBackends, Conformance, testing::ValuesIn(available_backends()),
                         test_name);

// ------------------------------------------------------------ the suite ---

TEST(ConformanceSuite, CoversEveryBackendOperation) {
    const std::vector<Row> rows = conformance::run_conformance(cpu_backend(), 1);
    ASSERT_EQ(rows.size(), conformance::conformance_row_count());
    ASSERT_GT(rows.size(), 150u);
    std::set<std::string> covered;
    for (const Row& r : rows) covered.insert(r.operation);
    const auto ops = conformance::backend_operations();
    EXPECT_EQ(ops.size(), 29u);
    for (const auto& op : ops) EXPECT_TRUE(covered.count(op)) << op << " is not in the suite";
    // And nothing in the suite that is not an operation of the interface.
    for (const auto& op : covered)
        EXPECT_NE(std::find(ops.begin(), ops.end(), op), ops.end()) << op;
}

// The CPU, with four operations broken: a wrong dense forward, a histogram
// that loses a count, a sum of squares that throws, and softmax outcome rows
// with a wrong p(label).
class BrokenBackend : public Backend {
public:
    std::string name() const override { return "broken"; }
    float* allocate(size_t n) override { return m_cpu.allocate(n); }
    void deallocate(float* p) override { m_cpu.deallocate(p); }
    void upload(float* d, const float* h, size_t n) override { m_cpu.upload(d, h, n); }
    void download(float* h, const float* s, size_t n) override { m_cpu.download(h, s, n); }
    void copy(Tensor& d, const Tensor& s) override { m_cpu.copy(d, s); }
    void fill(Tensor& t, float v) override { m_cpu.fill(t, v); }
    bool host_memory() const override { return true; }
    MemoryStats memory_stats() const override { return m_cpu.memory_stats(); }
    void dense_forward(const Tensor& x, const Tensor& w, const Tensor* b, Tensor& y) override {
        m_cpu.dense_forward(x, w, b, y);
        y.data()[0] += 1e-2f;
    }
    void dense_backward(const Tensor& x, const Tensor& w, const Tensor& dy, Tensor* dx, Tensor& dw,
                        Tensor* db) override {
        m_cpu.dense_backward(x, w, dy, dx, dw, db);
    }
    void conv2d_forward(const ConvParams& p, const Tensor& x, const Tensor& w, const Tensor* b,
                        Tensor& y) override {
        m_cpu.conv2d_forward(p, x, w, b, y);
    }
    void conv2d_backward(const ConvParams& p, const Tensor& x, const Tensor& w, const Tensor& dy,
                         Tensor* dx, Tensor& dw, Tensor* db) override {
        m_cpu.conv2d_backward(p, x, w, dy, dx, dw, db);
    }
    size_t pool2d_workspace(const PoolParams& p, const Shape& x) override {
        return m_cpu.pool2d_workspace(p, x);
    }
    void pool2d_forward(const PoolParams& p, const Tensor& x, Tensor& y, Tensor* ws) override {
        m_cpu.pool2d_forward(p, x, y, ws);
    }
    void pool2d_backward(const PoolParams& p, const Tensor& x, const Tensor& dy, const Tensor* ws,
                         Tensor& dx) override {
        m_cpu.pool2d_backward(p, x, dy, ws, dx);
    }
    void activation_forward(Activation a, float al, const Tensor& x, Tensor& y) override {
        m_cpu.activation_forward(a, al, x, y);
    }
    void activation_backward(Activation a, float al, const Tensor& x, const Tensor& y,
                             const Tensor& dy, Tensor& dx) override {
        m_cpu.activation_backward(a, al, x, y, dy, dx);
    }
    void softmax_forward(const Tensor& x, Tensor& y) override { m_cpu.softmax_forward(x, y); }
    void softmax_backward(const Tensor& y, const Tensor& dy, Tensor& dx) override {
        m_cpu.softmax_backward(y, dy, dx);
    }
    void dropout_forward(float p, uint64_t s, uint64_t c, const Tensor& x, Tensor& m,
                         Tensor& y) override {
        m_cpu.dropout_forward(p, s, c, x, m, y);
    }
    void multiply(const Tensor& a, const Tensor& b, Tensor& y) override { m_cpu.multiply(a, b, y); }
    void batchnorm_forward(bool tr, float eps, float mom, const Tensor& x, const Tensor& g,
                           const Tensor& b, Tensor& rm, Tensor& rv, Tensor& sm, Tensor& si,
                           Tensor& y) override {
        m_cpu.batchnorm_forward(tr, eps, mom, x, g, b, rm, rv, sm, si, y);
    }
    void batchnorm_backward(const Tensor& x, const Tensor& g, const Tensor& sm, const Tensor& si,
                            const Tensor& dy, Tensor& dx, Tensor& dg, Tensor& db) override {
        m_cpu.batchnorm_backward(x, g, sm, si, dy, dx, dg, db);
    }
    // Off by 1e-3 in the first item's p(label).
    LossSums softmax_cross_entropy(const Tensor& z, const Tensor& l, Tensor* d,
                                   Tensor* o = nullptr) override {
        const LossSums r = m_cpu.softmax_cross_entropy(z, l, d, o);
        if (o) o->data()[kItemPTrue] += 1e-3f;
        return r;
    }
    LossSums sigmoid_binary_cross_entropy(const Tensor& z, const Tensor& t, Tensor* d,
                                          Tensor* o = nullptr) override {
        return m_cpu.sigmoid_binary_cross_entropy(z, t, d, o);
    }
    LossSums mean_squared_error(const Tensor& p, const Tensor& t, bool c, Tensor* d) override {
        return m_cpu.mean_squared_error(p, t, c, d);
    }
    void sgd_update(Tensor& p, const Tensor& g, Tensor* v, const SgdStep& s) override {
        m_cpu.sgd_update(p, g, v, s);
    }
    void adam_update(Tensor& p, const Tensor& g, Tensor& m, Tensor& v, const AdamStep& s) override {
        m_cpu.adam_update(p, g, m, v, s);
    }
    void rmsprop_update(Tensor& p, const Tensor& g, Tensor& sq, Tensor* buf,
                        const RmsPropStep& s) override {
        m_cpu.rmsprop_update(p, g, sq, buf, s);
    }
    double sum_squares(const Tensor&) override { throw Error("sum_squares is broken here"); }
    void scale(Tensor& t, float f) override { m_cpu.scale(t, f); }
    TensorSummary summarize(const Tensor& t, float lo, float hi) override {
        return m_cpu.summarize(t, lo, hi);
    }
    void histogram(const Tensor& t, float lo, float hi, int bins, uint32_t* counts) override {
        m_cpu.histogram(t, lo, hi, bins, counts);
        if (bins > 10) --counts[bins / 2];
    }

private:
    Backend& m_cpu = cpu_backend();
};

TEST(ConformanceSuite, FailsExactlyTheBrokenOperations) {
    BrokenBackend broken;
    const std::vector<Row> rows = conformance::run_conformance(broken, 1);
    ASSERT_EQ(rows.size(), conformance::conformance_row_count());
    size_t failed = 0;
    for (const Row& r : rows) {
        const bool broken_op = r.operation == "dense forward" || r.operation == "sum squares" ||
                               (r.operation == "histogram" && r.output == "counts") ||
                               (r.operation == "softmax cross entropy" &&
                                r.output.rfind("item outcomes", 0) == 0);
        EXPECT_EQ(r.pass, !broken_op) << describe(r);
        failed += !r.pass;
        if (r.operation == "sum squares") {
            EXPECT_NE(r.note.find("threw: sum_squares is broken here"), std::string::npos) << r.note;
        }
        if (r.operation == "dense forward" && !r.pass) {
            EXPECT_NEAR(r.max_abs_error, 1e-2, 1e-4) << describe(r);
        }
    }
    // dense forward: 5 + 2 without bias; sum squares: 3; histogram: 1; outcomes: 2 cases x 2
    EXPECT_EQ(failed, 5u + 2u + 3u + 1u + 4u);
    const std::string table = conformance::format_rows(rows);
    EXPECT_NE(table.find("max rel err"), std::string::npos);
    EXPECT_NE(table.find("FAIL"), std::string::npos);
}

// ------------------------------------------------------- training check ---

TEST(TrainingCheck, NamesItsDataAndComparesWindows) {
    const auto r = conformance::compare_training("spiral-tanh", cpu_backend(), cpu_backend(), 60, 50);
    EXPECT_FALSE(r.skipped) << r.note;
    EXPECT_EQ(r.data, "spiral (built-in)");
    ASSERT_EQ(r.ref_loss.size(), 60u);
    ASSERT_EQ(r.other_loss.size(), 60u);
    EXPECT_TRUE(r.pass) << r.note << " " << r.max_rel_diff;
    EXPECT_NE(conformance::format_curves({r}).find("on spiral (built-in)"), std::string::npos);
}

// Without the preset's own files it compares nothing and says why; it never
// trains on other data in their place.
TEST(TrainingCheck, MissingDataIsSkippedNotReplaced) {
    std::string missing;
    try {
        prepare_data(load_preset("cnn-cifar10"));
    } catch (const Error& e) {
        missing = e.what();
    }
    const auto r = conformance::compare_training("cnn-cifar10", cpu_backend(), cpu_backend(), 2);
    if (missing.empty()) {  // CIFAR-10 is installed here: it trains on it
        EXPECT_FALSE(r.skipped);
        EXPECT_EQ(r.data.rfind("cifar10", 0), 0u) << r.data;
        return;
    }
    EXPECT_TRUE(r.skipped);
    EXPECT_FALSE(r.pass);
    EXPECT_TRUE(r.ref_loss.empty());
    EXPECT_TRUE(r.other_loss.empty());
    EXPECT_NE(r.note.find(missing), std::string::npos) << r.note;
    const std::string line = conformance::format_curves({r});
    EXPECT_NE(line.find("SKIPPED"), std::string::npos) << line;
    EXPECT_NE(line.find("cifar10"), std::string::npos) << line;
}

// ------------------------------------------------------ the reference ---

// Central differences of L = sum(r * f(x)) against a reference gradient;
// the step is the float difference actually taken.
void expect_gradient(const std::function<std::vector<double>(const std::vector<float>&)>& f,
                     std::vector<float> x, const std::vector<float>& r,
                     const std::vector<double>& grad, const std::string& what, double tol = 1e-5) {
    ASSERT_EQ(grad.size(), x.size()) << what;
    auto loss = [&](const std::vector<float>& v) {
        const auto y = f(v);
        double s = 0;
        for (size_t i = 0; i < y.size(); ++i) s += r[i] * y[i];
        return s;
    };
    for (size_t i = 0; i < x.size(); ++i) {
        const float x0 = x[i];
        x[i] = x0 + 1e-3f;
        const float xp = x[i];
        const double lp = loss(x);
        x[i] = x0 - 1e-3f;
        const float xm = x[i];
        const double lm = loss(x);
        x[i] = x0;
        const double numeric = (lp - lm) / (static_cast<double>(xp) - xm);
        EXPECT_NEAR(numeric, grad[i], tol * (1 + std::fabs(grad[i]))) << what << " [" << i << "]";
    }
}

std::vector<float> values(size_t n, uint64_t seed, double lo = -1, double hi = 1) {
    std::vector<float> v(n);
    Rng rng(seed);
    for (auto& x : v) x = static_cast<float>(rng.uniform(lo, hi));
    return v;
}

TEST(ConformanceReference, DenseAndConvBackwardsAreTheirForwardsDerivatives) {
    const int N = 2, K = 5, M = 3;
    const auto x = values(N * K, 1), w = values(M * K, 2), r = values(N * M, 3);
    const auto g = conformance::ref::dense_backward(x, w, r, N, K, M);
    expect_gradient([&](const auto& v) { return conformance::ref::dense_forward(v, w, nullptr, N, K, M).value; },
                    x, r, g.dx.value, "dense dx");
    expect_gradient([&](const auto& v) { return conformance::ref::dense_forward(x, v, nullptr, N, K, M).value; },
                    w, r, g.dw.value, "dense dw");

    ConvParams p;
    p.kh = 3, p.kw = 2, p.sh = 2, p.sw = 1, p.ph = 1, p.pw = 1;
    const conformance::ref::ConvShape s{2, 2, 5, 4, 3, p};
    const auto cx = values(2 * 2 * 5 * 4, 4), cw = values(3 * 2 * 3 * 2, 5);
    const auto cr = values(size_t(2) * 3 * s.out_h() * s.out_w(), 6);
    const auto cg = conformance::ref::conv2d_backward(s, cx, cw, cr);
    expect_gradient([&](const auto& v) { return conformance::ref::conv2d_forward(s, v, cw, nullptr).value; },
                    cx, cr, cg.dx.value, "conv dx");
    expect_gradient([&](const auto& v) { return conformance::ref::conv2d_forward(s, cx, v, nullptr).value; },
                    cw, cr, cg.dw.value, "conv dw");
    const std::vector<float> b{0.5f, -1.0f, 2.0f};
    expect_gradient([&](const auto& v) { return conformance::ref::conv2d_forward(s, cx, cw, &v).value; },
                    b, cr, cg.db.value, "conv db");
}

TEST(ConformanceReference, PoolSoftmaxAndBatchNormBackwardsAreTheirForwardsDerivatives) {
    PoolParams pp;
    pp.kind = PoolKind::Avg, pp.kh = pp.kw = 3, pp.sh = pp.sw = 2, pp.ph = pp.pw = 1;
    const conformance::ref::PoolShape ps{1, 2, 5, 6, pp};
    const auto px = values(60, 7), pr = values(size_t(2) * ps.out_h() * ps.out_w(), 8);
    expect_gradient([&](const auto& v) { return conformance::ref::pool2d_forward(ps, v); }, px, pr,
                    conformance::ref::pool2d_backward(ps, px, pr), "avg pool dx");

    const int N = 3, F = 4;
    const auto sx = values(N * F, 9, -2, 2), sr = values(N * F, 10);
    const auto sy = conformance::ref::softmax_forward(sx, N, F);
    expect_gradient([&](const auto& v) { return conformance::ref::softmax_forward(v, N, F); }, sx, sr,
                    conformance::ref::softmax_backward({sy.begin(), sy.end()}, sr, N, F), "softmax dx",
                    1e-4);

    const int C = 2, S = 3;
    const auto bx = values(N * C * S, 11, -2, 2), br = values(N * C * S, 12);
    const std::vector<float> gamma{1.5f, 0.7f}, beta{0.1f, -0.3f};
    const auto bg = conformance::ref::batchnorm_backward(bx, br, N, C, S, gamma, 1e-5);
    expect_gradient([&](const auto& v) { return conformance::ref::batchnorm_train(v, N, C, S, gamma, beta, 1e-5).y; },
                    bx, br, bg.dx, "batchnorm dx", 1e-4);
    expect_gradient([&](const auto& v) { return conformance::ref::batchnorm_train(bx, N, C, S, v, beta, 1e-5).y; },
                    gamma, br, bg.dgamma, "batchnorm dgamma", 1e-4);
    expect_gradient([&](const auto& v) { return conformance::ref::batchnorm_train(bx, N, C, S, gamma, v, 1e-5).y; },
                    beta, br, bg.dbeta, "batchnorm dbeta", 1e-4);
}

TEST(ConformanceReference, LossGradientsAreTheirSumsDerivatives) {
    // d(mean loss) / dz: the sum's derivative divided by N.
    const int N = 4, K = 3;
    const auto z = values(N * K, 13, -2, 2);
    const std::vector<float> labels{0, 2, 1, 2};
    const std::vector<float> ones(N * K, 1.0f / N);
    auto sum_of = [](double s) { return std::vector<double>{s}; };
    // L = sum(r * f): with f the loss sum and r = 1/N, L is the batch mean.
    expect_gradient([&](const auto& v) { return sum_of(conformance::ref::softmax_cross_entropy(v, labels, N, K).sum); },
                    z, ones, conformance::ref::softmax_cross_entropy(z, labels, N, K).grad, "cross entropy", 1e-4);
    const auto bz = values(N, 14, -3, 3), bt = values(N, 15, 0, 1);
    expect_gradient([&](const auto& v) { return sum_of(conformance::ref::sigmoid_binary_cross_entropy(v, bt).sum); },
                    bz, ones, conformance::ref::sigmoid_binary_cross_entropy(bz, bt).grad, "bce", 1e-4);
    const auto mp = values(N * K, 16), mt = values(N * K, 17);
    expect_gradient([&](const auto& v) { return sum_of(conformance::ref::mean_squared_error(v, mt, N, K, false).sum); },
                    mp, ones, conformance::ref::mean_squared_error(mp, mt, N, K, false).grad, "mse", 1e-4);
}

// The outcome rows' p(label) is exp(-the item's loss), so over a batch their
// -log sums to the loss sum; the predicted class is right exactly as often as
// the loss counts.
TEST(ConformanceReference, ItemOutcomesAgreeWithTheLoss) {
    const int N = 5, K = 4;
    const auto z = values(N * K, 21, -3, 3);
    const std::vector<float> labels{0, 3, 1, 2, 3};
    const auto rows = conformance::ref::softmax_item_outcomes(z, labels, N, K);
    const auto loss = conformance::ref::softmax_cross_entropy(z, labels, N, K);
    double nll = 0;
    long right = 0;
    for (int n = 0; n < N; ++n) {
        const double* r = rows.data() + n * kLossItemColumns;
        nll -= std::log(r[kItemPTrue]);
        right += r[kItemPredicted] == r[kItemLabel];
        EXPECT_EQ(r[kItemLabel], labels[static_cast<size_t>(n)]);
        EXPECT_GE(r[kItemPPredicted], r[kItemPTrue]);  // the arg max is at least as likely
    }
    EXPECT_NEAR(nll, loss.sum, 1e-9);
    EXPECT_EQ(right, loss.correct);

    const std::vector<float> bz{2.5f, -1.0f, 0.3f, -4.0f}, bt{1, 1, 0, 0};
    const auto brows = conformance::ref::bce_item_outcomes(bz, bt);
    const auto bloss = conformance::ref::sigmoid_binary_cross_entropy(bz, bt);
    nll = 0;
    right = 0;
    for (size_t n = 0; n < bz.size(); ++n) {
        const double* r = brows.data() + n * kLossItemColumns;
        nll -= std::log(r[kItemPTrue]);
        right += r[kItemPredicted] == r[kItemLabel];
    }
    EXPECT_NEAR(nll, bloss.sum, 1e-9);
    EXPECT_EQ(right, bloss.correct);
}

}  // namespace
}  // namespace gs
