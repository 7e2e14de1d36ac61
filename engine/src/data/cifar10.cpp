// CIFAR-10 binary batches: records of one label byte and 3072 pixel bytes
// (3, 32, 32: the red plane, then green, then blue, each row-major), with no
// header, so a file is valid only when its size is a whole number of records.
// A directory holds data_batch_1..5.bin (train), test_batch.bin (test) and
// batches.meta.txt (the class names, one a line).
#include <algorithm>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "gradscope/data_files.h"
#include "gradscope/error.h"
#include "gradscope/files.h"
#include "data/messages.h"

namespace gs {

using data_detail::listing;
using data_detail::with_commas;

namespace fs = std::filesystem;

namespace {

constexpr size_t kPixels = 3 * 32 * 32;
constexpr size_t kRecord = 1 + kPixels;
constexpr int kClasses = 10;
// A CIFAR-10 batch holds 10,000 records (30.7 MB); allow ten times that.
constexpr size_t kMaxBatchBytes = 100000 * kRecord;
constexpr size_t kMaxMetaBytes = 64 * 1024;


std::vector<std::string> standard_classes() {
    return {"airplane", "automobile", "bird",  "cat",  "deer",
            "dog",      "frog",       "horse", "ship", "truck"};
}

// Checks a batch and appends its pixels and labels.
void append_records(const uint8_t* data, size_t size, const std::string& path,
                    std::vector<uint8_t>& pixels, std::vector<uint8_t>& labels) {
    if (size == 0) throw Error(quoted_path(path) + ": the file is empty (a CIFAR-10 batch was expected)");
    if (size % kRecord != 0) {
        const size_t whole = size / kRecord, over = size % kRecord;
        std::string hint = " — is the file truncated?";
        if (size % (kRecord + 1) == 0)
            hint =
                " — this looks like a CIFAR-100 file (records of 3,074 bytes, two label "
                "bytes each), which is not CIFAR-10";
        throw Error(quoted_path(path) + ": " + with_commas(size) +
                    " bytes is not a whole number of CIFAR-10 records (3,073 bytes each: a "
                    "label byte and 3x32x32 pixels): " +
                    with_commas(whole) + " record" + (whole == 1 ? "" : "s") + " and " +
                    with_commas(over) + " bytes over" + hint);
    }
    const size_t n = size / kRecord;
    for (size_t i = 0; i < n; ++i) {
        const uint8_t label = data[i * kRecord];
        if (label >= kClasses)
            throw Error(quoted_path(path) + ": record " + std::to_string(i) + " has label " +
                        std::to_string(label) + ", not below 10 (CIFAR-10 labels are 0 to 9)");
    }
    pixels.reserve(pixels.size() + n * kPixels);
    labels.reserve(labels.size() + n);
    for (size_t i = 0; i < n; ++i) {
        const uint8_t* rec = data + i * kRecord;
        labels.push_back(rec[0]);
        pixels.insert(pixels.end(), rec + 1, rec + kRecord);
    }
}


fs::path find_batch(const fs::path& dir, const std::string& name) {
    std::error_code ec;
    for (const std::string& candidate : {name, name + ".gz"})
        if (fs::is_regular_file(dir / candidate, ec)) return dir / candidate;
    throw Error(quoted_path(dir.string()) + ": no " + name + " there (a CIFAR-10 binary directory " +
                "holds data_batch_1.bin to data_batch_5.bin and test_batch.bin); " + listing(dir));
}

std::string trim(const std::string& s) {
    const char* ws = " \t\r\n";
    const size_t b = s.find_first_not_of(ws);
    if (b == std::string::npos) return "";
    return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

// The class names in batches.meta.txt, one a line (blank lines ignored).
std::vector<std::string> read_meta(const fs::path& path) {
    const std::vector<uint8_t> bytes = read_maybe_gzip(path.string(), kMaxMetaBytes);
    std::vector<std::string> names;
    std::string line;
    for (size_t i = 0; i <= bytes.size(); ++i) {
        if (i == bytes.size() || bytes[i] == '\n') {
            line = trim(line);
            if (!line.empty()) names.push_back(line);
            line.clear();
        } else {
            line += static_cast<char>(bytes[i]);
        }
    }
    if (names.size() != kClasses)
        throw Error(quoted_path(path.string()) + ": lists " + std::to_string(names.size()) +
                    " class names, one a line; CIFAR-10 has 10");
    return names;
}

std::shared_ptr<ByteDataset> load_batches(const std::vector<fs::path>& files,
                                          const std::vector<std::string>& class_names) {
    // Room for what the plain files hold, known from their sizes (a real
    // fact, unlike anything inside them); gzipped batches grow it as needed.
    size_t hint = 0;
    std::error_code ec;
    for (const auto& f : files) {
        const auto bytes = fs::file_size(f, ec);
        if (!ec && bytes <= kMaxBatchBytes && f.extension() != ".gz") hint += bytes / kRecord;
    }
    std::vector<uint8_t> pixels, labels;
    pixels.reserve(hint * kPixels);
    labels.reserve(hint);
    for (const auto& f : files) {
        const std::vector<uint8_t> bytes = read_maybe_gzip(f.string(), kMaxBatchBytes);
        append_records(bytes.data(), bytes.size(), f.string(), pixels, labels);
    }
    auto ds = std::make_shared<ByteDataset>("cifar-10", Shape{3, 32, 32}, kClasses, class_names);
    ds->assign(std::move(pixels), std::move(labels));
    return ds;
}

}  // namespace

std::shared_ptr<ByteDataset> parse_cifar10(const uint8_t* data, size_t size,
                                           const std::string& path, const std::string& name,
                                           std::vector<std::string> class_names) {
    if (class_names.empty()) class_names = standard_classes();
    if (class_names.size() != kClasses)
        throw Error("dataset '" + name + "': CIFAR-10 has 10 classes, but " +
                    std::to_string(class_names.size()) + " class names were given");
    std::vector<uint8_t> pixels, labels;
    append_records(data, size, path, pixels, labels);
    auto ds =
        std::make_shared<ByteDataset>(name, Shape{3, 32, 32}, kClasses, std::move(class_names));
    ds->assign(std::move(pixels), std::move(labels));
    return ds;
}

DataSplit load_cifar10_dir(const std::string& dir_arg) {
    std::error_code ec;
    fs::path dir = dir_arg;
    if (!fs::is_directory(dir, ec))
        throw Error(fs::exists(dir, ec) ? quoted_path(dir_arg) + " is not a directory"
                                        : quoted_path(dir_arg) + ": no such directory");
    // The archive unpacks to cifar-10-batches-bin/; its parent will do too.
    if (!fs::exists(dir / "data_batch_1.bin", ec) && !fs::exists(dir / "data_batch_1.bin.gz", ec) &&
        fs::is_directory(dir / "cifar-10-batches-bin", ec))
        dir /= "cifar-10-batches-bin";

    std::vector<fs::path> train_files;
    for (int i = 1; i <= 5; ++i)
        train_files.push_back(find_batch(dir, "data_batch_" + std::to_string(i) + ".bin"));
    const fs::path test_file = find_batch(dir, "test_batch.bin");
    std::vector<std::string> names = standard_classes();
    if (fs::exists(dir / "batches.meta.txt", ec)) names = read_meta(dir / "batches.meta.txt");

    DataSplit split;
    split.train = load_batches(train_files, names);
    split.test = load_batches({test_file}, names);
    return split;
}

}  // namespace gs
