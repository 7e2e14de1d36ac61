// Tests for data_files.h and ByteDataset: the real Fashion-MNIST files, the
// tiny samples in tests/data (IDX plain and gzip, a CIFAR-10 batch), and
// every kind of broken input, each of which must be a gs::Error naming the
// file and what is wrong. CSV files are in test_csv.cpp.
// GCC 12 warns falsely of -Wrestrict where it inlines "'" + std::string
// (GCC bug 105329); set before the includes, where the warning points.
#pragma GCC diagnostic ignored "-Wrestrict"
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include "data_checks.h"
#include "gradscope/data_files.h"
#include "gradscope/dataset.h"
#include "gradscope/error.h"

namespace fs = std::filesystem;
using gs::Error;
using gs::test::error_of;
using gs::test::Gathered;
using gs::test::gather_all;

namespace {

const std::string kData = GS_TEST_DATA_DIR;
const char* const kFashionDir = "/usr/share/datasets/fashion-mnist";

std::vector<uint8_t> read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

void put_be32(std::vector<uint8_t>& v, uint32_t x) {
    for (int s = 24; s >= 0; s -= 8) v.push_back(static_cast<uint8_t>(x >> s));
}

std::vector<uint8_t> idx_images(uint32_t n, uint32_t rows, uint32_t cols, size_t data_bytes,
                                uint32_t magic = 0x803) {
    std::vector<uint8_t> v;
    for (uint32_t x : {magic, n, rows, cols}) put_be32(v, x);
    for (size_t i = 0; i < data_bytes; ++i) v.push_back(static_cast<uint8_t>(i * 7));
    return v;
}

std::vector<uint8_t> idx_labels(const std::vector<uint8_t>& labels, uint32_t magic = 0x801) {
    std::vector<uint8_t> v;
    put_be32(v, magic);
    put_be32(v, static_cast<uint32_t>(labels.size()));
    v.insert(v.end(), labels.begin(), labels.end());
    return v;
}

std::string parse_idx_error(const std::vector<uint8_t>& images, const std::vector<uint8_t>& labels,
                            int num_classes = 10) {
    return error_of([&] {
        gs::parse_idx(images.data(), images.size(), "imgs", labels.data(), labels.size(), "lbls",
                      "t", num_classes);
    });
}

// A fresh directory per test, removed afterwards.
class DataFilesTest : public ::testing::Test {
  protected:
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        m_dir = fs::temp_directory_path() /
                ("gs_test_data_files_" + std::to_string(::getpid()) + "_" + info->name());
        fs::remove_all(m_dir);
        fs::create_directories(m_dir);
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(m_dir, ec);
    }
    std::string path(const std::string& name) const { return (m_dir / name).string(); }
    std::string write(const std::string& name, const std::vector<uint8_t>& bytes) const {
        std::ofstream out(path(name), std::ios::binary);
        out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<long>(bytes.size()));
        return path(name);
    }
    std::string write(const std::string& name, const std::string& text) const {
        return write(name, std::vector<uint8_t>(text.begin(), text.end()));
    }
    fs::path m_dir;
};

// --- ByteDataset --------------------------------------------------------------

TEST(ByteDataset, GathersBytesAsFloatsAndLabels) {
    gs::ByteDataset d("b", gs::Shape{1, 2, 2}, 3, {"a", "b", "c"});
    const uint8_t p0[4] = {0, 255, 51, 102}, p1[4] = {1, 2, 3, 4};
    d.add(p0, 2);
    d.add(p1, 0);
    EXPECT_EQ(d.size(), 2u);
    EXPECT_EQ(d.label(0), 2);
    EXPECT_EQ(d.item(1)[3], 4);
    const uint32_t idx[3] = {1, 0, 1};
    std::vector<float> x(12), y(3);
    d.gather(idx, 3, x.data(), y.data());
    EXPECT_FLOAT_EQ(x[0], 1.0f / 255.0f);
    EXPECT_FLOAT_EQ(x[4], 0.0f);
    EXPECT_FLOAT_EQ(x[5], 1.0f);
    EXPECT_FLOAT_EQ(x[6], 0.2f);
    EXPECT_FLOAT_EQ(x[7], 0.4f);
    EXPECT_EQ(y, (std::vector<float>{0.0f, 2.0f, 0.0f}));
    const uint32_t bad = 2;
    EXPECT_EQ(error_of([&] { d.gather(&bad, 1, x.data(), y.data()); }),
              "dataset 'b': item 2 asked for, but it holds 2");
}

