// Tests for load_image_folder (data_files.h): folder layout, decoding (PNG,
// JPEG, BMP; grayscale and RGB), exact pixel values after resizing, and every
// error it reports. The image folders are written at test time with
// stb_image_write, except the small committed sample in tests/data/image_folder.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "gradscope/data_files.h"
#include "gradscope/dataset.h"
#include "gradscope/error.h"

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wall"
#pragma GCC diagnostic ignored "-Wextra"
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include <stb_image_write.h>
#pragma GCC diagnostic pop

namespace fs = std::filesystem;

namespace {

// A fresh folder under the system temp dir, removed with everything in it.
class TempDir {
  public:
    explicit TempDir(const std::string& name) {
        static int counter = 0;
        m_path =
            fs::temp_directory_path() /
            ("gs_test_image_folder_" + std::to_string(getpid()) + "_" + std::to_string(counter++)) /
            name;
        fs::create_directories(m_path);
    }
    ~TempDir() {
        std::error_code ec;
        fs::permissions(m_path, fs::perms::owner_all, fs::perm_options::add, ec);
        fs::remove_all(m_path.parent_path(), ec);
    }
    const fs::path& path() const { return m_path; }
    std::string str() const { return m_path.string(); }
    // root/<rel>, with its parent folders created.
    fs::path at(const std::string& rel) const {
        fs::path p = m_path / rel;
        fs::create_directories(p.parent_path());
        return p;
    }

  private:
    fs::path m_path;
};

// pixels: (h, w, c) interleaved, as stb_image_write takes them.
void write_png(const fs::path& p, int w, int h, int c, const std::vector<uint8_t>& pixels) {
    ASSERT_EQ(pixels.size(), static_cast<size_t>(w * h * c));
    ASSERT_TRUE(stbi_write_png(p.string().c_str(), w, h, c, pixels.data(), w * c)) << p;
}
void write_jpg(const fs::path& p, int w, int h, int c, const std::vector<uint8_t>& pixels) {
    ASSERT_TRUE(stbi_write_jpg(p.string().c_str(), w, h, c, pixels.data(), 100)) << p;
}
void write_bmp(const fs::path& p, int w, int h, int c, const std::vector<uint8_t>& pixels) {
    ASSERT_TRUE(stbi_write_bmp(p.string().c_str(), w, h, c, pixels.data())) << p;
}
std::vector<uint8_t> constant(int w, int h, std::vector<uint8_t> colour) {
    std::vector<uint8_t> out;
    for (int i = 0; i < w * h; ++i) out.insert(out.end(), colour.begin(), colour.end());
    return out;
}
void write_bytes(const fs::path& p, const std::vector<uint8_t>& bytes) {
    std::ofstream out(p, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
}

// The start of a PNG whose header (IHDR) claims w x h RGB pixels.
std::vector<uint8_t> png_header(uint32_t w, uint32_t h) {
    std::vector<uint8_t> b = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A,
                              0,    0,   0,   13,  'I',  'H',  'D',  'R'};
    for (uint32_t v : {w, h})
        for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<uint8_t>(v >> s));
    for (uint8_t v : {8, 2, 0, 0, 0, 0, 0, 0, 0}) b.push_back(v);  // depth, RGB, ..., CRC
    return b;
}

std::vector<uint8_t> item_bytes(const gs::ByteDataset& d, size_t i) {
    const uint8_t* p = d.item(i);
    return std::vector<uint8_t>(p, p + d.item_shape().numel());
}

gs::ImageFolderOptions opts(int h, int w, bool gray = false) {
    gs::ImageFolderOptions o;
    o.height = h;
    o.width = w;
    o.grayscale = gray;
    return o;
}

// The message of the gs::Error that load_image_folder throws ("" if none).
std::string error_of(const std::string& root, const gs::ImageFolderOptions& o) {
    try {
        gs::load_image_folder(root, o);
    } catch (const gs::Error& e) {
        return e.what();
    }
    return "";
}

#define EXPECT_CONTAINS(text, part)                            \
    EXPECT_NE(std::string(text).find(part), std::string::npos) \
        << "'" << (text) << "' lacks '" << (part) << "'"

}  // namespace

