// IDX files (MNIST, Fashion-MNIST, KMNIST, EMNIST): a big-endian header
// (magic 0x000008NN, where 08 is "unsigned byte" and NN the number of
// dimensions, then one uint32 per dimension) followed by the data. The
// header's dimensions are checked against the bytes that are really there
// before anything is allocated; the pixels are then copied once into a
// ByteDataset of items (1, rows, cols).
#include <algorithm>
#include <cstdint>
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

constexpr uint32_t kImagesMagic = 0x00000803;  // unsigned bytes, 3 dimensions
constexpr uint32_t kLabelsMagic = 0x00000801;  // unsigned bytes, 1 dimension
constexpr size_t kImagesHeader = 16;
constexpr size_t kLabelsHeader = 8;
// The largest data part this reader takes (EMNIST ByClass, the largest IDX
// set in use, holds 547 MB of training images).
constexpr uint64_t kMaxIdxBytes = uint64_t{1} << 31;

uint32_t be32(const uint8_t* p) {
    return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}


std::string hex32(uint32_t v) {
    static const char* const kDigits = "0123456789ABCDEF";
    std::string s = "0x";
    for (int shift = 28; shift >= 0; shift -= 4) s += kDigits[(v >> shift) & 0xf];
    return s;
}

std::string type_name(uint8_t code) {
    switch (code) {
        case 0x08:
            return "unsigned byte";
        case 0x09:
            return "signed byte";
        case 0x0B:
            return "16-bit integer";
        case 0x0C:
            return "32-bit integer";
        case 0x0D:
            return "float";
        case 0x0E:
            return "double";
        default:
            return "";
    }
}

// What a wrong magic number suggests the file is.
std::string magic_hint(const uint8_t* p, uint32_t found, uint32_t other, const char* other_what) {
    if (found == other)
        return std::string(" — this looks like an IDX ") + other_what +
               " file; are the images and labels files swapped?";
    if (p[0] == 0x1f && p[1] == 0x8b) return " — this is gzip data; decompress it first";
    if (p[0] == 0 && p[1] == 0 && !type_name(p[2]).empty())
        return " — this is IDX data of type " + type_name(p[2]) + " with " + std::to_string(p[3]) +
               " dimension" + (p[3] == 1 ? "" : "s") +
               "; only unsigned bytes, with 3 dimensions for images and 1 for labels, are read";
    return " — this is not an IDX file";
}

// Checks the length and magic of one file's header.
void check_header(const uint8_t* data, size_t size, const std::string& path, const char* what,
                  size_t header, uint32_t magic, uint32_t other, const char* other_what) {
    if (size == 0)
        throw Error(quoted_path(path) + ": the file is empty (an IDX " + what + " file was expected)");
    if (size >= 4) {
        const uint32_t found = be32(data);
        if (found != magic)
            throw Error(quoted_path(path) + ": magic number " + hex32(found) + " found, " + hex32(magic) +
                        " expected for an IDX " + what + " file" +
                        magic_hint(data, found, other, other_what));
    }
    if (size < header)
        throw Error(quoted_path(path) + ": the file is " + with_commas(size) +
                    " bytes, shorter than the " + std::to_string(header) +
                    "-byte header of an IDX " + what + " file — is it truncated?");
}

std::string size_mismatch(uint64_t claimed, uint64_t held) {
    return " (" + with_commas(claimed) + " bytes) but the file holds " + with_commas(held) +
           " bytes after its header" +
           (held < claimed ? " — is it truncated?" : " — it has data beyond what the header says");
}

std::vector<std::string> numbered_names(int n) {
    std::vector<std::string> names;
    for (int i = 0; i < n; ++i) names.push_back(std::to_string(i));
    return names;
}


// dir/base, or the same with ".gz", or with the dot spelling some copies use
// ("train-images.idx3-ubyte").
fs::path find_idx_file(const fs::path& dir, const std::string& base) {
    std::string dotted = base;
    const size_t dash = dotted.find("-idx");
    if (dash != std::string::npos) dotted[dash] = '.';
    for (const std::string& name : {base, base + ".gz", dotted, dotted + ".gz"}) {
        std::error_code ec;
        const fs::path p = dir / name;
        if (fs::is_regular_file(p, ec)) return p;
    }
    throw Error(quoted_path(dir.string()) + ": no " + base + " (or " + base + ".gz) there; " +
                listing(dir));
}

std::shared_ptr<ByteDataset> load_pair(const fs::path& images_path, const fs::path& labels_path,
                                       const std::string& name, int num_classes,
                                       const std::vector<std::string>& class_names) {
    const std::vector<uint8_t> images =
        read_maybe_gzip(images_path.string(), kImagesHeader + kMaxIdxBytes);
    const std::vector<uint8_t> labels =
        read_maybe_gzip(labels_path.string(), kLabelsHeader + kMaxIdxBytes);
    return parse_idx(images.data(), images.size(), images_path.string(), labels.data(),
                     labels.size(), labels_path.string(), name, num_classes, class_names);
}

}  // namespace

