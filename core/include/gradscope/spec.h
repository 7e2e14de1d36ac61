// ModelSpec: a network as plain data (input shape, layers, loss, optimizer,
// schedule, data and seed), read from and written to JSON. Reading checks the
// form: JSON types, unknown fields (with "did you mean"), numbers in range.
// Validation, which infers every layer's output shape and checks the loss and
// training settings, is the engine's (gradscope/validate.h: parse_spec,
// load_spec_file, validate_spec). Every problem comes back at once, each
// naming the layer, the field, what is wrong and what would fix it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gradscope/shape.h"

namespace gs {

struct LayerSpec {
    std::string type;  // canonical name: Dense, Conv2D, MaxPool2D, ...
    // Dense
    int units = 0;
    // Conv2D and pools (pool stride defaults to its kernel)
    int filters = 0;
    int kernel = 0;  // 0: 2 for pools (Conv2D needs one)
    int stride = 0;  // 0: 1 for Conv2D, the kernel for pools
    int padding = 0;
    // LeakyReLU slope, Dropout rate, BatchNorm epsilon and momentum
    float alpha = 0.01f;
    float rate = 0.5f;
    float eps = 1e-5f;
    float momentum = 0.1f;
    // Dense and Conv2D
    std::string init;  // he_uniform, he_normal, xavier_uniform, xavier_normal, zeros
    bool bias = true;
};

struct OptimizerSpec {
    std::string type = "sgd";  // sgd, adam, adamw, rmsprop
    float lr = 0.01f;
    float momentum = 0.0f;  // sgd, rmsprop
    bool nesterov = false;  // sgd
    float beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f;  // adam(w); eps also rmsprop
    float alpha = 0.99f;  // rmsprop smoothing
    float weight_decay = 0.0f;
    float clip_norm = 0.0f;  // clip gradients to this global L2 norm; 0 = off
};

struct ScheduleSpec {
    std::string type = "constant";  // constant, step, exponential, cosine
    long step_size = 1000;  // step: multiply by gamma every step_size steps
    float gamma = 0.1f;     // step, exponential
    long total_steps = 10000;  // cosine: steps from lr down to min_lr
    float min_lr = 0.0f;
    long warmup_steps = 0;  // linear warm-up from 0, on top of any schedule
};

// One point of a drawn 2-D set (DataSpec name "points"): a place on the
// plane and its class (0-based).
struct DataPoint {
    float x = 0, y = 0;
    int label = 0;
    bool operator==(const DataPoint&) const = default;
};

struct DataSpec {
    // A built-in set (spiral, circle, xor, gaussian, moons, line, plane,
    // multi-gaussian, synthetic), "points" (a drawn set, given in points),
    // "fashion-mnist" (Debian's package), or a file format read from path:
    // idx, cifar10, csv, folder.
    std::string name;
    std::string path;  // directory (idx, cifar10, folder) or file (csv)
    int samples = 500;  // built-in sets
    float noise = 0.0f;  // built-in sets
    // Fraction held out for testing, for sources without a test split of
    // their own (built-in sets, csv, folder).
    float test_fraction = 0.2f;
    // Seeded fraction of the training split held out for validation.
    float validation_fraction = 0.0f;
    uint64_t seed = 1;  // generation and splits
    int limit = 0;       // use at most this many training items (0: all)
    int test_limit = 0;  // and test items
    // Per-channel mean / std from the training split, applied to every split.
    bool normalize = false;
    // Training-time augmentation of images: horizontal flips, and random
    // crops of the image padded by this many zero pixels.
    bool augment_flip = false;
    int augment_crop_padding = 0;
    std::string label_column;  // csv: header name or index ("" = last column)
    int image_size = 32;       // folder: images resized to image_size square
    bool grayscale = false;    // folder: 1 channel instead of 3
    // Classes of a multi-class 2-D set: gaussian and spiral take 2 to
    // kMaxSetClasses (0: their default, 2); for "points", the number of
    // classes (0: the largest label + 1, at least 2). Other sets take 0.
    int classes = 0;
    // "points": the drawn set itself (at most kMaxDataPoints points).
    std::vector<DataPoint> points;
    // Inputs computed from each point (x1, x2) of a 2-D set, in input order:
    // ids of the input feature table (gradscope/names.h: "x1", "x2", "x1^2",
    // "x2^2", "x1*x2", "sin(x1)", "sin(x2)"). Empty: the point itself.
    std::vector<std::string> features;
};

struct ModelSpec {
    std::string name;
    std::string description;
    Shape input;  // one item: (F) or (C, H, W)
    std::vector<LayerSpec> layers;
    std::string loss = "softmax_cross_entropy";  // or binary_cross_entropy, mse
    OptimizerSpec optimizer;
    ScheduleSpec schedule;
    int batch_size = 32;
    int epochs = 10;
    uint64_t seed = 42;
    DataSpec data;
};

// One problem found in a spec. layer is -1 for the spec as a whole.
struct SpecIssue {
    int layer = -1;
    std::string layer_type;
    std::string field;
    std::string message;
    // Where in a file, for a spec read from one: its quoted path and the line
    // of the field (or layer); empty and 0 otherwise.
    std::string source;
    int line = 0;
    // "layer 3 (Dense): units: ...", after "'spec.json', line 4: " where known.
    std::string str() const;
};

// What validation learned about one layer.
struct LayerInfo {
    Shape in, out;  // per item
    size_t params = 0;
};

struct SpecResult {
    ModelSpec spec;
    std::vector<SpecIssue> issues;
    bool ok() const { return issues.empty(); }
    std::string message() const;  // every issue, one per line
};

// More checks of a spec read, added to the issues of reading (the engine's
// validation; see gradscope/validate.h).
using SpecCheck = std::vector<SpecIssue> (*)(const ModelSpec& spec);

// Reads a spec's form from JSON text. Never throws. Given a check, it runs on
// what was read (when the text is a JSON object) and its issues join those of
// reading, without repeating a field reading already reported; the issues
// come back in roughly the order of a spec file.
SpecResult read_spec_json(const std::string& json_text, SpecCheck check = nullptr);
// The same for a file; an unreadable or oversized file is an issue too.
SpecResult read_spec_file(const std::string& path, SpecCheck check = nullptr);
// The spec as JSON in the presets' layout (one layer a line); indent < 0:
// compact, on one line.
std::string spec_to_json(const ModelSpec& spec, int indent = 2);

// The layer with its "use the default" zeros filled in: a pool's kernel 0 is
// 2; stride 0 is 1 for Conv2D and the kernel for pools. Validation and the
// layers see specs through this, so specs built in code may leave them 0.
LayerSpec with_defaults(const LayerSpec& layer);

// Canonical layer type for a name in any case ("dense" -> "Dense"), or "".
std::string canonical_layer_type(const std::string& name);

// Limits that keep a typo from becoming an allocation.
constexpr size_t kMaxParameters = 256ull * 1024 * 1024;   // 1 GiB of float32
constexpr size_t kMaxItemActivations = 64ull * 1024 * 1024;  // per item, per layer
constexpr int kMaxBatch = 65536;
// Layers in one model. Far more than any network a person builds; it bounds
// what one model costs to check, save (a checkpoint header stays well inside
// kMaxSafetensorsHeaderBytes) and show.
constexpr size_t kMaxLayers = 10000;
// A drawn set ("points") holds at most this many points, of classes below
// kMaxPointClasses; gaussian and spiral make at most kMaxSetClasses.
constexpr int kMaxDataPoints = 10000;
constexpr int kMaxPointClasses = 16;
constexpr int kMaxSetClasses = 6;

}  // namespace gs
