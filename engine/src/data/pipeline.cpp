// Splits, normalization and augmentation: what turns a spec's "data" into
// the three datasets a Trainer uses and the preprocessing of every batch.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <numeric>

#include "gradscope/data_files.h"
#include "gradscope/data_pipeline.h"
#include "gradscope/error.h"
#include "gradscope/files.h"
#include "gradscope/input_features.h"
#include "gradscope/rng.h"

namespace gs {

namespace fs = std::filesystem;

// ------------------------------------------------------------------ subset --

SubsetDataset::SubsetDataset(std::shared_ptr<const Dataset> parent, std::vector<uint32_t> indices,
                             std::string name)
    : m_parent(std::move(parent)), m_indices(std::move(indices)), m_name(std::move(name)) {
    for (uint32_t i : m_indices)
        if (i >= m_parent->size())
            throw Error("subset '" + m_name + "': item " + std::to_string(i) + " outside '" +
                        m_parent->name() + "' of " + std::to_string(m_parent->size()));
}

void SubsetDataset::gather(const uint32_t* indices, int n, float* x, float* y) const {
    mapped(indices, n, x, y, [&](const uint32_t* m, int k, float* xs, float* ys) {
        m_parent->gather(m, k, xs, ys);
    });
}

void SubsetDataset::gather_affine(const uint32_t* indices, int n, float* x, float* y,
                                  const float* scale, const float* shift) const {
    mapped(indices, n, x, y, [&](const uint32_t* m, int k, float* xs, float* ys) {
        m_parent->gather_affine(m, k, xs, ys, scale, shift);
    });
}

bool SubsetDataset::gather_plane(const uint32_t* indices, int n, float* xy) const {
    constexpr int kChunk = 256;
    uint32_t idx_map[kChunk];
    for (int first = 0; first < n; first += kChunk) {
        const int m = std::min(kChunk, n - first);
        for (int i = 0; i < m; ++i) {
            const uint32_t k = indices[first + i];
            if (k >= m_indices.size())
                throw Error("subset '" + m_name + "': item " + std::to_string(k) +
                            " asked for, but it holds " + std::to_string(m_indices.size()));
            idx_map[i] = m_indices[k];
        }
        if (!m_parent->gather_plane(idx_map, m, xy + 2 * static_cast<size_t>(first))) return false;
    }
    return true;
}

template <typename F>
void SubsetDataset::mapped(const uint32_t* indices, int n, float* x, float* y, F&& fetch) const {
    // Map in small chunks so no buffer is needed beyond the stack.
    constexpr int kChunk = 256;
    uint32_t idx_map[kChunk];
    const size_t item = item_shape().numel(), target = static_cast<size_t>(target_size());
    for (int first = 0; first < n; first += kChunk) {
        const int m = std::min(kChunk, n - first);
        for (int i = 0; i < m; ++i) {
            const uint32_t k = indices[first + i];
            if (k >= m_indices.size())
                throw Error("subset '" + m_name + "': item " + std::to_string(k) +
                            " asked for, but it holds " + std::to_string(m_indices.size()));
            idx_map[i] = m_indices[k];
        }
        fetch(idx_map, m, x + static_cast<size_t>(first) * item,
              y + static_cast<size_t>(first) * target);
    }
}

// ------------------------------------------------------------- preprocess --

namespace {

// Channels and the size of each channel's plane, for an item shape.
std::pair<int, size_t> channel_layout(const Shape& item) {
    if (item.rank >= 3) return {item[0], item.numel() / static_cast<size_t>(item[0])};
    return {static_cast<int>(item.numel()), 1};  // flat: one channel per feature
}

}  // namespace

void Preprocess::apply(float* x, int n, const Shape& item, bool augment, uint64_t seed,
                       uint64_t step, std::vector<float>& scratch) const {
    const size_t per = item.numel();
    if (augment && augments() && item.rank == 3) {
        const int C = item[0], H = item[1], W = item[2], p = crop_padding;
        if (scratch.size() < per) scratch.resize(per);
        for (int i = 0; i < n; ++i) {
            Rng rng(mix64(seed ^ 0x5eed) ^ mix64(step * 1000003ull + static_cast<uint64_t>(i)));
            const int dy = p ? static_cast<int>(rng.below(2 * p + 1)) - p : 0;
            const int dx = p ? static_cast<int>(rng.below(2 * p + 1)) - p : 0;
            const bool mirror = flip && rng.uniform() < 0.5;
            if (!dy && !dx && !mirror) continue;
            float* img = x + static_cast<size_t>(i) * per;
            std::memcpy(scratch.data(), img, per * sizeof(float));
            // out(y, x) = in(y + dy, x' + dx) with x' mirrored; zero outside.
            for (int c = 0; c < C; ++c)
                for (int yy = 0; yy < H; ++yy)
                    for (int xx = 0; xx < W; ++xx) {
                        const int sy = yy + dy, sx = (mirror ? W - 1 - xx : xx) + dx;
                        img[(static_cast<size_t>(c) * H + yy) * W + xx] =
                            (sy >= 0 && sy < H && sx >= 0 && sx < W)
                                ? scratch[(static_cast<size_t>(c) * H + sy) * W + sx]
                                : 0.0f;
                    }
        }
    }
    if (mean.empty()) return;
    const auto [C, plane] = channel_layout(item);
    for (int i = 0; i < n; ++i) {
        float* v = x + static_cast<size_t>(i) * per;
        for (int c = 0; c < C; ++c) {
            const float m = mean[static_cast<size_t>(c)], s = inv_std[static_cast<size_t>(c)];
            float* ch = v + static_cast<size_t>(c) * plane;
            for (size_t k = 0; k < plane; ++k) ch[k] = (ch[k] - m) * s;
        }
    }
}

void one_hot_in_place(float* y, int n, int width) {
    for (int i = n; i-- > 0;) {
        const int label = static_cast<int>(y[i]);
        float* row = y + static_cast<size_t>(i) * width;
        std::fill(row, row + width, 0.0f);
        if (label >= 0 && label < width) row[label] = 1.0f;
    }
}

void fit_normalization(const Dataset& data, Preprocess& p) {
    const Shape item = data.item_shape();
    const auto [C, plane] = channel_layout(item);
    std::vector<double> sum(static_cast<size_t>(C), 0.0), sq(static_cast<size_t>(C), 0.0);
    constexpr int kChunk = 256;
    std::vector<float> x(kChunk * item.numel()), y(kChunk * static_cast<size_t>(data.target_size()));
    std::vector<uint32_t> idx(kChunk);
    for (size_t first = 0; first < data.size(); first += kChunk) {
        const int n = static_cast<int>(std::min<size_t>(kChunk, data.size() - first));
        std::iota(idx.begin(), idx.begin() + n, static_cast<uint32_t>(first));
        data.gather(idx.data(), n, x.data(), y.data());
        for (int i = 0; i < n; ++i)
            for (int c = 0; c < C; ++c) {
                const float* ch = x.data() + static_cast<size_t>(i) * item.numel() +
                                  static_cast<size_t>(c) * plane;
                double s = 0, s2 = 0;
                for (size_t k = 0; k < plane; ++k) s += ch[k], s2 += static_cast<double>(ch[k]) * ch[k];
                sum[static_cast<size_t>(c)] += s;
                sq[static_cast<size_t>(c)] += s2;
            }
    }
    const double count = static_cast<double>(data.size()) * static_cast<double>(plane);
    p.mean.assign(static_cast<size_t>(C), 0.0f);
    p.inv_std.assign(static_cast<size_t>(C), 1.0f);
    if (count == 0) return;
    for (int c = 0; c < C; ++c) {
        const double m = sum[static_cast<size_t>(c)] / count;
        const double var = std::max(0.0, sq[static_cast<size_t>(c)] / count - m * m);
        p.mean[static_cast<size_t>(c)] = static_cast<float>(m);
        // A constant channel stays as it is rather than blowing up.
        p.inv_std[static_cast<size_t>(c)] = var > 1e-12 ? static_cast<float>(1.0 / std::sqrt(var)) : 1.0f;
    }
    p.scale = p.inv_std;
    p.shift.resize(p.mean.size());
    for (size_t c = 0; c < p.mean.size(); ++c) p.shift[c] = -p.mean[c] * p.inv_std[c];
}

// ------------------------------------------------------------------ splits --

namespace {

std::vector<uint32_t> permutation(size_t n, uint64_t seed) {
    std::vector<uint32_t> order(n);
    std::iota(order.begin(), order.end(), 0u);
    Rng rng(seed);
    for (size_t i = n; i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
    return order;
}

// The first `count` items of a seeded permutation (all of them, in order,
// when count is 0 or not smaller than the set).
std::shared_ptr<Dataset> limited(std::shared_ptr<Dataset> d, int count, uint64_t seed,
                                 const std::string& name) {
    if (!d || count <= 0 || static_cast<size_t>(count) >= d->size()) return d;
    std::vector<uint32_t> order = permutation(d->size(), seed);
    order.resize(static_cast<size_t>(count));
    std::sort(order.begin(), order.end());
    return std::make_shared<SubsetDataset>(d, std::move(order), name);
}

// Splits off a seeded fraction: {rest, held out}.
std::pair<std::shared_ptr<Dataset>, std::shared_ptr<Dataset>> split(
    std::shared_ptr<Dataset> d, float fraction, uint64_t seed, const std::string& rest_name,
    const std::string& held_name) {
    const size_t held = static_cast<size_t>(std::floor(fraction * static_cast<double>(d->size())));
    if (held == 0) return {d, nullptr};
    if (held >= d->size())
        throw Error("holding out " + std::to_string(held) + " of " + std::to_string(d->size()) +
                    " items of '" + d->name() + "' leaves none to train on — use a smaller fraction");
    std::vector<uint32_t> order = permutation(d->size(), seed);
    std::vector<uint32_t> a(order.begin() + static_cast<long>(held), order.end());
    std::vector<uint32_t> b(order.begin(), order.begin() + static_cast<long>(held));
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    return {std::make_shared<SubsetDataset>(d, std::move(a), rest_name),
            std::make_shared<SubsetDataset>(d, std::move(b), held_name)};
}

std::string need_path(const DataSpec& d, const char* what) {
    if (d.path.empty())
        throw Error(std::string("data \"") + d.name + "\" is read from files: set \"path\" to " +
                    what);
    return d.path;
}

}  // namespace

PreparedData prepare_data(const ModelSpec& spec) {
    const DataSpec& d = spec.data;
    // Before the path goes anywhere near a message or the file system: a
    // message naming a 100,000-character path is a banner wider than the screen.
    if (d.path.size() > kMaxPathBytes)
        throw Error("data.path is " + std::to_string(d.path.size()) +
                    " characters long; a path is at most " + std::to_string(kMaxPathBytes) +
                    " (was something pasted into it by mistake?)");
    PreparedData out;
    DataSplit s;
    const auto builtin = builtin_dataset_names();
    if (d.name.empty()) {
        throw Error("the spec names no data: set \"data\": {\"name\": \"spiral\"} or a file "
                    "dataset such as {\"name\": \"fashion-mnist\"}");
    } else if (std::find(builtin.begin(), builtin.end(), d.name) != builtin.end()) {
        s = make_builtin_dataset(d, spec.input, d.name == "synthetic" ? 10 : 0);
        out.source = "built-in";
    } else if (d.name == "fashion-mnist") {
        const std::string dir = d.path.empty() ? kFashionMnistDir : d.path;
        std::error_code ec;
        if (d.path.empty() && !fs::is_directory(dir, ec))
            throw Error("Fashion-MNIST is not installed: it is read from " + dir +
                        ", which Debian's package provides (apt-get install dataset-fashion-mnist), "
                        "or set \"path\" to a directory with its four IDX files");
        s = load_idx_dir(dir, "fashion-mnist", 10, fashion_mnist_classes());
        out.source = dir;
    } else if (d.name == "mnist" || d.name == "idx") {
        const std::string dir = need_path(d, "the directory holding the four IDX files");
        s = load_idx_dir(dir, d.name == "idx" ? fs::path(dir).filename().string() : d.name, 10);
        out.source = dir;
    } else if (d.name == "cifar10") {
        const std::string dir = need_path(d, "the directory holding data_batch_1.bin ... test_batch.bin");
        s = load_cifar10_dir(dir);
        out.source = dir;
    } else if (d.name == "csv" || d.name == "folder") {
        std::shared_ptr<Dataset> all;
        if (d.name == "csv") {
            CsvOptions o;
            o.label_column = d.label_column;
            all = load_csv(need_path(d, "the CSV file"), o);
        } else {
            ImageFolderOptions o;
            o.height = o.width = d.image_size;
            o.grayscale = d.grayscale;
            all = load_image_folder(need_path(d, "a folder with one subfolder of images per class"), o);
        }
        auto [train, test] = split(all, d.test_fraction, d.seed ^ 0x7e57, all->name() + "/train",
                                   all->name() + "/test");
        s.train = train;
        s.test = test;
        out.source = d.path;
    } else {
        std::string list;
        for (const auto& b : builtin) list += b + ", ";
        throw Error("unknown data \"" + d.name + "\"; use a built-in set (" + list +
                    ") or fashion-mnist, mnist, idx, cifar10, csv, folder");
    }
    if (!d.features.empty() && s.train) {
        // Input features of a 2-D set, computed as batches are gathered.
        const std::vector<InputFeature> features = input_features_of(d);
        s.train = std::make_shared<FeatureDataset>(s.train, features);
        if (s.test) s.test = std::make_shared<FeatureDataset>(s.test, features);
    }
    if (!s.train || s.train->size() == 0) throw Error("the training split of '" + d.name + "' is empty");
    std::shared_ptr<Dataset> train = limited(s.train, d.limit, d.seed ^ 0x1, s.train->name());
    out.test = limited(s.test, d.test_limit, d.seed ^ 0x2, s.test ? s.test->name() : "");
    auto [rest, val] = split(train, d.validation_fraction, d.seed ^ 0x3, train->name(),
                             train->name() + "/validation");
    out.train = rest;
    out.validation = val;
    if (d.normalize) fit_normalization(*out.train, out.preprocess);
    out.preprocess.flip = d.augment_flip;
    out.preprocess.crop_padding = d.augment_crop_padding;
    return out;
}

}  // namespace gs
