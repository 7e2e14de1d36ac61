// The CUDA backend on a device (label `gpu`): the conformance suite (every
// operation against the plain reference, as `gradscope-train selftest` runs
// it), training curves against the CPU, and no allocation per step. Each
// test skips, with the reason, where no CUDA device is usable.
#include <gtest/gtest.h>

#include <cmath>

#include "gradscope/backend.h"
#include "gradscope/data_pipeline.h"
#include "gradscope/error.h"
#include "gradscope/presets.h"
#include "gradscope/trainer.h"
#include "gradscope_conformance/conformance.h"
#include "gradscope_conformance/training_check.h"

namespace gs {
namespace {

// The CUDA backend, or null with the reason in *why.
Backend* cuda_or_reason(std::string* why) {
    try {
        return &backend_by_name("cuda");
    } catch (const Error& e) {
        *why = e.what();
        return nullptr;
    }
}

#define GS_REQUIRE_CUDA(be)                                                          \
    std::string why_;                                                                \
    Backend* be = cuda_or_reason(&why_);                                             \
    if (!be) GTEST_SKIP() << "no usable CUDA device here (" << why_ << ")"

void expect_conformance(Backend& be, uint64_t seed) {
    const auto rows = conformance::run_conformance(be, seed);
    // Every row the suite defines: a comparison that returned nothing fails here.
    ASSERT_EQ(rows.size(), conformance::conformance_row_count());
    ASSERT_GT(rows.size(), 0u);
    for (const auto& r : rows)
        EXPECT_TRUE(r.pass) << r.operation << " " << r.output << " (" << r.shapes << "): abs error "
                            << r.max_abs_error << ", rel " << r.max_rel_error << " " << r.note;
}

TEST(CudaBackend, EveryOperationMatchesTheReference) {
    GS_REQUIRE_CUDA(cuda);
    expect_conformance(*cuda, 1);
}

TEST(CudaBackend, AnotherSeedMatchesToo) {
    GS_REQUIRE_CUDA(cuda);
    expect_conformance(*cuda, 977);
}

TEST(CudaBackend, SpiralTanhTrainsLikeTheCpu) {
    GS_REQUIRE_CUDA(cuda);
    const auto r = conformance::compare_training("spiral-tanh", cpu_backend(), *cuda, 300);
    ASSERT_FALSE(r.skipped) << r.note;  // built-in data: always there
    EXPECT_TRUE(r.pass) << r.note << " diff " << r.max_rel_diff;
    ASSERT_EQ(r.other_loss.size(), 300u);
    EXPECT_LT(r.other_loss.back(), r.other_loss.front());  // it learns
}

TEST(CudaBackend, MlpFashionTrainsLikeTheCpu) {
    GS_REQUIRE_CUDA(cuda);
    const auto r = conformance::compare_training("mlp-fashion", cpu_backend(), *cuda, 200);
    if (r.skipped) GTEST_SKIP() << r.note;
    EXPECT_TRUE(r.pass) << r.note << " diff " << r.max_rel_diff << " on " << r.data;
    ASSERT_EQ(r.other_loss.size(), 200u);
}

TEST(CudaBackend, TrainingAllocatesNothingAfterTheFirstStep) {
    GS_REQUIRE_CUDA(cuda);
    ModelSpec spec = load_preset("spiral-tanh");
    Trainer t(spec, prepare_data(spec), *cuda);
    t.step();
    t.step();
    const size_t before = cuda->memory_stats().allocations;
    for (int i = 0; i < 20; ++i) t.step();
    EXPECT_EQ(cuda->memory_stats().allocations, before);
}

TEST(CudaBackend, BadLabelsAreErrorsNotCrashes) {
    GS_REQUIRE_CUDA(cuda);
    Tensor z(*cuda, {2, 3}), labels(*cuda, {2});
    labels.from_host(std::vector<float>{1.0f, 7.0f});
    EXPECT_THROW(cuda->softmax_cross_entropy(z, labels, nullptr), Error);
    // The backend still works afterwards.
    labels.from_host(std::vector<float>{1.0f, 2.0f});
    EXPECT_NEAR(cuda->softmax_cross_entropy(z, labels, nullptr).loss_sum, 2 * std::log(3.0), 1e-6);
}

TEST(CudaBackend, DeviceQueriesDescribeTheGpu) {
    GS_REQUIRE_CUDA(cuda);
    const auto all = probe_backends();
    ASSERT_GE(all.size(), 2u);
    EXPECT_EQ(all[1].name, "cuda:0");
    EXPECT_NE(all[1].label.find("CUDA 0: "), std::string::npos) << all[1].label;
    EXPECT_NE(all[1].label.find(" GB, sm_"), std::string::npos) << all[1].label;
    EXPECT_EQ(cuda->name(), "cuda:0");
    EXPECT_FALSE(cuda->host_memory());
}

}  // namespace
}  // namespace gs
