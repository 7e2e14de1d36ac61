// Tests for large_pages.h: big blocks start on a 2 MiB boundary (where a
// huge page can back them), small ones come from new; a ByteDataset's items
// live in such a block once they are big, and gather the same either way.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "gradscope/dataset.h"
#include "gradscope/large_pages.h"

namespace {

bool on_2mib_boundary(const void* p) { return reinterpret_cast<uintptr_t>(p) % gs::large_pages::kPage == 0; }

TEST(LargePages, BigBlocksStartOnA2MiBBoundaryAndHoldTheirBytes) {
    gs::LargePageAllocator<uint8_t> a;
    const size_t n = gs::large_pages::kThreshold + 12345;  // not a whole number of pages
    uint8_t* p = a.allocate(n);
    ASSERT_NE(p, nullptr);
    EXPECT_TRUE(on_2mib_boundary(p));
    p[0] = 1;
    p[n - 1] = 2;  // the last byte asked for is there (ASan would say otherwise)
    EXPECT_EQ(p[0] + p[n - 1], 3);
    a.deallocate(p, n);
    // A small block is an ordinary one; freeing it the other way would crash.
    uint8_t* q = a.allocate(100);
    ASSERT_NE(q, nullptr);
    q[99] = 7;
    a.deallocate(q, 100);
}

TEST(LargePages, AnImpossibleSizeIsBadAllocNotACrash) {
    gs::LargePageAllocator<float> a;
    EXPECT_THROW((void)a.allocate(static_cast<size_t>(-1) / 2), std::bad_alloc);
}

TEST(LargePages, AByteDatasetKeepsBigItemsInLargePagesAndGathersThem) {
    // 12,000 items of 28x28 bytes: 9.4 MB, above the threshold.
    const gs::Shape item{1, 28, 28};
    const size_t per = 28 * 28, count = 12000;
    std::vector<uint8_t> pixels(count * per), labels(count);
    for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<uint8_t>(i * 7 + i / per);
    for (size_t i = 0; i < count; ++i) labels[i] = static_cast<uint8_t>(i % 10);
    gs::ByteDataset d("big", item, 10);
    d.assign(pixels, labels);
    EXPECT_TRUE(on_2mib_boundary(d.item(0)));
    const uint32_t idx[3] = {11999, 0, 4321};
    std::vector<float> x(3 * per), y(3);
    d.gather(idx, 3, x.data(), y.data());
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(y[i], static_cast<float>(idx[i] % 10));
        for (size_t j = 0; j < per; j += 97)
            EXPECT_FLOAT_EQ(x[i * per + j], pixels[idx[i] * per + j] / 255.0f) << i << " " << j;
    }
}

}  // namespace