TEST(ByteDataset, RejectsBadShapesClassesAndLabels) {
    EXPECT_HAS(error_of([] { gs::ByteDataset("b", gs::Shape{}, 2); }), "1 to 4 dimensions");
    EXPECT_HAS(error_of([] {
                   gs::ByteDataset("b", gs::Shape{1, 0, 3}, 2);
               }),
               "has a dimension below 1");
    EXPECT_HAS(error_of([] { gs::ByteDataset("b", gs::Shape{65536, 65536, 2}, 2); }), "too large");
    EXPECT_HAS(error_of([] { gs::ByteDataset("b", gs::Shape{4}, 0); }), "1 to 256 classes, got 0");
    EXPECT_HAS(error_of([] { gs::ByteDataset("b", gs::Shape{4}, 257); }), "got 257");
    EXPECT_EQ(error_of([] {
                  gs::ByteDataset("b", gs::Shape{4}, 3, {"x", "y"});
              }),
              "dataset 'b': 2 class names given for 3 classes");

    gs::ByteDataset d("b", gs::Shape{2}, 3);
    const uint8_t px[2] = {1, 2};
    EXPECT_EQ(error_of([&] { d.add(px, 3); }),
              "dataset 'b': label 3 of item 0 is not between 0 and 2");
    EXPECT_HAS(error_of([&] { d.add(px, -1); }), "label -1");
    EXPECT_EQ(d.size(), 0u);
    EXPECT_HAS(error_of([&] { d.assign(std::vector<uint8_t>(5), std::vector<uint8_t>(2)); }),
               "5 pixel bytes do not make 2 items of 2");
    EXPECT_EQ(error_of([&] {
                  d.assign(std::vector<uint8_t>(4), std::vector<uint8_t>{0, 7});
              }),
              "dataset 'b': label 7 of item 1 is not below 3");
    d.reserve(10);
    d.assign(std::vector<uint8_t>(6, 9), std::vector<uint8_t>{0, 1, 2});
    EXPECT_EQ(d.size(), 3u);
    EXPECT_EQ(d.label(2), 2);
    EXPECT_EQ(d.memory_bytes(), 9u);
}

// --- gzip -------------------------------------------------------------------------

TEST_F(DataFilesTest, ReadsPlainAndGzipFiles) {
    const std::string plain = write("plain.bin", std::string("hello"));
    EXPECT_EQ(gs::read_maybe_gzip(plain, 5), (std::vector<uint8_t>{'h', 'e', 'l', 'l', 'o'}));
    const auto zeros = gs::read_maybe_gzip(kData + "/gzip_zeros_1mb.gz", 1 << 20);
    ASSERT_EQ(zeros.size(), 1u << 20);
    EXPECT_EQ(std::count(zeros.begin(), zeros.end(), 0), 1 << 20);

    // Two members back to back (cat a.gz b.gz), then zero padding.
    auto gz = read_bytes(kData + "/idx_tiny/t10k-images-idx3-ubyte.gz");
    auto two = gz;
    two.insert(two.end(), gz.begin(), gz.end());
    two.insert(two.end(), 10, 0);
    const auto both = gs::read_maybe_gzip(write("two.gz", two), 1000);
    const auto one = gs::read_maybe_gzip(kData + "/idx_tiny/t10k-images-idx3-ubyte.gz", 1000);
    ASSERT_EQ(one.size(), 16u + 24u);
    EXPECT_EQ(both.size(), 2 * one.size());
    EXPECT_TRUE(std::equal(one.begin(), one.end(), both.begin() + static_cast<long>(one.size())));
}

