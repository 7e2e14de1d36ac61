// From a spec's data to batches: splits and limits, normalization fitted on
// the training split, augmentation, the background batch loader, and a short
// real-data run on Fashion-MNIST.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <numeric>
#include <set>

#include "gradscope/data_files.h"
#include "gradscope/data_pipeline.h"
#include "gradscope/error.h"
#include "gradscope/presets.h"
#include "gradscope/trainer.h"

namespace gs {
namespace {

bool have_fashion_mnist() { return std::filesystem::is_directory(kFashionMnistDir); }

// A dataset of n images (C, H, W) whose pixel values encode (item, c, y, x).
std::shared_ptr<InMemoryDataset> ramp_images(int n, int C, int H, int W) {
    auto d = std::make_shared<InMemoryDataset>("ramp", Shape{C, H, W}, 3);
    std::vector<float> x(static_cast<size_t>(C) * H * W);
    for (int i = 0; i < n; ++i) {
        for (size_t k = 0; k < x.size(); ++k) x[k] = static_cast<float>(i * 1000 + k + 1);
        const float y = static_cast<float>(i % 3);
        d->add(x.data(), &y);
    }
    return d;
}

std::vector<float> gather_all(const Dataset& d) {
    std::vector<uint32_t> idx(d.size());
    std::iota(idx.begin(), idx.end(), 0u);
    std::vector<float> x(d.size() * d.item_shape().numel()), y(d.size() * d.target_size());
    d.gather(idx.data(), static_cast<int>(d.size()), x.data(), y.data());
    return x;
}

TEST(DataPipeline, SubsetMapsIndices) {
    auto base = ramp_images(10, 1, 2, 2);
    SubsetDataset s(base, {7, 2, 9}, "s");
    EXPECT_EQ(s.size(), 3u);
    auto x = gather_all(s);
    EXPECT_EQ(x[0], 7001.0f);
    EXPECT_EQ(x[4], 2001.0f);
    EXPECT_EQ(x[8], 9001.0f);
    uint32_t bad = 3;
    float xb[4], yb[1];
    EXPECT_THROW(s.gather(&bad, 1, xb, yb), Error);
    EXPECT_THROW(SubsetDataset(base, {10}, "t"), Error);
}

TEST(DataPipeline, NormalizationIsPerChannelAndFittedOnWhatItIsGiven) {
    auto d = std::make_shared<InMemoryDataset>("two-channels", Shape{2, 1, 2}, 2);
    // Channel 0 holds 1 and 3 (mean 2, std 1); channel 1 holds 10 and 30.
    const float a[] = {1, 3, 10, 30}, b[] = {3, 1, 30, 10}, y = 0;
    d->add(a, &y);
    d->add(b, &y);
    Preprocess p;
    fit_normalization(*d, p);
    ASSERT_EQ(p.mean.size(), 2u);
    EXPECT_FLOAT_EQ(p.mean[0], 2.0f);
    EXPECT_FLOAT_EQ(p.mean[1], 20.0f);
    EXPECT_FLOAT_EQ(p.inv_std[0], 1.0f);
    EXPECT_FLOAT_EQ(p.inv_std[1], 0.1f);
    std::vector<float> x = {1, 3, 10, 30}, scratch;
    p.apply(x.data(), 1, Shape{2, 1, 2}, false, 0, 0, scratch);
    EXPECT_EQ(x, (std::vector<float>{-1, 1, -1, 1}));
}

TEST(DataPipeline, FlipAndCropMoveExactlyAndDeterministically) {
    const Shape item{1, 3, 4};
    std::vector<float> img(12);
    std::iota(img.begin(), img.end(), 1.0f);
    Preprocess flip;
    flip.flip = true;
    std::vector<float> scratch;
    int flipped = 0;
    for (uint64_t step = 0; step < 64; ++step) {
        std::vector<float> x = img;
        flip.apply(x.data(), 1, item, true, 5, step, scratch);
        if (x == img) continue;
        ++flipped;
        EXPECT_EQ(x, (std::vector<float>{4, 3, 2, 1, 8, 7, 6, 5, 12, 11, 10, 9}));
    }
    EXPECT_GT(flipped, 16);  // about half of 64
    EXPECT_LT(flipped, 48);

    Preprocess crop;
    crop.crop_padding = 1;
    std::set<std::vector<float>> seen;
    for (uint64_t step = 0; step < 200; ++step) {
        std::vector<float> x = img;
        crop.apply(x.data(), 1, item, true, 5, step, scratch);
        seen.insert(x);
        // Every pixel is either zero padding or a pixel of the image shifted
        // by the same offset.
        int dy = 9, dx = 9;
        for (int yy = 0; yy < 3; ++yy)
            for (int xx = 0; xx < 4; ++xx) {
                const float v = x[static_cast<size_t>(yy * 4 + xx)];
                if (v == 0) continue;
                const int sy = static_cast<int>(v - 1) / 4, sx = static_cast<int>(v - 1) % 4;
                if (dy == 9) dy = sy - yy, dx = sx - xx;
                EXPECT_EQ(sy - yy, dy);
                EXPECT_EQ(sx - xx, dx);
            }
    }
    EXPECT_EQ(seen.size(), 9u);  // offsets -1, 0, 1 in each direction
    // Same seed and step, same result; no augmentation when not asked.
    std::vector<float> a = img, b = img, c = img;
    crop.apply(a.data(), 1, item, true, 5, 77, scratch);
    crop.apply(b.data(), 1, item, true, 5, 77, scratch);
    crop.apply(c.data(), 1, item, false, 5, 77, scratch);
    EXPECT_EQ(a, b);
    EXPECT_EQ(c, img);
}

TEST(DataPipeline, SplitsAndLimitsFromTheSpec) {
    ModelSpec s = load_preset("spiral-tanh");
    s.data.samples = 1000;
    s.data.test_fraction = 0.2f;
    s.data.validation_fraction = 0.25f;
    PreparedData p = prepare_data(s);
    EXPECT_EQ(p.test->size(), 200u);
    EXPECT_EQ(p.validation->size(), 200u);
    EXPECT_EQ(p.train->size(), 600u);
    s.data.limit = 100;
    s.data.test_limit = 50;
    p = prepare_data(s);
    EXPECT_EQ(p.train->size() + p.validation->size(), 100u);
    EXPECT_EQ(p.validation->size(), 25u);
    EXPECT_EQ(p.test->size(), 50u);
    // The same seed, the same split.
    PreparedData q = prepare_data(s);
    EXPECT_EQ(gather_all(*p.validation), gather_all(*q.validation));
}

TEST(DataPipeline, FileDatasetsNeedAPath) {
    ModelSpec s = load_preset("cnn-cifar10");
    try {
        prepare_data(s);
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()),
                  "data \"cifar10\" is read from files: set \"path\" to the directory holding "
                  "data_batch_1.bin ... test_batch.bin");
    }
    s.data.name = "nonsense";
    EXPECT_THROW(prepare_data(s), Error);
}

