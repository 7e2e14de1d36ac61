// The training loop end to end: convergence of the classroom presets,
// determinism in one process and across processes, no allocation per step,
// the OpenMP wait policy a program starts with, and errors for data that
// does not fit the model.
//
// Two checks need a fresh process. This executable has its own main(): run
// as `test_trainer --child MODE`, it does MODE's work, prints the result on
// stdout and exits before GoogleTest starts, so a child is never a test.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <sstream>

#include <sys/wait.h>
#include <unistd.h>

#include "gradscope/data_map_accumulator.h"
#include "gradscope/error.h"
#include "gradscope/presets.h"
#include "gradscope/trainer.h"

// Counts heap allocations made by this process, to check the training loop.
// (operator new is malloc here, so delete is free; GCC cannot see that.)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
static std::atomic<long> g_allocations{0};
void* operator new(size_t n) {
    ++g_allocations;
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace gs {
namespace {

struct PresetRun {
    std::shared_ptr<Trainer> trainer;
    PreparedData data;
};

PresetRun make(const std::string& preset, int epochs = -1) {
    ModelSpec s = load_preset(preset);
    if (epochs > 0) s.epochs = epochs;
    PresetRun r;
    r.data = prepare_data(s);
    r.trainer = std::make_shared<Trainer>(s, r.data, cpu_backend());
    return r;
}

// A small CNN with every kind of layer on synthetic images: exercises the
// oneDNN paths, BatchNorm and Dropout.
ModelSpec small_cnn() {
    SpecResult r = parse_spec(R"({
      "input": [1, 12, 12],
      "layers": [
        {"type": "Conv2D", "filters": 8, "kernel": 3, "padding": 1},
        {"type": "BatchNorm"}, {"type": "ReLU"},
        {"type": "MaxPool2D", "kernel": 2},
        {"type": "Conv2D", "filters": 16, "kernel": 3, "stride": 2},
        {"type": "GELU"}, {"type": "AvgPool2D", "kernel": 2},
        {"type": "Flatten"}, {"type": "Dropout", "rate": 0.25},
        {"type": "Dense", "units": 200}, {"type": "LeakyReLU"},
        {"type": "Dense", "units": 10}, {"type": "Softmax"}],
      "loss": "softmax_cross_entropy",
      "optimizer": {"type": "adam", "lr": 0.001, "clip_norm": 5.0},
      "batch_size": 32, "seed": 3,
      "data": {"name": "synthetic", "samples": 200, "test_fraction": 0.2, "seed": 4}})");
    EXPECT_TRUE(r.ok()) << r.message();
    return r.spec;
}

DataSplit synthetic_for(const ModelSpec& s) { return make_builtin_dataset(s.data, s.input, 10); }

std::vector<double> losses(const ModelSpec& s, int steps) {
    DataSplit d = synthetic_for(s);
    Trainer t(s, d.train, d.test, cpu_backend());
    std::vector<double> out;
    for (int i = 0; i < steps; ++i) out.push_back(t.step().loss);
    return out;
}

TEST(Trainer, XorSigmoidReachesFullAccuracy) {
    PresetRun r = make("xor-sigmoid");
    EvalResult e;
    for (int i = 0; i < r.trainer->spec().epochs; ++i) e = r.trainer->run_epoch();
    EXPECT_EQ(r.trainer->evaluate(*r.data.train).accuracy, 1.0);
    EXPECT_LT(e.loss, 0.05);
}

TEST(Trainer, SpiralTanhReaches95PercentTrainingAccuracy) {
    PresetRun r = make("spiral-tanh");
    const double before = r.trainer->evaluate(*r.data.train).accuracy;
    for (int i = 0; i < r.trainer->spec().epochs; ++i) r.trainer->run_epoch();
    const double after = r.trainer->evaluate(*r.data.train).accuracy;
    EXPECT_LT(before, 0.7);
    EXPECT_GE(after, 0.95);
    EXPECT_GE(r.trainer->evaluate(*r.data.test).accuracy, 0.9);
}

TEST(Trainer, LinearRegressionFindsTheLine) {
    PresetRun r = make("linear-regression");
    for (int i = 0; i < r.trainer->spec().epochs; ++i) r.trainer->run_epoch();
    // The data is y = 2x + 0.5 + 0.1 N(0, 1).
    auto w = r.trainer->model().named_params();
    EXPECT_NEAR(w[0].second->value.to_host()[0], 2.0, 0.05);
    EXPECT_NEAR(w[1].second->value.to_host()[0], 0.5, 0.05);
    EXPECT_LT(r.trainer->evaluate(*r.data.test).loss, 0.02);
    EXPECT_EQ(r.trainer->evaluate(*r.data.test).accuracy, -1);  // regression
}

TEST(Trainer, SmallCnnLearnsItsTrainingSet) {
    ModelSpec s = small_cnn();
    DataSplit d = synthetic_for(s);
    Trainer t(s, d.train, d.test, cpu_backend());
    const double first = t.evaluate(*d.train).loss;
    for (int i = 0; i < 30; ++i) t.run_epoch();
    EXPECT_LT(t.evaluate(*d.train).loss, 0.5 * first);
}

TEST(Trainer, SameSeedSameLossesBitForBit) {
    ModelSpec s = small_cnn();
    auto a = losses(s, 25), b = losses(s, 25);
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i], b[i]) << "step " << i;
    s.seed = 4;
    EXPECT_NE(losses(s, 25), a);
}

