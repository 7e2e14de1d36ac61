// DataView: what the studio's views know of the open data, as a view model
// the bridge builds once from the engine's prepared data (make_data_view):
// the 2-D points, the classes and their names, the range of a regression
// target, the split probes come from (read item by item through DataItems),
// and the description a person reads ("1,600 training · 400 test · 2
// classes · items 2"). Views hold it without linking the engine.
#pragma once

#include <QString>
#include <QStringList>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "gradscope/shape.h"

namespace gs {
struct PreparedData;
}

namespace gs::studio {

// One point of 2-D data as the dataset gives it (before normalization,
// like Snapshot's grid lo/hi); for 1-D data, x is the feature and y the target.
struct DataPoint {
    float x = 0, y = 0;
    float target = 0;   // class index, or the value for regression
    bool test = false;  // from the test (or validation) split
};

// The items of one split of the open data, read on demand (the preview's
// image grid, the probe's input picture). Implemented by the bridge over the
// engine's dataset; reading is const and safe while a session trains.
class DataItems {
public:
    virtual ~DataItems() = default;
    virtual size_t size() const = 0;
    virtual gs::Shape item_shape() const = 0;
    virtual int target_size() const = 0;  // floats per target: 1 for a class index
    // Copies items indices[0..n) into x (n * item numel) and y (n *
    // target_size), as the dataset gives them (before normalization).
    virtual void gather(const uint32_t* indices, int n, float* x, float* y) const = 0;
};

struct DataView {
    bool two_d = false;             // items of 2 features
    bool one_d = false;             // items of 1 feature (x, target)
    std::vector<DataPoint> points;  // training, then held-out points (1-D and 2-D only)
    int classes = 0;                // 0: regression
    QStringList class_names;        // "class 0", "class 1", ... when the data names none
    float target_lo = 0, target_hi = 0;  // regression targets' range
    // The split snapshot probes come from: validation, else test, else
    // training (as the session chooses). Null when nothing is open.
    std::shared_ptr<const DataItems> probe_split;
    QString probe_split_name;  // "validation", "test", "training"
    // The training split (what a data map's item indices refer to).
    std::shared_ptr<const DataItems> train_split;
    size_t train_size = 0, validation_size = 0, test_size = 0;  // items per split
    // "1,600 training · 400 test · 2 classes · items 2" for people.
    QString description;
};

// Reads what the views need from prepared data (at most max_points points
// per split for 2-D data). The view keeps the data's splits alive.
DataView make_data_view(const gs::PreparedData& data, size_t max_points = 5000);

// True when Fashion-MNIST can be opened here (Debian's dataset-fashion-mnist
// package is installed).
bool fashion_mnist_installed();

}  // namespace gs::studio