TEST(ImageFolder, ClassesCountsOrderAndShape) {
    TempDir dir("shapes");
    // cats: PNG RGB, PNG gray, upper-case extension (sorted by name: "C.PNG" < "a.png").
    write_png(dir.at("cats/a.png"), 10, 6, 3, constant(10, 6, {10, 20, 30}));
    write_png(dir.at("cats/b.png"), 5, 5, 1, constant(5, 5, {77}));
    write_png(dir.at("cats/C.PNG"), 3, 9, 3, constant(3, 9, {200, 100, 50}));
    write_bytes(dir.at("cats/notes.txt"), {'h', 'i'});         // not an image: ignored
    write_bytes(dir.at("cats/.DS_Store"), {1, 2, 3});          // hidden: skipped
    write_bytes(dir.at("cats/._a.png"), {0, 5, 22, 7, 0, 2});  // hidden, would not decode
    // dogs: BMP and JPEG (.jpeg, .JPG).
    write_bmp(dir.at("dogs/x.bmp"), 4, 4, 3, constant(4, 4, {0, 255, 0}));
    write_jpg(dir.at("dogs/y.jpeg"), 16, 16, 3, constant(16, 16, {128, 64, 32}));
    write_jpg(dir.at("dogs/z.JPG"), 7, 3, 1, constant(7, 3, {90}));
    write_bytes(dir.at("README.md"), {'x'});      // a loose file in root: ignored
    fs::create_directories(dir.path() / ".git");  // a hidden folder: skipped

    auto d = gs::load_image_folder(dir.str(), opts(8, 6));
    ASSERT_TRUE(d);
    EXPECT_EQ(d->name(), "shapes");
    EXPECT_EQ(d->class_names(), (std::vector<std::string>{"cats", "dogs"}));
    EXPECT_EQ(d->num_classes(), 2);
    ASSERT_EQ(d->size(), 6u);
    EXPECT_EQ(d->item_shape(), (gs::Shape{3, 8, 6}));
    for (size_t i = 0; i < 6; ++i) EXPECT_EQ(d->label(i), i < 3 ? 0 : 1) << i;

    const size_t plane = 8 * 6;
    auto expect_colour = [&](size_t i, std::vector<int> rgb, int tol) {
        const auto px = item_bytes(*d, i);
        for (size_t c = 0; c < 3; ++c)
            for (size_t k = 0; k < plane; ++k)
                ASSERT_NEAR(px[c * plane + k], rgb[c], tol) << "item " << i << " channel " << c;
    };
    expect_colour(0, {200, 100, 50}, 0);  // C.PNG
    expect_colour(1, {10, 20, 30}, 0);    // a.png
    expect_colour(2, {77, 77, 77}, 0);    // b.png: gray to RGB
    expect_colour(3, {0, 255, 0}, 0);     // x.bmp
    expect_colour(4, {128, 64, 32}, 3);   // y.jpeg (lossy)
    expect_colour(5, {90, 90, 90}, 3);    // z.JPG

    // gather gives byte / 255.
    std::vector<float> x(3 * plane), y(1);
    const uint32_t idx = 3;
    d->gather(&idx, 1, x.data(), y.data());
    EXPECT_FLOAT_EQ(x[plane], 1.0f);
    EXPECT_FLOAT_EQ(x[0], 0.0f);
    EXPECT_FLOAT_EQ(y[0], 1.0f);

    // A trailing slash does not change the name.
    EXPECT_EQ(gs::load_image_folder(dir.str() + "/", opts(2, 2))->name(), "shapes");
}

TEST(ImageFolder, ConstantColourSurvivesEveryResize) {
    TempDir dir("flat");
    write_png(dir.at("a/one.png"), 7, 5, 3, constant(7, 5, {37, 150, 222}));
    // Shrinking by a fraction (5x7 -> 4x4, 3x3), enlarging, both at once, identity.
    for (auto [h, w] : {std::pair{4, 4}, {3, 3}, {16, 16}, {2, 20}, {11, 3}, {5, 7}, {1, 1}}) {
        auto d = gs::load_image_folder(dir.str(), opts(h, w));
        const auto px = item_bytes(*d, 0);
        const size_t plane = static_cast<size_t>(h * w);
        for (size_t c = 0; c < 3; ++c)
            for (size_t k = 0; k < plane; ++k)
                ASSERT_EQ(px[c * plane + k], (std::vector<int>{37, 150, 222}[c]))
                    << h << "x" << w << " channel " << c;
    }
}

