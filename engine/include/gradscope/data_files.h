// Datasets read from files: IDX (MNIST and its relatives, plain or gzip),
// CIFAR-10 binary, CSV and a folder of images per class. Every malformed
// input is a gs::Error naming the file (and row and column for CSV) and what
// is wrong; sizes a header claims are checked against the real data before
// anything is allocated. The parse_* functions take bytes already in memory:
// they are what the loaders, the fuzz targets and the corpus test call.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "gradscope/dataset.h"

namespace gs {

// Reads a file whole, gunzipping it when it starts with the gzip magic;
// refuses more than max_bytes of (uncompressed) data. Throws gs::Error.
std::vector<uint8_t> read_maybe_gzip(const std::string& path, size_t max_bytes);
// Decompresses gzip data held in memory (one or more members, as gzip -d
// does); path only names the source in errors. Refuses more than max_bytes of
// output, whatever the gzip trailer claims. Throws gs::Error.
std::vector<uint8_t> gunzip(const uint8_t* data, size_t size, const std::string& path,
                            size_t max_bytes);

// --- IDX -------------------------------------------------------------------
// An images file (magic 0x00000803: count, rows, cols, then bytes) and a
// labels file (magic 0x00000801: count, then bytes) make one ByteDataset of
// items (1, rows, cols). Labels must be below num_classes (10 by default).
std::shared_ptr<ByteDataset> parse_idx(const uint8_t* images, size_t images_size,
                                       const std::string& images_path, const uint8_t* labels,
                                       size_t labels_size, const std::string& labels_path,
                                       const std::string& name, int num_classes = 10,
                                       std::vector<std::string> class_names = {});
// A directory with train-images-idx3-ubyte, train-labels-idx1-ubyte,
// t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (each plain or .gz).
DataSplit load_idx_dir(const std::string& dir, const std::string& name, int num_classes = 10,
                       std::vector<std::string> class_names = {});
// Where Debian's dataset-fashion-mnist package puts the files.
inline constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";
// Fashion-MNIST's class names, in label order.
std::vector<std::string> fashion_mnist_classes();

// --- CIFAR-10 ---------------------------------------------------------------
// A batch file: records of 1 label byte and 3072 pixel bytes (3, 32, 32).
std::shared_ptr<ByteDataset> parse_cifar10(const uint8_t* data, size_t size,
                                           const std::string& path, const std::string& name,
                                           std::vector<std::string> class_names = {});
// data_batch_1..5.bin (train), test_batch.bin (test), batches.meta.txt (names).
DataSplit load_cifar10_dir(const std::string& dir);

// --- CSV ------------------------------------------------------------------
struct CsvOptions {
    // Column holding the label or target: a header name, or an index as text
    // ("0", "-1" for the last). Empty: the last column.
    std::string label_column;
    // "auto" (a first row with a non-numeric cell in a feature column is a
    // header), "yes" or "no".
    std::string header = "auto";
    // Classification (labels: integers or strings, mapped to classes) or
    // regression (a numeric target). "auto": strings or few distinct
    // integers mean classes.
    std::string task = "auto";
    char delimiter = ',';
};
std::shared_ptr<Dataset> parse_csv(const std::string& text, const std::string& path,
                                   const CsvOptions& options);
std::shared_ptr<Dataset> load_csv(const std::string& path, const CsvOptions& options);

// --- A folder of images per class -----------------------------------------------
struct ImageFolderOptions {
    int height = 32, width = 32;  // every image is resized to this
    bool grayscale = false;       // 1 channel, else 3 (RGB)
};
// root/<class>/*.png|*.jpg|*.jpeg|*.bmp; classes sorted by name.
std::shared_ptr<ByteDataset> load_image_folder(const std::string& root,
                                               const ImageFolderOptions& options);

}  // namespace gs
