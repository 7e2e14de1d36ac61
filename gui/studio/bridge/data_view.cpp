// The data view model, built from the engine's prepared data.
#include "bridge/data_view.h"

#include <QDir>
#include <QLocale>
#include <algorithm>

#include "gradscope/data_files.h"
#include "gradscope/data_pipeline.h"
#include "gradscope/dataset.h"

namespace gs::studio {

namespace {

// A split of the open data, shared with the PreparedData it came from.
class DatasetItems : public DataItems {
public:
    explicit DatasetItems(std::shared_ptr<const Dataset> data) : m_data(std::move(data)) {}
    size_t size() const override { return m_data->size(); }
    gs::Shape item_shape() const override { return m_data->item_shape(); }
    int target_size() const override { return m_data->target_size(); }
    void gather(const uint32_t* indices, int n, float* x, float* y) const override {
        m_data->gather(indices, n, x, y);
    }

private:
    std::shared_ptr<const Dataset> m_data;
};

// The split a probe index refers to, and its name.
std::shared_ptr<const Dataset> probe_split(const PreparedData& data, QString* name) {
    auto pick = [&](const std::shared_ptr<Dataset>& d, const char* n) {
        *name = QString::fromLatin1(n);
        return std::shared_ptr<const Dataset>(d);
    };
    if (data.validation && data.validation->size()) return pick(data.validation, "validation");
    if (data.test && data.test->size()) return pick(data.test, "test");
    return pick(data.train, "training");
}

QString describe(const PreparedData& data) {
    QLocale c(QLocale::English);
    QStringList parts;
    auto count = [&](const std::shared_ptr<Dataset>& d, const char* what) {
        if (d && d->size() > 0) parts << c.toString(qulonglong(d->size())) + " " + what;
    };
    count(data.train, "training");
    count(data.validation, "validation");
    count(data.test, "test");
    if (data.train) {
        const int k = data.train->num_classes();
        parts << (k > 0 ? QStringLiteral("%1 classes").arg(k) : QStringLiteral("regression"));
        parts << QStringLiteral("items %1").arg(QString::fromStdString(data.train->item_shape().str()));
    }
    return parts.join(QStringLiteral(" · "));
}

size_t size_of(const std::shared_ptr<Dataset>& d) { return d ? d->size() : 0; }

}  // namespace

DataView make_data_view(const PreparedData& data, size_t max_points) {
    DataView s;
    s.description = describe(data);
    s.train_size = size_of(data.train);
    s.validation_size = size_of(data.validation);
    s.test_size = size_of(data.test);
    if (!data.train) return s;
    s.probe_split = std::make_shared<DatasetItems>(probe_split(data, &s.probe_split_name));
    s.train_split = std::make_shared<DatasetItems>(data.train);
    s.classes = data.train->num_classes();
    for (const std::string& c : data.train->class_names()) s.class_names << QString::fromStdString(c);
    for (int c = static_cast<int>(s.class_names.size()); c < s.classes; ++c)
        s.class_names << QStringLiteral("class %1").arg(c);
    // Points of a plane: the items themselves, or the points input features
    // (x₁², sin x₁, ...) are computed from (Dataset::gather_plane); else a
    // 1-input set drawn as its feature against the target.
    {
        const uint32_t first = 0;
        float xy[2];
        s.two_d = data.train->size() > 0 && data.train->gather_plane(&first, 1, xy);
    }
    s.one_d = !s.two_d && data.train->item_shape().numel() == 1;
    if (!s.two_d && !s.one_d) return s;
    const size_t nx = s.two_d ? 2 : 1;
    const size_t item = data.train->item_shape().numel();
    const int ty = data.train->target_size();
    bool first_target = true;
    auto add = [&](const Dataset* d, bool test) {
        if (!d) return;
        const size_t n = std::min(d->size(), max_points);
        std::vector<uint32_t> idx(n);
        for (size_t i = 0; i < n; ++i) idx[i] = static_cast<uint32_t>(i);
        std::vector<float> items(n * item), x(n * nx), y(n * static_cast<size_t>(ty));
        if (n) {
            d->gather(idx.data(), static_cast<int>(n), items.data(), y.data());
            if (nx == 1) x = items;
            else if (!d->gather_plane(idx.data(), static_cast<int>(n), x.data())) return;
        }
        for (size_t i = 0; i < n; ++i) {
            const float t = y[i * static_cast<size_t>(ty)];
            // 1-D: the feature against the target, as a scatter plot shows it.
            DataPoint p{x[i * nx], nx == 2 ? x[i * 2 + 1] : t, t, test};
            s.points.push_back(p);
            if (first_target) s.target_lo = s.target_hi = p.target, first_target = false;
            s.target_lo = std::min(s.target_lo, p.target);
            s.target_hi = std::max(s.target_hi, p.target);
        }
    };
    add(data.train.get(), false);
    add(data.validation.get(), true);
    add(data.test.get(), true);
    return s;
}

bool fashion_mnist_installed() { return QDir(QString::fromLatin1(kFashionMnistDir)).exists(); }

}  // namespace gs::studio