TEST_F(DataFilesTest, RefusesMoreThanTheCap) {
    const std::string zeros = kData + "/gzip_zeros_1mb.gz";
    EXPECT_EQ(error_of([&] { gs::read_maybe_gzip(zeros, (1 << 20) - 1); }),
              "'" + zeros + "': more than 1,048,575 bytes uncompressed — is this the right file?");
    const std::string plain = write("plain.bin", std::string(100, 'x'));
    EXPECT_EQ(error_of([&] { gs::read_maybe_gzip(plain, 99); }),
              "'" + plain + "': more than 99 bytes — is this the right file?");
    // A trailer claiming 4 GiB changes nothing but the length check.
    auto gz = read_bytes(zeros);
    for (size_t i = gz.size() - 4; i < gz.size(); ++i) gz[i] = 0xff;
    const std::string liar = write("liar.gz", gz);
    EXPECT_EQ(error_of([&] { gs::read_maybe_gzip(liar, 2 << 20); }),
              "'" + liar + "': not valid gzip data (incorrect length check)");
}

TEST_F(DataFilesTest, NamesBrokenAndMissingFiles) {
    const std::string missing = path("nope.gz");
    EXPECT_EQ(error_of([&] { gs::read_maybe_gzip(missing, 10); }),
              "cannot read '" + missing + "': No such file or directory");
    EXPECT_EQ(error_of([&] { gs::read_maybe_gzip(m_dir.string(), 10); }),
              "cannot read '" + m_dir.string() + "': Is a directory");

    const auto gz = read_bytes(kData + "/gzip_zeros_1mb.gz");
    const std::string cut = write(
        "cut.gz", std::vector<uint8_t>(gz.begin(), gz.begin() + static_cast<long>(gz.size() / 2)));
    EXPECT_EQ(error_of([&] { gs::read_maybe_gzip(cut, 2 << 20); }),
              "'" + cut +
                  "': the gzip stream is truncated (it ends before its end marker) — the "
                  "file may be incomplete");
    const std::string header_only =
        write("hdr.gz", std::vector<uint8_t>(gz.begin(), gz.begin() + 5));
    EXPECT_HAS(error_of([&] { gs::read_maybe_gzip(header_only, 100); }), "truncated");

    auto bad = gz;
    bad[3] = 0xe0;  // reserved flag bits set
    const std::string flags = write("flags.gz", bad);
    EXPECT_EQ(error_of([&] { gs::read_maybe_gzip(flags, 2 << 20); }),
              "'" + flags + "': not valid gzip data (unknown header flags set)");
    bad = gz;
    bad[gz.size() - 6] ^= 0x55;  // the CRC
    const std::string crc = write("crc.gz", bad);
    EXPECT_EQ(error_of([&] { gs::read_maybe_gzip(crc, 2 << 20); }),
              "'" + crc + "': not valid gzip data (incorrect data check)");
    bad = gz;
    bad.push_back('j');
    bad.push_back('k');
    const std::string junk = write("junk.gz", bad);
    EXPECT_HAS(error_of([&] { gs::read_maybe_gzip(junk, 2 << 20); }),
               "not valid gzip data (2 bytes of something else follow the end");
}

// --- IDX ----------------------------------------------------------------------------