// What 25 steps of the small CNN give: the losses as hex floats, one a
// line, and a last line with an FNV-1a hash of every trained weight's bits.
std::string determinism_report() {
    ModelSpec s = small_cnn();
    DataSplit d = synthetic_for(s);
    Trainer t(s, d.train, d.test, cpu_backend());
    std::ostringstream out;
    for (int i = 0; i < 25; ++i) out << std::hexfloat << t.step().loss << "\n";
    uint64_t h = 1469598103934665603ull;
    size_t n = 0;
    for (const auto& [name, p] : t.model().named_params())
        for (float v : p->value.to_host()) {
            uint32_t bits;
            std::memcpy(&bits, &v, sizeof bits);
            for (int b = 0; b < 4; ++b) h = (h ^ ((bits >> (8 * b)) & 0xffu)) * 1099511628211ull;
            ++n;
        }
    out << "weights " << n << " " << std::hex << h << "\n";
    return out.str();
}

// The OpenMP settings this process started with, as libgomp reads them.
std::string omp_policy_report() {
    const char* spin = std::getenv("GOMP_SPINCOUNT");
    const char* wait = std::getenv("OMP_WAIT_POLICY");
    return std::string("GOMP_SPINCOUNT=") + (spin ? spin : "(unset)") +
           " OMP_WAIT_POLICY=" + (wait ? wait : "(unset)") + "\n";
}

std::string self_path() {
    char buf[4096];
    const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

struct ChildResult {
    bool exited = false;  // ended by exit(), not by a signal
    int code = -1;        // its exit status
    std::string out;      // what it printed on stdout
};

// Runs this executable in child mode MODE under `env ENV...` (a shell
// command line) and collects its exit status and output. The shell and env
// exec it, so the status is the child's own (a crash shows as a signal).
ChildResult run_child(const std::string& env, const std::string& mode) {
    const std::string cmd = "exec env " + env + " '" + self_path() + "' --child " + mode;
    ChildResult r;
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return r;
    char buf[4096];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) r.out.append(buf, n);
    const int status = pclose(p);
    r.exited = status != -1 && WIFEXITED(status);
    r.code = r.exited ? WEXITSTATUS(status) : -1;
    return r;
}

TEST(Trainer, SameSeedSameLossesAndWeightsAcrossProcesses) {
    const std::string mine = determinism_report();
    // 25 losses, then the weights' line: 6674 weights (Conv2D 80, BatchNorm
    // 16, Conv2D 1168, Dense 3400, Dense 2010).
    ASSERT_EQ(std::count(mine.begin(), mine.end(), '\n'), 26);
    ASSERT_NE(mine.find("\nweights 6674 "), std::string::npos) << mine;
    for (int k = 0; k < 2; ++k) {
        const ChildResult c = run_child("", "determinism");
        ASSERT_TRUE(c.exited) << "child process " << k << " did not exit normally";
        ASSERT_EQ(c.code, 0) << "child process " << k;
        EXPECT_EQ(c.out, mine) << "child process " << k;
    }
}

// Idle OpenMP threads spin only briefly unless the user asked otherwise (see
// engine/src/backend/omp_policy.cpp): a program started without either
// variable restarts itself with GOMP_SPINCOUNT=3000 before libgomp reads it;
// a user's GOMP_SPINCOUNT or OMP_WAIT_POLICY is left as it is.
TEST(Trainer, OpenMpThreadsSpinOnlyBrieflyByDefault) {
    const struct {
        const char* env;
        const char* seen;
    } cases[] = {
        {"-u OMP_WAIT_POLICY -u GOMP_SPINCOUNT", "GOMP_SPINCOUNT=3000 OMP_WAIT_POLICY=(unset)\n"},
        {"-u OMP_WAIT_POLICY GOMP_SPINCOUNT=7", "GOMP_SPINCOUNT=7 OMP_WAIT_POLICY=(unset)\n"},
        {"-u GOMP_SPINCOUNT OMP_WAIT_POLICY=PASSIVE", "GOMP_SPINCOUNT=(unset) OMP_WAIT_POLICY=PASSIVE\n"},
    };
    for (const auto& c : cases) {
        const ChildResult r = run_child(c.env, "omp-policy");
        ASSERT_TRUE(r.exited) << c.env;
        ASSERT_EQ(r.code, 0) << c.env;
        EXPECT_EQ(r.out, c.seen) << c.env;
    }
}

