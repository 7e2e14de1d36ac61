// The bodies of the fuzz targets, shared by the libFuzzer programs
// (tests/fuzz/fuzz_*.cpp) and the corpus replay test
// (tests/engine/io/test_fuzz_corpus.cpp), so CI runs exactly what was fuzzed.
// Each takes raw bytes and calls a parser. The file parsers may refuse an
// input by throwing gs::Error; anything else that escapes is a bug: libFuzzer
// reports it as a crash, the replay test as a failure. What a parser accepts
// is checked too (shapes, label ranges, finite values); a broken invariant
// throws std::logic_error.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gradscope/data_files.h"
#include "gradscope/dataset.h"
#include "gradscope/error.h"
#include "gradscope/io.h"
#include "gradscope/run_log_reader.h"
#include "gradscope/spec.h"
#include "gradscope/validate.h"
#include "io/checkpoint_read.h"  // engine/src: the checks every checkpoint reader makes

namespace gs_fuzz {

inline void check(bool ok, const char* what) {
    if (!ok) throw std::logic_error(std::string("fuzz invariant broken: ") + what);
}

// Gathers up to 64 items, the first and last among them, and checks them.
inline void check_dataset(const gs::Dataset& d) {
    check(d.size() > 0, "an accepted dataset is not empty");
    const size_t numel = d.item_shape().numel();
    check(numel > 0, "items have elements");
    const int classes = d.num_classes();
    check(classes >= 0, "class count not negative");
    check(classes == 0 || d.class_names().size() == static_cast<size_t>(classes),
          "one name per class");
    std::vector<uint32_t> idx;
    for (size_t i = 0; i < d.size() && idx.size() < 63; ++i)
        idx.push_back(static_cast<uint32_t>(i));
    idx.push_back(static_cast<uint32_t>(d.size() - 1));
    const int n = static_cast<int>(idx.size());
    std::vector<float> x(idx.size() * numel), y(idx.size() * static_cast<size_t>(d.target_size()));
    d.gather(idx.data(), n, x.data(), y.data());
    for (float v : x) check(std::isfinite(v), "inputs are finite");
    for (float v : y) {
        check(std::isfinite(v), "targets are finite");
        if (classes > 0)
            check(v >= 0 && v < static_cast<float>(classes) && v == std::floor(v),
                  "labels are class indices");
    }
}

inline void check_bytes(const gs::ByteDataset& d) {
    check_dataset(d);
    check(d.memory_bytes() >= d.size() * (d.item_shape().numel() + 1), "bytes held");
    for (size_t i = 0; i < d.size(); ++i) check(d.label(i) < d.num_classes(), "label in range");
}

// Gunzips a part that starts with the gzip magic, as the loaders do.
inline std::vector<uint8_t> maybe_gunzip(const uint8_t* p, size_t n, const char* path) {
    if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b) return gs::gunzip(p, n, path, 1 << 20);
    return std::vector<uint8_t>(p, p + n);
}

// IDX: the first two bytes (little-endian) are the length of the images
// part; the rest is the labels part. Either part may be gzipped.
inline void fuzz_idx(const uint8_t* data, size_t size) {
    if (size < 2) return;
    size_t split = static_cast<size_t>(data[0]) | (static_cast<size_t>(data[1]) << 8);
    data += 2;
    size -= 2;
    if (split > size) split = size;
    const auto images = maybe_gunzip(data, split, "images");
    const auto labels = maybe_gunzip(data + split, size - split, "labels");
    auto d = gs::parse_idx(images.data(), images.size(), "images", labels.data(), labels.size(),
                           "labels", "fuzz", 10);
    check(d != nullptr, "parse_idx returns a dataset");
    check(d->item_shape().rank == 3 && d->item_shape()[0] == 1, "items are (1, rows, cols)");
    check(16 + d->size() * d->item_shape().numel() == images.size(), "pixels match the file");
    check_bytes(*d);
}

// CIFAR-10: the whole input is one batch file (gzipped or not).
inline void fuzz_cifar10(const uint8_t* data, size_t size) {
    const auto bytes = maybe_gunzip(data, size, "batch");
    auto d = gs::parse_cifar10(bytes.data(), bytes.size(), "batch", "fuzz");
    check(d != nullptr, "parse_cifar10 returns a dataset");
    check(d->item_shape() == (gs::Shape{3, 32, 32}), "items are (3, 32, 32)");
    check(d->size() * 3073 == bytes.size(), "records match the file");
    check_bytes(*d);
}