TEST(Idx, LoadsTheTinySampleDirectory) {
    const gs::DataSplit s = gs::load_idx_dir(kData + "/idx_tiny", "tiny");
    ASSERT_EQ(s.train->size(), 6u);
    ASSERT_EQ(s.test->size(), 2u);
    EXPECT_EQ(s.train->item_shape(), (gs::Shape{1, 3, 4}));
    EXPECT_EQ(s.train->num_classes(), 10);
    EXPECT_EQ(s.train->name(), "tiny");
    EXPECT_EQ(s.train->class_names().at(9), "9");
    const Gathered tr = gather_all(*s.train), te = gather_all(*s.test);
    EXPECT_EQ(tr.y, (std::vector<float>{9, 0, 3, 9, 1, 2}));
    EXPECT_EQ(te.y, (std::vector<float>{7, 5}));
    // pixel p of image k is (16k + 5p + seed) % 256; seed 0 for train, 1 for test
    for (int k = 0; k < 6; ++k)
        for (int p = 0; p < 12; ++p)
            ASSERT_FLOAT_EQ(tr.x[static_cast<size_t>(k * 12 + p)],
                            static_cast<float>((16 * k + 5 * p) % 256) / 255.0f);
    EXPECT_FLOAT_EQ(te.x[12 + 11], static_cast<float>((16 + 55 + 1) % 256) / 255.0f);
}

TEST(Idx, LoadsFashionMnist) {
    if (!fs::exists(kFashionDir))
        GTEST_SKIP() << kFashionDir << " is missing: install Debian's dataset-fashion-mnist "
                     << "package (./test.sh does) to run this test";
    const gs::DataSplit s =
        gs::load_idx_dir(kFashionDir, "fashion-mnist", 10, gs::fashion_mnist_classes());
    auto train = std::dynamic_pointer_cast<gs::ByteDataset>(s.train);
    auto test = std::dynamic_pointer_cast<gs::ByteDataset>(s.test);
    ASSERT_TRUE(train && test);
    EXPECT_EQ(train->size(), 60000u);
    EXPECT_EQ(test->size(), 10000u);
    EXPECT_EQ(train->item_shape(), (gs::Shape{1, 28, 28}));
    EXPECT_EQ(test->item_shape(), (gs::Shape{1, 28, 28}));
    EXPECT_EQ(train->class_names().at(9), "Ankle boot");
    std::vector<int> count(10, 0), test_count(10, 0);
    for (size_t i = 0; i < train->size(); ++i) ++count[static_cast<size_t>(train->label(i))];
    for (size_t i = 0; i < test->size(); ++i) ++test_count[static_cast<size_t>(test->label(i))];
    EXPECT_EQ(count, std::vector<int>(10, 6000));
    EXPECT_EQ(test_count, std::vector<int>(10, 1000));
    EXPECT_LT(train->memory_bytes() + test->memory_bytes(), 60u * 1000 * 1000);

    // The first label and image, straight from the files: label 9 (Ankle boot).
    const std::string dir = kFashionDir;
    const auto raw_labels = gs::read_maybe_gzip(dir + "/train-labels-idx1-ubyte.gz", 1 << 20);
    const auto raw_images = gs::read_maybe_gzip(dir + "/train-images-idx3-ubyte.gz", 50 << 20);
    ASSERT_EQ(raw_labels.size(), 60008u);
    EXPECT_EQ(raw_labels[8], 9);
    EXPECT_EQ(train->label(0), raw_labels[8]);
    EXPECT_TRUE(std::equal(raw_images.begin() + 16, raw_images.begin() + 16 + 784, train->item(0)));
    EXPECT_TRUE(std::equal(raw_images.end() - 784, raw_images.end(), train->item(59999)));
}