std::shared_ptr<ByteDataset> parse_idx(const uint8_t* images, size_t images_size,
                                       const std::string& images_path, const uint8_t* labels,
                                       size_t labels_size, const std::string& labels_path,
                                       const std::string& name, int num_classes,
                                       std::vector<std::string> class_names) {
    if (num_classes < 1 || num_classes > 256)
        throw Error("dataset '" + name + "': IDX labels are bytes, so 1 to 256 classes, not " +
                    std::to_string(num_classes));
    if (!class_names.empty() && class_names.size() != static_cast<size_t>(num_classes))
        throw Error("dataset '" + name + "': " + std::to_string(class_names.size()) +
                    " class names given for " + std::to_string(num_classes) + " classes");

    // Both swapped at once deserves one message, not the first file's alone.
    if (images_size >= 4 && labels_size >= 4 && be32(images) == kLabelsMagic &&
        be32(labels) == kImagesMagic)
        throw Error(quoted_path(images_path) + " is an IDX labels file and '" + labels_path +
                    "' an IDX images file — the two are swapped");
    check_header(images, images_size, images_path, "images", kImagesHeader, kImagesMagic,
                 kLabelsMagic, "labels");
    check_header(labels, labels_size, labels_path, "labels", kLabelsHeader, kLabelsMagic,
                 kImagesMagic, "images");

    const uint64_t count = be32(images + 4), rows = be32(images + 8), cols = be32(images + 12);
    const std::string dims = std::to_string(rows) + "x" + std::to_string(cols);
    if (count == 0) throw Error(quoted_path(images_path) + ": the header says 0 images — no data");
    if (rows == 0 || cols == 0)
        throw Error(quoted_path(images_path) + ": the header says images of " + dims +
                    " — an image needs at least one row and one column");
    // Each factor is below 2^32, so rows * cols fits in 64 bits; once it is at
    // most 2^31, so does count * rows * cols.
    const uint64_t per_image = rows * cols;
    if (rows > INT32_MAX || cols > INT32_MAX || per_image > kMaxIdxBytes ||
        count * per_image > kMaxIdxBytes)
        throw Error(quoted_path(images_path) + ": the header says " + with_commas(count) + " images of " +
                    dims + ", more than the " + with_commas(kMaxIdxBytes) +
                    " bytes this reader takes — is the header damaged?");
    const uint64_t claimed = count * per_image;
    const uint64_t held = images_size - kImagesHeader;
    if (claimed != held)
        throw Error(quoted_path(images_path) + ": header says " + std::to_string(count) + " images of " +
                    dims + size_mismatch(claimed, held));

    const uint64_t label_count = be32(labels + 4);
    const uint64_t labels_held = labels_size - kLabelsHeader;
    if (label_count != labels_held)
        throw Error(quoted_path(labels_path) + ": header says " + std::to_string(label_count) +
                    " labels" + size_mismatch(label_count, labels_held));
    if (label_count != count)
        throw Error(quoted_path(images_path) + " holds " + std::to_string(count) + " images but '" +
                    labels_path + "' holds " + std::to_string(label_count) +
                    " labels — do the two files belong together?");

    const uint8_t* label_bytes = labels + kLabelsHeader;
    for (uint64_t i = 0; i < count; ++i)
        if (label_bytes[i] >= num_classes)
            throw Error(quoted_path(labels_path) + ": label " + std::to_string(label_bytes[i]) +
                        " at item " + std::to_string(i) + " is not below " +
                        std::to_string(num_classes));

    if (class_names.empty()) class_names = numbered_names(num_classes);
    auto ds = std::make_shared<ByteDataset>(
        name, Shape{1, static_cast<int>(rows), static_cast<int>(cols)}, num_classes,
        std::move(class_names));
    const uint8_t* pixels = images + kImagesHeader;
    ds->assign(std::vector<uint8_t>(pixels, pixels + claimed),
               std::vector<uint8_t>(label_bytes, label_bytes + count));
    return ds;
}

DataSplit load_idx_dir(const std::string& dir, const std::string& name, int num_classes,
                       std::vector<std::string> class_names) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        throw Error(fs::exists(dir, ec) ? quoted_path(dir) + " is not a directory"
                                        : quoted_path(dir) + ": no such directory");
    // All four are found before any is read, so a missing one is reported at once.
    const fs::path train_images = find_idx_file(dir, "train-images-idx3-ubyte");
    const fs::path train_labels = find_idx_file(dir, "train-labels-idx1-ubyte");
    const fs::path test_images = find_idx_file(dir, "t10k-images-idx3-ubyte");
    const fs::path test_labels = find_idx_file(dir, "t10k-labels-idx1-ubyte");
    DataSplit split;
    split.train = load_pair(train_images, train_labels, name, num_classes, class_names);
    split.test = load_pair(test_images, test_labels, name, num_classes, class_names);
    return split;
}

std::vector<std::string> fashion_mnist_classes() {
    return {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
}

}  // namespace gs