TEST(BatchLoader, BackgroundBatchesEqualDirectOnes) {
    // 64 items of 1x28x28: past the inline limit, so a thread assembles them.
    auto d = ramp_images(200, 1, 28, 28);
    Preprocess p;
    fit_normalization(*d, p);
    p.flip = true;
    p.crop_padding = 2;
    BatchLoader loader(cpu_backend(), d->item_shape(), 1, 64);
    std::vector<uint32_t> idx(64);
    std::vector<float> scratch;
    for (int round = 0; round < 5; ++round) {
        for (int i = 0; i < 64; ++i) idx[static_cast<size_t>(i)] = static_cast<uint32_t>((i * 7 + round) % 200);
        loader.prepare(*d, idx.data(), 64 - round, p, true, 11, static_cast<uint64_t>(round));
        Tensor x, y;
        loader.take(x, y);
        std::vector<float> want(static_cast<size_t>(64 - round) * 784), wy(64);
        d->gather(idx.data(), 64 - round, want.data(), wy.data());
        p.apply(want.data(), 64 - round, d->item_shape(), true, 11, static_cast<uint64_t>(round), scratch);
        EXPECT_EQ(x.to_host(), want) << "round " << round;
        EXPECT_EQ(x.dim(0), 64 - round);
    }
    // An error on the loader thread comes back on take().
    uint32_t bad = 500;
    loader.prepare(*d, &bad, 1, p, false, 0, 0);
    Tensor x, y;
    EXPECT_THROW(loader.take(x, y), Error);
}

TEST(BatchLoader, TrainingWithTheThreadIsDeterministic) {
    ModelSpec s = load_preset("mlp-fashion");
    s.data.name = "synthetic";
    s.data.samples = 640;
    s.data.test_fraction = 0;
    s.data.normalize = true;
    auto run = [&] {
        PreparedData d = prepare_data(s);
        Trainer t(s, d, cpu_backend());
        std::vector<double> l;
        for (int i = 0; i < 25; ++i) l.push_back(t.step().loss);  // crosses two epochs
        return l;
    };
    EXPECT_EQ(run(), run());
}

// The CI's real-data check: mlp-fashion on a 5,000-image subset of
// Fashion-MNIST for one epoch clears 75% test accuracy.
TEST(RealData, MlpFashionOnAFiveThousandImageSubset) {
    if (!have_fashion_mnist())
        GTEST_SKIP() << "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)";
    ModelSpec s = load_preset("mlp-fashion");
    s.data.limit = 5000;
    PreparedData d = prepare_data(s);
    ASSERT_EQ(d.train->size(), 5000u);
    ASSERT_EQ(d.test->size(), 10000u);
    Trainer t(s, d, cpu_backend());
    const double before = t.evaluate(*d.test).accuracy;
    t.run_epoch();
    const double after = t.evaluate(*d.test).accuracy;
    EXPECT_LT(before, 0.3);
    EXPECT_GT(after, 0.75);
}

}  // namespace
}  // namespace gs