TEST(ImageFolder, EnlargesBilinearly) {
    TempDir dir("up");
    write_png(dir.at("a/p.png"), 2, 2, 1, {0, 160, 80, 240});
    auto d = gs::load_image_folder(dir.str(), opts(4, 4, true));
    EXPECT_EQ(d->item_shape(), (gs::Shape{1, 4, 4}));
    // Pixel centres at (i + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25 (edges clamped).
    EXPECT_EQ(item_bytes(*d, 0), (std::vector<uint8_t>{0, 40, 120, 160,    //
                                                       20, 60, 140, 180,   //
                                                       60, 100, 180, 220,  //
                                                       80, 120, 200, 240}));
}

TEST(ImageFolder, ShrinksByAreaAverage) {
    TempDir dir("down");
    write_png(dir.at("a/p.png"), 4, 4, 1,
              {10, 20, 100, 104,  //
               30, 40, 96, 100,   //
               0, 0, 255, 255,    //
               0, 4, 255, 251});
    auto d = gs::load_image_folder(dir.str(), opts(2, 2, true));
    EXPECT_EQ(item_bytes(*d, 0), (std::vector<uint8_t>{25, 100, 1, 254}));
    // 4 -> 1 along rows and 4 -> 2 along columns: the means of the two halves.
    d = gs::load_image_folder(dir.str(), opts(1, 2, true));
    EXPECT_EQ(item_bytes(*d, 0), (std::vector<uint8_t>{13, 177}));
    // 3 -> 2: weights 2/3, 1/3 and 1/3, 2/3.
    write_png(dir.at("b/q.png"), 3, 1, 1, {0, 90, 210});
    d = gs::load_image_folder(dir.str(), opts(1, 2, true));
    EXPECT_EQ(item_bytes(*d, 1), (std::vector<uint8_t>{30, 170}));
}

TEST(ImageFolder, ChannelsArePlanes) {
    TempDir dir("planes");
    // 2x1 RGB: left (1, 2, 3), right (4, 5, 6) -> planes R = {1, 4}, G = {2, 5}, B = {3, 6}.
    write_png(dir.at("a/p.png"), 2, 1, 3, {1, 2, 3, 4, 5, 6});
    auto d = gs::load_image_folder(dir.str(), opts(1, 2));
    EXPECT_EQ(item_bytes(*d, 0), (std::vector<uint8_t>{1, 4, 2, 5, 3, 6}));
}

TEST(ImageFolder, GrayscaleConversion) {
    TempDir dir("gray");
    // stb_image's luma: (77 r + 150 g + 29 b) >> 8.
    write_png(dir.at("a/rgb.png"), 4, 1, 3, {255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255});
    write_png(dir.at("a/rgba.png"), 1, 1, 4, {100, 100, 100, 7});  // alpha dropped
    auto d = gs::load_image_folder(dir.str(), opts(1, 4, true));
    EXPECT_EQ(d->item_shape(), (gs::Shape{1, 1, 4}));
    EXPECT_EQ(item_bytes(*d, 0), (std::vector<uint8_t>{76, 149, 28, 255}));
    EXPECT_EQ(item_bytes(*d, 1), (std::vector<uint8_t>{100, 100, 100, 100}));
}

TEST(ImageFolder, CommittedSample) {
    const std::string root = std::string(GS_TEST_DATA_DIR) + "/image_folder";
    auto d = gs::load_image_folder(root, opts(8, 8));
    EXPECT_EQ(d->name(), "image_folder");
    EXPECT_EQ(d->class_names(), (std::vector<std::string>{"circle", "cross"}));
    ASSERT_EQ(d->size(), 4u);
    EXPECT_EQ(d->item_shape(), (gs::Shape{3, 8, 8}));
    EXPECT_EQ(d->label(1), 0);
    EXPECT_EQ(d->label(2), 1);
    size_t bytes = 0;
    for (const auto& f : fs::recursive_directory_iterator(root))
        if (f.is_regular_file()) bytes += f.file_size();
    EXPECT_LT(bytes, 3000u);
}