// CSV: the first byte picks the options, the rest is the text.
inline void fuzz_csv(const uint8_t* data, size_t size) {
    if (size < 1) return;
    const uint8_t o = data[0];
    gs::CsvOptions options;
    static const char* const kHeader[] = {"auto", "yes", "no", "auto"};
    static const char* const kTask[] = {"auto", "classification", "regression", "auto"};
    static const char kDelim[] = {',', ';', '\t', ','};
    static const char* const kLabel[] = {"", "0", "-1", "label"};
    options.header = kHeader[o & 3];
    options.task = kTask[(o >> 2) & 3];
    options.delimiter = kDelim[(o >> 4) & 3];
    options.label_column = kLabel[(o >> 6) & 3];
    const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
    auto d = gs::parse_csv(text, "fuzz.csv", options);
    check(d != nullptr, "parse_csv returns a dataset");
    check(d->item_shape().rank == 1, "items are (F)");
    check(d->target_size() == 1, "one target per row");
    if (options.task == std::string("regression")) check(d->num_classes() == 0, "regression");
    if (options.task == std::string("classification")) check(d->num_classes() > 0, "classes");
    check_dataset(*d);
}

// Model specs: parse_spec never throws. A spec it accepts must be written
// back to JSON that it accepts again, and that writes out the same.
inline void fuzz_spec(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const gs::SpecResult r = gs::parse_spec(text);
    check(r.ok() == r.issues.empty(), "ok() means no issues");
    if (!r.ok()) {
        check(!r.message().empty(), "a refused spec says why");
        return;
    }
    const std::string json = gs::spec_to_json(r.spec);
    const gs::SpecResult again = gs::parse_spec(json);
    check(again.ok(), "a written spec reads back");
    check(gs::spec_to_json(again.spec) == json, "a written spec reads back the same");
}

// Checkpoints: the whole input is one file, read as --resume, evaluate and
// the exporters read it: decode_safetensors (what load_safetensors calls on
// the bytes it read), then the checkpoint's checks (check_checkpoint). An
// accepted safetensors file holds exactly the floats its shapes say, and is
// written back to bytes that decode the same.
inline void fuzz_checkpoint(const uint8_t* data, size_t size) {
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    gs::SafetensorsFile f = gs::decode_safetensors(bytes, "fuzz.safetensors");
    for (const gs::NamedArray& a : f.tensors) {
        size_t n = 1;
        for (int d : a.shape) {
            check(d >= 0, "dimensions not negative");
            n *= static_cast<size_t>(d);
        }
        check(a.values.size() == n, "one value per element");
        check(a.values.size() * sizeof(float) <= size, "values come from the file");
    }
    const gs::SafetensorsFile again = gs::decode_safetensors(gs::encode_safetensors(f), "again");
    check(again.metadata == f.metadata, "metadata reads back");
    check(again.tensors.size() == f.tensors.size(), "tensors read back");
    for (size_t i = 0; i < f.tensors.size(); ++i)
        check(again.tensors[i].name == f.tensors[i].name &&
                  again.tensors[i].shape == f.tensors[i].shape &&
                  std::memcmp(again.tensors[i].values.data(), f.tensors[i].values.data(),
                              f.tensors[i].values.size() * sizeof(float)) == 0,
              "a tensor reads back the same");
    const gs::CheckedCheckpoint c = gs::check_checkpoint(std::move(f), "fuzz.safetensors");
    check(c.progress.step >= 0 && c.progress.step <= gs::kMaxCheckpointSteps, "step in range");
    check(c.progress.optimizer_steps >= 0, "optimizer steps in range");
    check(c.by_name.size() <= c.file.tensors.size(), "one entry per name");
    check(gs::parse_spec(gs::spec_to_json(c.spec)).ok(), "the stored spec writes and reads back");
}

// Run-log lines (docs/run-log.md): the input is split at '\n' and each line
// goes to parse_run_log_line, as the monitor's follower does; it never
// throws. A line's kind does not depend on what was parsed before it.
inline void fuzz_run_log(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        const std::string_view line = text.substr(start, end - start);
        gs::RunLogLine out, fresh;
        const gs::RunLogLineKind kind = gs::parse_run_log_line(line, out);
        check(gs::parse_run_log_line(line, fresh) == kind, "same line, same kind");
        if (kind == gs::RunLogLineKind::Step) check(out.merged >= 1, "a step line stands for 1+ steps");
        start = end + 1;
    }
}

}  // namespace gs_fuzz