TEST(Idx, RejectsShortFilesAndWrongMagic) {
    const auto labels = idx_labels({1, 2});
    const auto images = idx_images(2, 2, 2, 8);
    EXPECT_EQ(parse_idx_error(std::vector<uint8_t>(images.begin(), images.begin() + 10), labels),
              "'imgs': the file is 10 bytes, shorter than the 16-byte header of an IDX images "
              "file — is it truncated?");
    EXPECT_EQ(parse_idx_error({}, labels),
              "'imgs': the file is empty (an IDX images file was expected)");
    EXPECT_HAS(parse_idx_error(images, std::vector<uint8_t>(labels.begin(), labels.begin() + 6)),
               "'lbls': the file is 6 bytes, shorter than the 8-byte header");
    EXPECT_EQ(parse_idx_error(idx_images(2, 2, 2, 8, 0x801), labels),
              "'imgs': magic number 0x00000801 found, 0x00000803 expected for an IDX images file "
              "— this looks like an IDX labels file; are the images and labels files swapped?");
    EXPECT_HAS(parse_idx_error(images, idx_labels({1, 2}, 0x803)),
               "'lbls': magic number 0x00000803 found, 0x00000801 expected for an IDX labels file");
    EXPECT_EQ(parse_idx_error(labels, images),
              "'imgs' is an IDX labels file and 'lbls' an IDX images file — the two are swapped");
    EXPECT_HAS(parse_idx_error(idx_images(2, 2, 2, 8, 0x1f8b0800), labels), "this is gzip data");
    EXPECT_HAS(parse_idx_error(idx_images(2, 2, 2, 8, 0x00000D03), labels),
               "0x00000D03 found, 0x00000803 expected for an IDX images file — this is IDX data "
               "of type float with 3 dimensions");
    EXPECT_HAS(parse_idx_error(idx_images(2, 2, 2, 8, 0x89504e47), labels),
               "magic number 0x89504E47 found, 0x00000803 expected for an IDX images file — this "
               "is not an IDX file");
}

TEST(Idx, RejectsDimensionsThatDisagreeWithTheFile) {
    EXPECT_EQ(parse_idx_error(idx_images(60000, 28, 28, 1000), idx_labels({1})),
              "'imgs': header says 60000 images of 28x28 (47,040,000 bytes) but the file holds "
              "1,000 bytes after its header — is it truncated?");
    EXPECT_HAS(parse_idx_error(idx_images(1, 2, 2, 5), idx_labels({1})),
               "header says 1 images of 2x2 (4 bytes) but the file holds 5 bytes after its "
               "header — it has data beyond what the header says");
    EXPECT_EQ(parse_idx_error(idx_images(0, 28, 28, 0), idx_labels({})),
              "'imgs': the header says 0 images — no data");
    EXPECT_HAS(parse_idx_error(idx_images(1, 0, 28, 0), idx_labels({1})),
               "images of 0x28 — an image needs at least one row and one column");
    EXPECT_HAS(parse_idx_error(idx_images(0xffffffff, 0xffffffff, 0xffffffff, 4), idx_labels({1})),
               "'imgs': the header says 4,294,967,295 images of 4294967295x4294967295, more than "
               "the 2,147,483,648 bytes this reader takes — is the header damaged?");
    EXPECT_HAS(parse_idx_error(idx_images(70000, 200, 200, 4), idx_labels({1})),
               "is the header damaged?");
    // labels header against its own size, then the two counts
    auto labels = idx_labels({1, 2, 3});
    labels.pop_back();
    EXPECT_EQ(parse_idx_error(idx_images(3, 1, 1, 3), labels),
              "'lbls': header says 3 labels (3 bytes) but the file holds 2 bytes after its header "
              "— is it truncated?");
    EXPECT_EQ(parse_idx_error(idx_images(3, 1, 1, 3), idx_labels({1, 2})),
              "'imgs' holds 3 images but 'lbls' holds 2 labels — do the two files belong "
              "together?");
}

TEST(Idx, RejectsLabelsOutOfRange) {
    std::vector<uint8_t> labels(400, 3);
    labels[345] = 12;
    EXPECT_EQ(parse_idx_error(idx_images(400, 1, 1, 400), idx_labels(labels)),
              "'lbls': label 12 at item 345 is not below 10");
    EXPECT_HAS(parse_idx_error(idx_images(2, 1, 1, 2), idx_labels({0, 3}), 3),
               "label 3 at item 1 is not below 3");
    EXPECT_HAS(parse_idx_error(idx_images(2, 1, 1, 2), idx_labels({0, 1}), 300),
               "1 to 256 classes, not 300");
    // Within range for a larger class count.
    const auto images = idx_images(2, 1, 1, 2);
    const auto ok = idx_labels({0, 12});
    auto d = gs::parse_idx(images.data(), images.size(), "i", ok.data(), ok.size(), "l", "t", 13);
    EXPECT_EQ(d->label(1), 12);
}