TEST(ImageFolder, SymlinksAreFollowedOrReported) {
    TempDir dir("links");
    write_png(dir.at("a/p.png"), 2, 2, 1, {1, 2, 3, 4});
    fs::create_symlink(dir.path() / "a", dir.path() / "b");              // a class through a link
    fs::create_symlink(dir.path() / "a/p.png", dir.path() / "a/q.png");  // an image through a link
    auto d = gs::load_image_folder(dir.str(), opts(2, 2, true));
    EXPECT_EQ(d->class_names(), (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(d->size(), 4u);

    fs::create_symlink(dir.path() / "gone.png", dir.path() / "a/r.png");  // dangling
    fs::create_symlink(dir.path() / "nowhere", dir.path() / "c");         // dangling class: ignored
    const std::string e = error_of(dir.str(), opts(2, 2));
    EXPECT_CONTAINS(e, "'" + (dir.path() / "a/r.png").string() + "'");
    EXPECT_CONTAINS(e, "not a regular file");
}

TEST(ImageFolderErrors, RootMissingOrNotAFolder) {
    TempDir dir("root");
    const std::string missing = (dir.path() / "nope").string();
    std::string e = error_of(missing, opts(8, 8));
    EXPECT_CONTAINS(e, "'" + missing + "'");
    EXPECT_CONTAINS(e, "no such folder");

    const fs::path file = dir.at("file.png");
    write_png(file, 1, 1, 1, {0});
    e = error_of(file.string(), opts(8, 8));
    EXPECT_CONTAINS(e, "'" + file.string() + "' is not a folder");
}

TEST(ImageFolderErrors, NoClassFolders) {
    TempDir dir("empty");
    EXPECT_EQ(
        error_of(dir.str(), opts(8, 8)),
        "'" + dir.str() + "' has no class folders — expected " + dir.str() + "/<class>/*.png");
    // Loose images and hidden folders are not classes.
    write_png(dir.at("loose.png"), 1, 1, 1, {0});
    write_png(dir.at(".hidden/p.png"), 1, 1, 1, {0});
    EXPECT_CONTAINS(error_of(dir.str(), opts(8, 8)), "has no class folders");
}

TEST(ImageFolderErrors, ClassFolderWithoutImages) {
    TempDir dir("root");
    write_png(dir.at("a/p.png"), 1, 1, 1, {0});
    write_bytes(dir.at("b/readme.txt"), {'x'});
    write_png(dir.at("b/.hidden.png"), 1, 1, 1, {0});
    const std::string e = error_of(dir.str(), opts(8, 8));
    EXPECT_CONTAINS(e, "'" + (dir.path() / "b").string() + "'");
    EXPECT_CONTAINS(e, "has no images");
}

TEST(ImageFolderErrors, UndecodableImages) {
    TempDir dir("root");
    const fs::path bad = dir.at("a/bad.png");
    write_bytes(bad, {'n', 'o', 't', ' ', 'a', 'n', ' ', 'i', 'm', 'a', 'g', 'e'});
    EXPECT_CONTAINS(error_of(dir.str(), opts(8, 8)), "'" + bad.string() + "': cannot decode: ");

    write_bytes(bad, {});  // empty
    EXPECT_CONTAINS(error_of(dir.str(), opts(8, 8)), "'" + bad.string() + "': cannot decode: ");

    // A PNG cut in half: the header reads, the pixels do not.
    write_png(bad, 32, 32, 3, std::vector<uint8_t>(32 * 32 * 3, 9));
    const auto size = fs::file_size(bad);
    fs::resize_file(bad, size / 2);
    EXPECT_CONTAINS(error_of(dir.str(), opts(8, 8)), "'" + bad.string() + "': cannot decode: ");

    // A JPEG cut short.
    fs::remove(bad);
    const fs::path jpg = dir.at("a/bad.jpg");
    write_jpg(jpg, 32, 32, 3, std::vector<uint8_t>(32 * 32 * 3, 9));
    fs::resize_file(jpg, 40);
    EXPECT_CONTAINS(error_of(dir.str(), opts(8, 8)), "'" + jpg.string() + "': cannot decode: ");
}

TEST(ImageFolderErrors, AbsurdImageDimensionsRefusedBeforeDecoding) {
    TempDir dir("root");
    const fs::path wide = dir.at("a/wide.png");
    write_bytes(wide, png_header(20000, 10));
    std::string e = error_of(dir.str(), opts(8, 8));
    EXPECT_CONTAINS(e, "'" + wide.string() + "'");
    EXPECT_CONTAINS(e, "20000x10");

    write_bytes(wide, png_header(16000, 16000));  // each side fine, too many pixels
    e = error_of(dir.str(), opts(8, 8));
    EXPECT_CONTAINS(e, "'" + wide.string() + "'");
    EXPECT_CONTAINS(e, "16000x16000");
    EXPECT_CONTAINS(e, "megapixels");
}

TEST(ImageFolderErrors, OversizedFile) {
    TempDir dir("root");
    const fs::path big = dir.at("a/big.png");
    write_bytes(big, png_header(8, 8));
    fs::resize_file(big, 300ull << 20);  // sparse: nothing written
    const std::string e = error_of(dir.str(), opts(8, 8));
    EXPECT_CONTAINS(e, "'" + big.string() + "'");
    EXPECT_CONTAINS(e, "more than the 256 MiB");
}

TEST(ImageFolderErrors, SizeOptionsOutOfRange) {
    TempDir dir("root");
    write_png(dir.at("a/p.png"), 1, 1, 1, {0});
    for (int bad : {0, -3, 4097}) {
        std::string e = error_of(dir.str(), opts(bad, 8));
        EXPECT_CONTAINS(e, "height " + std::to_string(bad));
        EXPECT_CONTAINS(e, "1 to 4096");
        EXPECT_CONTAINS(e, "'" + dir.str() + "'");
        e = error_of(dir.str(), opts(8, bad));
        EXPECT_CONTAINS(e, "width " + std::to_string(bad));
    }
    EXPECT_NO_THROW(gs::load_image_folder(dir.str(), opts(1, 1)));
}

TEST(ImageFolderErrors, TooManyImagesForMemoryCheckedBeforeReading) {
    TempDir dir("root");
    // 86 images of 3x4096x4096 need 4128 MiB. The files are empty: had any been
    // read, the error would be "cannot decode".
    fs::create_directories(dir.path() / "a");
    for (int i = 0; i < 86; ++i) write_bytes(dir.path() / "a" / (std::to_string(i) + ".png"), {});
    const std::string e = error_of(dir.str(), opts(4096, 4096));
    EXPECT_CONTAINS(e, "'" + dir.str() + "'");
    EXPECT_CONTAINS(e, "86 images of 3x4096x4096 need 4128 MiB, more than the 4096 MiB");
}

TEST(ImageFolderErrors, TooManyClasses) {
    TempDir dir("root");
    for (int i = 0; i < 257; ++i) write_bytes(dir.at(std::to_string(i) + "/p.png"), {});
    const std::string e = error_of(dir.str(), opts(8, 8));
    EXPECT_CONTAINS(e, "257 class folders");
}

TEST(ImageFolderErrors, UnreadableFile) {
    TempDir dir("root");
    const fs::path p = dir.at("a/p.png");
    write_png(p, 1, 1, 1, {0});
    fs::permissions(p, fs::perms::none);
    if (std::ifstream(p).good()) GTEST_SKIP() << "running with rights that read any file";
    const std::string e = error_of(dir.str(), opts(8, 8));
    EXPECT_CONTAINS(e, "'" + p.string() + "': cannot read");
}

TEST(ImageFolderErrors, UnlistableClassFolder) {
    TempDir dir("root");
    write_png(dir.at("a/p.png"), 1, 1, 1, {0});
    fs::permissions(dir.path() / "a", fs::perms::none);
    std::error_code ec;
    fs::directory_iterator probe(dir.path() / "a", ec);
    if (!ec) {
        fs::permissions(dir.path() / "a", fs::perms::owner_all);
        GTEST_SKIP() << "running with rights that list any folder";
    }
    const std::string e = error_of(dir.str(), opts(8, 8));
    fs::permissions(dir.path() / "a", fs::perms::owner_all);
    EXPECT_CONTAINS(e, "'" + (dir.path() / "a").string() + "': cannot list the folder");
}
