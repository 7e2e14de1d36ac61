// From a spec's "data" to batches: the splits (train, validation, test),
// limits, per-channel normalization fitted on the training split, image
// augmentation, and the loader that assembles the next batch on a
// background thread while the current one trains.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "gradscope/backend.h"
#include "gradscope/dataset.h"
#include "gradscope/names.h"
#include "gradscope/spec.h"

namespace gs {

// Items [indices] of another dataset.
class SubsetDataset : public Dataset {
public:
    SubsetDataset(std::shared_ptr<const Dataset> parent, std::vector<uint32_t> indices,
                  std::string name);
    std::string name() const override { return m_name; }
    size_t size() const override { return m_indices.size(); }
    Shape item_shape() const override { return m_parent->item_shape(); }
    int num_classes() const override { return m_parent->num_classes(); }
    int target_size() const override { return m_parent->target_size(); }
    std::vector<std::string> class_names() const override { return m_parent->class_names(); }
    void gather(const uint32_t* indices, int n, float* x, float* y) const override;
    void gather_affine(const uint32_t* indices, int n, float* x, float* y, const float* scale,
                       const float* shift) const override;
    bool gather_plane(const uint32_t* indices, int n, float* xy) const override;

private:
    template <typename F>
    void mapped(const uint32_t* indices, int n, float* x, float* y, F&& fetch) const;
    std::shared_ptr<const Dataset> m_parent;
    std::vector<uint32_t> m_indices;
    std::string m_name;
};

// Input features of a 2-D set (DataSpec::features): each item is the list
// of features computed from the parent's point (x1, x2), in the order given;
// targets are the parent's. gather_plane gives the points themselves.
class FeatureDataset : public Dataset {
public:
    // Throws gs::Error when the parent's items are not points of a plane or
    // no feature is given.
    FeatureDataset(std::shared_ptr<const Dataset> plane, std::vector<InputFeature> features);
    std::string name() const override { return m_plane->name(); }
    size_t size() const override { return m_plane->size(); }
    Shape item_shape() const override { return Shape{static_cast<int>(m_features.size())}; }
    int num_classes() const override { return m_plane->num_classes(); }
    int target_size() const override { return m_plane->target_size(); }
    std::vector<std::string> class_names() const override { return m_plane->class_names(); }
    void gather(const uint32_t* indices, int n, float* x, float* y) const override;
    bool gather_plane(const uint32_t* indices, int n, float* xy) const override;
    const std::vector<InputFeature>& features() const { return m_features; }

private:
    std::shared_ptr<const Dataset> m_plane;
    std::vector<InputFeature> m_features;
};

// What happens to a gathered batch before the model sees it.
struct Preprocess {
    std::vector<float> mean, inv_std;  // per channel; empty: no normalization
    bool flip = false;                 // random horizontal flips (training only)
    int crop_padding = 0;              // random crops of the zero-padded image (training only)

    bool augments() const { return flip || crop_padding > 0; }
    // Normalization as x * scale + shift (scale = 1/std, shift = -mean/std).
    std::vector<float> scale, shift;
    // x: (n, item). Augmentation draws from (seed, step, item in batch), so a
    // run is reproducible whichever thread does the work.
    void apply(float* x, int n, const Shape& item, bool augment, uint64_t seed, uint64_t step,
               std::vector<float>& scratch) const;
};

// Turns n class labels (at y[0..n)) into one-hot rows of width floats, in
// place (back to front, so each label is read before its row is written).
void one_hot_in_place(float* y, int n, int width);

// Per-channel mean and 1/std over a dataset (items (C, ...) or (F): one
// channel per feature for flat items).
void fit_normalization(const Dataset& data, Preprocess& p);

struct PreparedData {
    std::shared_ptr<Dataset> train, validation, test;  // validation / test may be empty
    Preprocess preprocess;
    std::string source;  // where it came from, for people: "/usr/share/datasets/fashion-mnist"
};

// Opens the data a spec names and splits it; a 2-D set with input features
// comes as FeatureDatasets. Throws gs::Error.
PreparedData prepare_data(const ModelSpec& spec);

// Assembles batches on a background thread, two slots in turn: while the
// training thread works on one, the next is being filled. Batches of fewer
// than kInlineFloats floats are made on the calling thread (a hand-off costs
// more than they do).
class BatchLoader {
public:
    static constexpr size_t kInlineFloats = 16384;

    BatchLoader(Backend& backend, const Shape& item, int target_size, int max_batch);
    ~BatchLoader();
    BatchLoader(const BatchLoader&) = delete;
    BatchLoader& operator=(const BatchLoader&) = delete;

    // Starts assembling items idx[0..n) of data (idx is copied).
    void prepare(const Dataset& data, const uint32_t* idx, int n, const Preprocess& p,
                 bool augment, uint64_t seed, uint64_t step);
    // Waits for the prepared batch; views stay valid until the next take().
    // Rethrows an error the loader met.
    void take(Tensor& x, Tensor& y);
    bool pending() const { return m_pending; }
    int max_batch() const { return m_max_batch; }

private:
    struct Job {
        const Dataset* data = nullptr;
        std::vector<uint32_t> idx;
        int n = 0;
        const Preprocess* pre = nullptr;
        bool augment = false;
        uint64_t seed = 0, step = 0;
    };
    void run();
    void fill(int slot, const Job& job);

    Backend* m_be;
    Shape m_item;
    int m_target;
    int m_max_batch;
    Tensor m_x[2], m_y[2];
    std::vector<float> m_host_x, m_host_y, m_scratch;  // staging when memory is not host
    int m_slot = 0;
    bool m_pending = false;
    bool m_inline = false;

    std::thread m_thread;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    Job m_job;
    bool m_has_job = false, m_done = false, m_quit = false;
    std::exception_ptr m_error;
};

}  // namespace gs