TEST_F(DataFilesTest, IdxDirectoryErrorsSayWhatIsThere) {
    EXPECT_EQ(error_of([&] { gs::load_idx_dir(path("none"), "x"); }),
              "'" + path("none") + "': no such directory");
    EXPECT_EQ(error_of([&] { gs::load_idx_dir(m_dir.string(), "x"); }),
              "'" + m_dir.string() +
                  "': no train-images-idx3-ubyte (or train-images-idx3-ubyte.gz) "
                  "there; it is empty");
    for (const char* f : {"train-images-idx3-ubyte", "train-labels-idx1-ubyte.gz", "notes.txt"})
        fs::copy_file(
            kData + "/idx_tiny/" + (std::string(f) == "notes.txt" ? "t10k-labels-idx1-ubyte" : f),
            path(f));
    EXPECT_EQ(error_of([&] { gs::load_idx_dir(m_dir.string(), "x"); }),
              "'" + m_dir.string() +
                  "': no t10k-images-idx3-ubyte (or t10k-images-idx3-ubyte.gz) "
                  "there; it holds notes.txt, train-images-idx3-ubyte, train-labels-idx1-ubyte.gz");
    // The dotted spelling some copies use is found too.
    fs::copy_file(kData + "/idx_tiny/t10k-images-idx3-ubyte.gz", path("t10k-images.idx3-ubyte.gz"));
    fs::rename(path("notes.txt"), path("t10k-labels.idx1-ubyte"));
    EXPECT_EQ(gs::load_idx_dir(m_dir.string(), "x").test->size(), 2u);
    // A truncated member of the set names itself.
    const auto img = read_bytes(kData + "/idx_tiny/train-images-idx3-ubyte");
    write("train-images-idx3-ubyte", std::vector<uint8_t>(img.begin(), img.end() - 1));
    EXPECT_HAS(error_of([&] { gs::load_idx_dir(m_dir.string(), "x"); }),
               "'" + path("train-images-idx3-ubyte") +
                   "': header says 6 images of 3x4 (72 bytes) "
                   "but the file holds 71 bytes after its header");
}

TEST(Idx, FashionClassNames) {
    const auto names = gs::fashion_mnist_classes();
    ASSERT_EQ(names.size(), 10u);
    EXPECT_EQ(names[0], "T-shirt/top");
    EXPECT_EQ(names[6], "Shirt");
    EXPECT_EQ(names[9], "Ankle boot");
}

// --- CIFAR-10 -------------------------------------------------------------------------

TEST(Cifar10, ParsesTheTinyBatch) {
    const std::string file = kData + "/cifar10_tiny/tiny_batch.bin";
    const auto bytes = read_bytes(file);
    auto d = gs::parse_cifar10(bytes.data(), bytes.size(), file, "c");
    ASSERT_EQ(d->size(), 2u);
    EXPECT_EQ(d->item_shape(), (gs::Shape{3, 32, 32}));
    EXPECT_EQ(d->num_classes(), 10);
    EXPECT_EQ(d->class_names().at(0), "airplane");
    EXPECT_EQ(d->class_names().at(9), "truck");
    EXPECT_EQ(d->label(0), 3);
    EXPECT_EQ(d->label(1), 8);
    // pixel p of record r is (3p + 101r) % 256; p counts red, then green, then blue planes
    for (int r = 0; r < 2; ++r)
        for (int p = 0; p < 3072; ++p)
            ASSERT_EQ(d->item(static_cast<size_t>(r))[p], (3 * p + 101 * r) % 256);
}