// No tensor is allocated after the first epoch, and on the plain-loop path
// (classroom networks) no heap allocation at all, with the per-item outcomes
// on and observed into a data map as the session does. oneDNN's primitive execute
// builds a small argument map per call internally (its exec_args_t is a
// std::unordered_map), which no public API avoids; those are the only heap
// allocations left on the oneDNN path.
TEST(Trainer, NoAllocationPerStepAfterTheFirstEpoch) {
    for (bool cnn : {false, true}) {
        ModelSpec s = cnn ? small_cnn() : load_preset("spiral-tanh");
        PreparedData d = prepare_data(s);
        Trainer t(s, d, cpu_backend());
        t.set_item_outcomes(true);
        DataMapAccumulator map(t.train_data().size(), t.train_data().num_classes());
        t.run_epoch();  // first steps create primitives, including the last partial batch
        const long before = g_allocations.load();
        const size_t tensors = cpu_backend().memory_stats().allocations;
        for (int i = 0; i < 3 * static_cast<int>(t.steps_per_epoch()); ++i) {
            t.step();
            map.observe(t.last_batch().data(), t.last_item_outcomes(), static_cast<int>(t.last_batch().size()));
        }
        EXPECT_EQ(map.observed(), 3 * t.train_data().size());
        EXPECT_EQ(cpu_backend().memory_stats().allocations, tensors)
            << (cnn ? "small CNN" : "spiral-tanh");
        if (!cnn) {
            EXPECT_EQ(g_allocations.load() - before, 0) << "spiral-tanh";
        }
    }
}

// A traced step may allocate (it copies tensors out); the steps after it
// allocate nothing, and neither do steps whose inputs are features of 2-D
// points (computed as batches are gathered).
TEST(Trainer, NoAllocationAfterATracedStepOrWithInputFeatures) {
    struct Copier : StepObserver {
        std::vector<float> z, w;
        long step = 0;
        void before_update(Trainer& t, const Tensor&, const Tensor&, bool) override {
            z = t.model().activation(0).to_host();
        }
        void after_step(Trainer& t, const StepResult& r) override {
            w = t.model().layer(0).params()[0].value.to_host();
            step = r.step;
        }
    } copier;
    ModelSpec s = load_preset("spiral-tanh");
    s.data.features = {"x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"};
    s.input = Shape{7};
    PreparedData d = prepare_data(s);
    Trainer t(s, d, cpu_backend());
    t.run_epoch();
    t.observe_next_step(&copier);
    t.step();
    EXPECT_EQ(copier.step, t.global_step());
    EXPECT_EQ(copier.z.size(), 10u * 8);  // the batch of 10, 8 units
    const long before = g_allocations.load();
    for (int i = 0; i < 2 * static_cast<int>(t.steps_per_epoch()); ++i) t.step();
    EXPECT_EQ(g_allocations.load() - before, 0);
    EXPECT_EQ(copier.step, t.global_step() - 2 * static_cast<long>(t.steps_per_epoch()));  // told once
}

TEST(Trainer, SmallerLastBatchUsesViews) {
    ModelSpec s = load_preset("spiral-tanh");
    s.batch_size = 32;  // 250 items: 7 batches of 32 and one of 26
    PreparedData d = prepare_data(s);
    Trainer t(s, d, cpu_backend());
    int last = 0;
    for (size_t i = 0; i < t.steps_per_epoch(); ++i) last = t.step().batch;
    EXPECT_EQ(last, 250 - 7 * 32);
    EXPECT_EQ(t.epoch(), 1);
    EXPECT_EQ(t.global_step(), 8);
}

TEST(Trainer, DataThatDoesNotFitTheModelIsAnError) {
    ModelSpec s = load_preset("mlp-fashion");
    s.data.name = "spiral";
    PreparedData d = prepare_data(s);
    try {
        Trainer t(s, d, cpu_backend());
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()),
                  "the model expects inputs of 784 but spiral has items of 2 — set \"input\" to "
                  "[2]");
    }
    s.input = Shape{2};
    try {
        Trainer t(s, d, cpu_backend());
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()),
                  "the model outputs 10 classes but spiral has 2 — set the last Dense layer's "
                  "units to 2");
    }
}

TEST(Trainer, ResetStartsTheSameRunAgain) {
    PresetRun r = make("spiral-tanh");
    std::vector<double> a, b;
    for (int i = 0; i < 30; ++i) a.push_back(r.trainer->step().loss);
    r.trainer->reset();
    EXPECT_EQ(r.trainer->global_step(), 0);
    for (int i = 0; i < 30; ++i) b.push_back(r.trainer->step().loss);
    EXPECT_EQ(a, b);
}

}  // namespace
}  // namespace gs

// `test_trainer --child determinism|omp-policy` prints that report and exits
// 0 (2 for an unknown mode); anything else runs the tests.
int main(int argc, char** argv) {
    if (argc == 3 && std::strcmp(argv[1], "--child") == 0) {
        std::string out;
        if (std::strcmp(argv[2], "determinism") == 0) out = gs::determinism_report();
        else if (std::strcmp(argv[2], "omp-policy") == 0) out = gs::omp_policy_report();
        else return 2;
        std::fwrite(out.data(), 1, out.size(), stdout);
        return std::fflush(stdout) == 0 ? 0 : 1;
    }
    testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
