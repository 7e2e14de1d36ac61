// A folder of images per class: root/<class>/*.png|*.jpg|*.jpeg|*.bmp, decoded
// with stb_image, resized to one size and stored as (C, H, W) bytes in a
// ByteDataset. Everything that can be known before decoding (folder layout,
// counts, the memory the result needs, each image's declared size) is checked
// before the big allocations; every error names the folder or file.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "gradscope/data_files.h"
#include "gradscope/dataset.h"
#include "gradscope/error.h"
#include "gradscope/files.h"

// stb_image is compiled into this file only, with static linkage so that it
// cannot clash with another copy (libstb, Dear ImGui) in the same program.
#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_STATIC
#define STBI_NO_STDIO
#define STBI_ONLY_PNG
#define STBI_ONLY_JPEG
#define STBI_ONLY_BMP
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wall"
#pragma GCC diagnostic ignored "-Wextra"
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#include <stb_image.h>
#pragma GCC diagnostic pop

namespace gs {

namespace fs = std::filesystem;

namespace {

constexpr int kMaxOutputSide = 4096;                              // options.height / width
constexpr int kMaxImageSide = 16384;                              // a decoded image, per side
constexpr uint64_t kMaxImagePixels = 128ull * 1024 * 1024;        // a decoded image, in total
constexpr uintmax_t kMaxFileBytes = 256ull * 1024 * 1024;         // one image file
constexpr uint64_t kMaxDatasetBytes = 4ull * 1024 * 1024 * 1024;  // all resized pixels
constexpr size_t kMaxClasses = 256;                               // labels are bytes

std::string quoted(const fs::path& p) {
    return quoted_path(p.string());
}

std::string mib(uint64_t bytes) {
    return std::to_string((bytes + (1u << 20) - 1) >> 20) + " MiB";
}

bool is_hidden(const fs::path& p) {
    const std::string name = p.filename().string();
    return !name.empty() && name[0] == '.';
}

bool has_image_extension(const fs::path& p) {
    std::string ext = p.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".bmp";
}

// The entries of a directory (hidden ones left out), sorted by name.
std::vector<fs::path> sorted_entries(const fs::path& dir) {
    std::error_code ec;
    fs::directory_iterator it(dir, ec);
    if (ec) throw Error(quoted(dir) + ": cannot list the folder: " + ec.message());
    std::vector<fs::path> out;
    for (; it != fs::directory_iterator(); it.increment(ec)) {
        if (ec) break;
        if (!is_hidden(it->path())) out.push_back(it->path());
    }
    if (ec) throw Error(quoted(dir) + ": cannot list the folder: " + ec.message());
    std::sort(out.begin(), out.end(),
              [](const fs::path& a, const fs::path& b) { return a.filename() < b.filename(); });
    return out;
}

// The dataset's name: the root folder's own name ("data/pets/" -> "pets").
std::string base_name(const fs::path& root) {
    std::error_code ec;
    fs::path p = fs::absolute(root, ec);
    if (ec) p = root;
    p = p.lexically_normal();
    std::string name = p.filename().string();
    if (name.empty()) name = p.parent_path().filename().string();
    return name.empty() ? std::string("images") : name;
}

// A whole file, refusing one larger than kMaxFileBytes (and anything that
// is not a regular file) before reading it.
std::vector<uint8_t> read_image_file(const fs::path& path) {
    if (const uint64_t size = InputFile(path.string()).size(); size > kMaxFileBytes)
        throw Error(quoted(path) + ": the file is " + mib(size) + ", more than the " +
                    mib(kMaxFileBytes) + " an image file may be");
    const std::string bytes = read_file(path.string(), kMaxFileBytes, "an image file");
    return std::vector<uint8_t>(bytes.begin(), bytes.end());
}

// One output sample along one axis: the input samples and their weights.
struct Tap {
    int index;
    double weight;  // double: a constant colour must come out exactly
};
using AxisTaps = std::vector<std::vector<Tap>>;

// Weights that take src samples to dst samples: the area each output pixel
// covers when shrinking, bilinear (pixel centres at +0.5, edges clamped) when
// enlarging, the identity when the sizes match.
AxisTaps axis_taps(int src, int dst) {
    AxisTaps taps(static_cast<size_t>(dst));
    const double scale = static_cast<double>(src) / dst;
    for (int i = 0; i < dst; ++i) {
        auto& t = taps[static_cast<size_t>(i)];
        if (src == dst) {
            t.push_back({i, 1.0f});
        } else if (dst < src) {
            const double lo = i * scale, hi = (i + 1) * scale;
            const int first = static_cast<int>(std::floor(lo));
            const int last = std::min(src - 1, static_cast<int>(std::ceil(hi)) - 1);
            std::vector<double> w;
            double sum = 0;
            for (int j = first; j <= last; ++j) {
                const double cover = std::min(hi, j + 1.0) - std::max(lo, static_cast<double>(j));
                w.push_back(std::max(0.0, cover));
                sum += w.back();
            }
            for (int j = first; j <= last; ++j)
                if (w[static_cast<size_t>(j - first)] > 0)
                    t.push_back({j, w[static_cast<size_t>(j - first)] / sum});
        } else {
            const double x = std::clamp((i + 0.5) * scale - 0.5, 0.0, src - 1.0);
            const int j0 = static_cast<int>(std::floor(x));
            const int j1 = std::min(j0 + 1, src - 1);
            const double f = x - j0;
            t.push_back({j0, 1.0 - f});
            if (j1 != j0 && f > 0) t.push_back({j1, f});
        }
    }
    return taps;
}

// src: (sh, sw, c) interleaved bytes as stb_image gives them.
// out: (c, dh, dw) planes.
void resize_to_chw(const uint8_t* src, int sh, int sw, int c, int dh, int dw, uint8_t* out) {
    const AxisTaps tx = axis_taps(sw, dw), ty = axis_taps(sh, dh);
    // Rows first: tmp is (sh, dw, c).
    std::vector<double> tmp(static_cast<size_t>(sh) * dw * c);
    for (int y = 0; y < sh; ++y) {
        const uint8_t* row = src + static_cast<size_t>(y) * sw * c;
        double* trow = tmp.data() + static_cast<size_t>(y) * dw * c;
        for (int x = 0; x < dw; ++x)
            for (int k = 0; k < c; ++k) {
                double v = 0;
                for (const Tap& t : tx[static_cast<size_t>(x)])
                    v += t.weight * row[static_cast<size_t>(t.index) * c + k];
                trow[static_cast<size_t>(x) * c + k] = v;
            }
    }
    // Then columns, writing each channel's plane.
    const size_t plane = static_cast<size_t>(dh) * dw;
    for (int y = 0; y < dh; ++y)
        for (int x = 0; x < dw; ++x)
            for (int k = 0; k < c; ++k) {
                double v = 0;
                for (const Tap& t : ty[static_cast<size_t>(y)])
                    v += t.weight * tmp[(static_cast<size_t>(t.index) * dw + x) * c + k];
                const double r = std::clamp(std::floor(v + 0.5), 0.0, 255.0);
                out[k * plane + static_cast<size_t>(y) * dw + x] = static_cast<uint8_t>(r);
            }
}

struct StbiFree {
    void operator()(stbi_uc* p) const { stbi_image_free(p); }
};

// Decodes one file into out: (channels, height, width).
void load_one(const fs::path& path, int channels, int height, int width, uint8_t* out) {
    const std::vector<uint8_t> bytes = read_image_file(path);
    if (bytes.size() > static_cast<size_t>(INT32_MAX))
        throw Error(quoted(path) + ": the file is too large to decode");
    const int len = static_cast<int>(bytes.size());
    int w = 0, h = 0, comp = 0;
    if (!stbi_info_from_memory(bytes.data(), len, &w, &h, &comp))
        throw Error(quoted(path) + ": cannot decode: " + stbi_failure_reason());
    if (w < 1 || h < 1 || w > kMaxImageSide || h > kMaxImageSide ||
        static_cast<uint64_t>(w) * static_cast<uint64_t>(h) > kMaxImagePixels)
        throw Error(quoted(path) + ": the image claims to be " + std::to_string(w) + "x" +
                    std::to_string(h) + " pixels; at most " + std::to_string(kMaxImageSide) +
                    " per side and " + std::to_string(kMaxImagePixels >> 20) +
                    " megapixels are accepted");
    std::unique_ptr<stbi_uc, StbiFree> pixels(
        stbi_load_from_memory(bytes.data(), len, &w, &h, &comp, channels));
    if (!pixels) throw Error(quoted(path) + ": cannot decode: " + stbi_failure_reason());
    resize_to_chw(pixels.get(), h, w, channels, height, width, out);
}

}  // namespace

std::shared_ptr<ByteDataset> load_image_folder(const std::string& root_text,
                                               const ImageFolderOptions& options) {
    const fs::path root(root_text);
    for (const auto& [what, v] : {std::pair{"height", options.height}, {"width", options.width}})
        if (v < 1 || v > kMaxOutputSide)
            throw Error(quoted(root) + ": image " + what + " " + std::to_string(v) +
                        " is out of range — choose 1 to " + std::to_string(kMaxOutputSide));

    std::error_code ec;
    const fs::file_status st = fs::status(root, ec);
    if (!fs::exists(st))
        throw Error(quoted(root) + ": no such folder" +
                    (ec && ec != std::errc::no_such_file_or_directory ? " (" + ec.message() + ")"
                                                                      : std::string()));
    if (!fs::is_directory(st))
        throw Error(quoted(root) + " is not a folder — expected " + root.string() +
                    "/<class>/*.png");

    // The layout: class folders, then the images in each.
    std::vector<std::string> class_names;
    std::vector<std::vector<fs::path>> files;
    for (const fs::path& entry : sorted_entries(root)) {
        if (!fs::is_directory(entry, ec)) continue;  // loose files and broken links
        std::vector<fs::path> images;
        for (const fs::path& f : sorted_entries(entry))
            if (has_image_extension(f)) images.push_back(f);
        if (images.empty())
            throw Error(quoted(entry) + ": class folder has no images (.png, .jpg, .jpeg, .bmp)");
        class_names.push_back(entry.filename().string());
        files.push_back(std::move(images));
    }
    if (class_names.empty())
        throw Error(quoted(root) + " has no class folders — expected " + root.string() +
                    "/<class>/*.png");
    if (class_names.size() > kMaxClasses)
        throw Error(quoted(root) + ": " + std::to_string(class_names.size()) +
                    " class folders; at most " + std::to_string(kMaxClasses) + " are supported");

    const int channels = options.grayscale ? 1 : 3;
    const size_t item = static_cast<size_t>(channels) * options.height * options.width;
    size_t count = 0;
    for (const auto& f : files) count += f.size();
    const uint64_t total = static_cast<uint64_t>(count) * item;
    if (total > kMaxDatasetBytes)
        throw Error(quoted(root) + ": " + std::to_string(count) + " images of " +
                    std::to_string(channels) + "x" + std::to_string(options.height) + "x" +
                    std::to_string(options.width) + " need " + mib(total) + ", more than the " +
                    mib(kMaxDatasetBytes) + " limit — choose a smaller height and width");

    std::vector<uint8_t> pixels(static_cast<size_t>(total));
    std::vector<uint8_t> labels;
    labels.reserve(count);
    size_t n = 0;
    for (size_t c = 0; c < files.size(); ++c)
        for (const fs::path& f : files[c]) {
            load_one(f, channels, options.height, options.width, pixels.data() + n * item);
            labels.push_back(static_cast<uint8_t>(c));
            ++n;
        }

    auto ds = std::make_shared<ByteDataset>(base_name(root),
                                            Shape{channels, options.height, options.width},
                                            static_cast<int>(class_names.size()), class_names);
    ds->assign(std::move(pixels), std::move(labels));
    return ds;
}

}  // namespace gs
