// `gradscope-train data info <name|path>`: what a dataset holds, per split.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>

#include "commands.h"
#include "gradscope/data_files.h"
#include "gradscope/data_pipeline.h"
#include "gradscope/error.h"
#include "gradscope/files.h"

namespace gs::cli {

namespace fs = std::filesystem;

DataSpec data_spec_for(const std::string& what, DataSpec d) {
    d.path.clear();
    const auto builtin = builtin_dataset_names();
    std::error_code ec;
    if (std::find(builtin.begin(), builtin.end(), what) != builtin.end() || what == "fashion-mnist") {
        d.name = what;
        return d;
    }
    if (!fs::exists(what, ec))
        throw Error(quoted_path(what) + " is neither a dataset name nor an existing path (names: "
                    "fashion-mnist and the built-in sets; paths: an IDX or CIFAR-10 directory, "
                    "a CSV file, a folder of image folders)");
    d.path = what;
    // Anything but a directory is a file to read as CSV: the reader refuses a
    // FIFO or a device by name (it is not mistaken for an image folder).
    if (!fs::is_directory(what, ec)) {
        d.name = "csv";
        return d;
    }
    auto has = [&](const std::string& f) {
        return fs::exists(fs::path(what) / f, ec) || fs::exists(fs::path(what) / (f + ".gz"), ec);
    };
    if (has("train-images-idx3-ubyte")) d.name = "idx";
    else if (has("data_batch_1.bin") || has("test_batch.bin")) d.name = "cifar10";
    else d.name = "folder";
    return d;
}

namespace {

void describe(const char* split, const Dataset* d) {
    if (!d || d->size() == 0) {
        std::printf("  %-10s  none\n", split);
        return;
    }
    std::printf("  %-10s  %zu items of %s\n", split, d->size(), d->item_shape().str().c_str());
    if (d->num_classes() == 0) return;
    // Class balance from the labels, read in chunks.
    std::vector<size_t> count(static_cast<size_t>(d->num_classes()), 0);
    const size_t per = d->item_shape().numel();
    const int ty = d->target_size();
    constexpr int kChunk = 512;
    std::vector<float> x(kChunk * per), y(kChunk * static_cast<size_t>(ty));
    std::vector<uint32_t> idx(kChunk);
    for (size_t first = 0; first < d->size(); first += kChunk) {
        const int n = static_cast<int>(std::min<size_t>(kChunk, d->size() - first));
        for (int i = 0; i < n; ++i) idx[static_cast<size_t>(i)] = static_cast<uint32_t>(first + i);
        d->gather(idx.data(), n, x.data(), y.data());
        for (int i = 0; i < n; ++i) {
            const int label = static_cast<int>(y[static_cast<size_t>(i) * ty]);
            if (label >= 0 && label < d->num_classes()) ++count[static_cast<size_t>(label)];
        }
    }
    auto names = d->class_names();
    for (size_t k = 0; k < count.size(); ++k)
        std::printf("      %3zu %-16s %8zu  (%.1f%%)\n", k,
                    k < names.size() ? names[k].c_str() : std::to_string(k).c_str(), count[k],
                    100.0 * static_cast<double>(count[k]) / static_cast<double>(d->size()));
}

}  // namespace

int run_data_info(const std::string& what) {
    ModelSpec spec;
    spec.data = data_spec_for(what);
    spec.data.test_fraction = spec.data.name == "csv" || spec.data.name == "folder" ? 0.2f : 0.0f;
    if (spec.data.name == "synthetic") throw Error("'synthetic' only exists for benchmarks");
    PreparedData p = prepare_data(spec);
    std::printf("%s (%s, from %s)\n", p.train->name().c_str(), spec.data.name.c_str(),
                p.source.c_str());
    const int k = p.train->num_classes();
    if (k > 0)
        std::printf("  %d classes\n", k);
    else
        std::printf("  regression target of %d value(s)\n", p.train->target_size());
    describe("train", p.train.get());
    describe("validation", p.validation.get());
    describe("test", p.test.get());
    return 0;
}

}  // namespace gs::cli