TEST(Cifar10, RejectsBrokenBatches) {
    auto err = [](const std::vector<uint8_t>& b) {
        return error_of([&] { gs::parse_cifar10(b.data(), b.size(), "batch.bin", "c"); });
    };
    EXPECT_EQ(err({}), "'batch.bin': the file is empty (a CIFAR-10 batch was expected)");
    EXPECT_EQ(err(std::vector<uint8_t>(3073 * 2 - 5)),
              "'batch.bin': 6,141 bytes is not a whole number of CIFAR-10 records (3,073 bytes "
              "each: a label byte and 3x32x32 pixels): 1 record and 3,068 bytes over — is the "
              "file truncated?");
    EXPECT_HAS(err(std::vector<uint8_t>(3074 * 3)), "this looks like a CIFAR-100 file");
    std::vector<uint8_t> b(3073 * 3, 0);
    b[3073] = 10;
    EXPECT_EQ(err(b),
              "'batch.bin': record 1 has label 10, not below 10 (CIFAR-10 labels are 0 to 9)");
    b[3073] = 9;
    EXPECT_EQ(gs::parse_cifar10(b.data(), b.size(), "batch.bin", "c")->label(1), 9);
    EXPECT_HAS(error_of([&] { gs::parse_cifar10(b.data(), b.size(), "batch.bin", "c", {"a"}); }),
               "CIFAR-10 has 10 classes, but 1 class names were given");
}

TEST_F(DataFilesTest, LoadsACifar10Directory) {
    const std::string tiny = kData + "/cifar10_tiny/tiny_batch.bin";
    EXPECT_HAS(error_of([&] { gs::load_cifar10_dir(m_dir.string()); }),
               "no data_batch_1.bin there (a CIFAR-10 binary directory holds data_batch_1.bin to "
               "data_batch_5.bin and test_batch.bin); it is empty");
    const fs::path sub = m_dir / "cifar-10-batches-bin";
    fs::create_directories(sub);
    for (int i = 1; i <= 5; ++i)
        fs::copy_file(tiny, sub / ("data_batch_" + std::to_string(i) + ".bin"));
    EXPECT_EQ(
        error_of([&] { gs::load_cifar10_dir(m_dir.string()); }),
        "'" + sub.string() +
            "': no test_batch.bin there (a CIFAR-10 binary directory holds "
            "data_batch_1.bin to data_batch_5.bin and test_batch.bin); it holds data_batch_1.bin, "
            "data_batch_2.bin, data_batch_3.bin, data_batch_4.bin, data_batch_5.bin");
    fs::copy_file(tiny, sub / "test_batch.bin");
    gs::DataSplit s = gs::load_cifar10_dir(m_dir.string());  // the archive's parent directory
    ASSERT_EQ(s.train->size(), 10u);
    EXPECT_EQ(s.test->size(), 2u);
    EXPECT_EQ(s.train->item_shape(), (gs::Shape{3, 32, 32}));
    const Gathered g = gather_all(*s.train);
    EXPECT_EQ(g.y, (std::vector<float>{3, 8, 3, 8, 3, 8, 3, 8, 3, 8}));
    EXPECT_EQ(s.train->class_names().at(1), "automobile");

    std::ofstream(sub / "batches.meta.txt") << "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n\n";
    s = gs::load_cifar10_dir(sub.string());
    EXPECT_EQ(s.test->class_names().at(9), "j");
    std::ofstream(sub / "batches.meta.txt") << "a\nb\n";
    EXPECT_EQ(error_of([&] { gs::load_cifar10_dir(sub.string()); }),
              "'" + (sub / "batches.meta.txt").string() +
                  "': lists 2 class names, one a line; CIFAR-10 has 10");
    fs::remove(sub / "batches.meta.txt");
    std::ofstream(sub / "data_batch_3.bin", std::ios::binary) << "short";
    EXPECT_HAS(error_of([&] { gs::load_cifar10_dir(sub.string()); }),
               "'" + (sub / "data_batch_3.bin").string() + "': 5 bytes is not a whole number");
}

}  // namespace
