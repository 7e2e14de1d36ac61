// Series and TelemetryStore: bounded-memory histories of what a session
// publishes.
//
// A Series keeps its newest points exactly in a ring. A point leaving the ring
// joins the last bucket of the decimated history, or starts a new one when
// that bucket already holds m_bucket_width points. When a new bucket would
// exceed the budget, adjacent buckets are merged pairwise and the width
// doubles. So every bucket but the last covers exactly m_bucket_width raw
// points, aligned from the first point ever folded, and the last covers at
// most that many. A bucket keeps min, max, count and the exact sum of y (in
// m_bucket_sums; mean = sum / count, so means stay count-weighted however
// often buckets merge); its x is the x of its first raw point. Every vector
// is reserved in the constructor and only ever shrinks or refills, so add()
// never allocates.
#include "gradscope/telemetry.h"

#include <algorithm>
#include <initializer_list>
#include <utility>

namespace gs {

namespace {

SeriesPoint raw_point(double x, float y) {
    SeriesPoint p;
    p.x = x;
    p.min = p.max = p.mean = y;
    p.count = 1;
    return p;
}

// Folds b (which follows a in x) into a; a keeps its x.
void absorb(SeriesPoint& a, double& a_sum, const SeriesPoint& b, double b_sum) {
    a.min = std::min(a.min, b.min);
    a.max = std::max(a.max, b.max);
    a.count += b.count;
    a_sum += b_sum;
    a.mean = static_cast<float>(a_sum / a.count);
}

// Merges adjacent pairs in place (an odd last bucket stays alone).
void halve(std::vector<SeriesPoint>& buckets, std::vector<double>& sums) {
    size_t out = 0;
    for (size_t i = 0; i < buckets.size(); i += 2, ++out) {
        buckets[out] = buckets[i];
        sums[out] = sums[i];
        if (i + 1 < buckets.size()) absorb(buckets[out], sums[out], buckets[i + 1], sums[i + 1]);
    }
    buckets.resize(out);  // shrinking: no allocation
    sums.resize(out);
}

// Heap bytes of a string: none while it fits the small-string buffer.
size_t heap_bytes(const std::string& s) {
    static const size_t inline_capacity = std::string().capacity();
    return s.capacity() > inline_capacity ? s.capacity() + 1 : 0;
}

}  // namespace

Series::Series(size_t recent, size_t buckets) : m_recent_cap(recent), m_bucket_cap(buckets) {
    m_recent.reserve(m_recent_cap);
    m_buckets.reserve(m_bucket_cap);
    m_bucket_sums.reserve(m_bucket_cap);
}

void Series::add(double x, float y) {
    ++m_total;
    SeriesPoint p = raw_point(x, y);
    if (m_recent.size() < m_recent_cap) {
        m_recent.push_back(p);
        return;
    }
    if (m_recent_cap > 0) {
        // The ring is full: the oldest point leaves it for the history.
        std::swap(p, m_recent[m_recent_start]);
        m_recent_start = (m_recent_start + 1) % m_recent_cap;
    }
    if (m_bucket_cap == 0) return;  // no history kept
    if (!m_buckets.empty() && m_buckets.back().count < m_bucket_width) {
        absorb(m_buckets.back(), m_bucket_sums.back(), p, p.mean);
        return;
    }
    if (m_buckets.size() == m_bucket_cap) {
        halve(m_buckets, m_bucket_sums);
        m_bucket_width *= 2;
        // An odd budget leaves the last bucket half full: it takes the point.
        if (m_buckets.back().count < m_bucket_width) {
            absorb(m_buckets.back(), m_bucket_sums.back(), p, p.mean);
            return;
        }
    }
    m_buckets.push_back(p);
    m_bucket_sums.push_back(p.mean);
}

std::vector<SeriesPoint> Series::points() const {
    std::vector<SeriesPoint> out;
    out.reserve(m_buckets.size() + m_recent.size());
    out.insert(out.end(), m_buckets.begin(), m_buckets.end());
    for (size_t i = 0; i < m_recent.size(); ++i)
        out.push_back(m_recent[(m_recent_start + i) % m_recent.size()]);
    return out;
}

size_t Series::memory_bytes() const {
    return sizeof(*this) + (m_recent.capacity() + m_buckets.capacity()) * sizeof(SeriesPoint) +
           m_bucket_sums.capacity() * sizeof(double);
}

void Series::clear() {
    // Capacity stays: adds after a clear do not allocate either.
    m_recent.clear();
    m_recent_start = 0;
    m_buckets.clear();
    m_bucket_sums.clear();
    m_bucket_width = 1;
    m_total = 0;
}

void Series::truncate_after(double x_max) {
    // The ring in x order from index 0 (a rotation in place: no allocation);
    // with points removed it is no longer full, so add() appends again.
    std::rotate(m_recent.begin(), m_recent.begin() + static_cast<long>(m_recent_start),
                m_recent.end());
    m_recent_start = 0;
    while (!m_recent.empty() && m_recent.back().x > x_max) {
        m_recent.pop_back();
        --m_total;
    }
    while (!m_buckets.empty() && m_buckets.back().x > x_max) {
        m_total -= m_buckets.back().count;
        m_buckets.pop_back();
        m_bucket_sums.pop_back();
    }
}

TelemetryStore::TelemetryStore() = default;

void TelemetryStore::add(const StepRecord& r) {
    const double x = static_cast<double>(r.step);
    m_loss.add(x, r.loss);
    // -1 means regression: no accuracy. A NaN is kept, to be seen.
    if (!(r.accuracy < 0)) m_accuracy.add(x, r.accuracy);
    m_lr.add(x, r.lr);
    m_sps.add(x, r.samples_per_s);
    m_last = r;
}

void TelemetryStore::add(const EpochRecord& r) {
    if (m_epochs.size() >= kMaxEpochs)
        m_epochs.erase(m_epochs.begin(), m_epochs.begin() + m_epochs.size() / 2);
    m_epochs.push_back(r);
}

void TelemetryStore::add(const EventRecord& r) {
    if (m_events.size() >= kMaxEvents)
        m_events.erase(m_events.begin(), m_events.begin() + kMaxEvents / 10);
    m_events.push_back(r);
}

void TelemetryStore::add(const LayerStats& r) {
    if (r.layer < 0 || r.layer > 4096) return;  // not a layer of any model we build
    const size_t i = static_cast<size_t>(r.layer);
    if (m_layers.size() <= i) {
        m_layers.resize(i + 1);
        // Smaller series than the step ones: there is one per layer.
        while (m_layer_grad.size() <= i) m_layer_grad.emplace_back(1024, 1024);
        while (m_layer_ratio.size() <= i) m_layer_ratio.emplace_back(1024, 1024);
    }
    m_layers[i] = r;
    if (r.has_weights) {
        m_layer_grad[i].add(static_cast<double>(r.step), r.grad_norm);
        m_layer_ratio[i].add(static_cast<double>(r.step), r.update_ratio);
    }
}

void TelemetryStore::add(const SharpnessRecord& r) {
    m_sharpness.add(static_cast<double>(r.step), r.sharpness);
    m_edge.add(static_cast<double>(r.step), r.edge);
    m_last_sharpness = r;
}

void TelemetryStore::add(const NoiseScaleRecord& r) {
    m_noise.add(static_cast<double>(r.step), r.b_simple);
    m_last_noise = r;
}

size_t TelemetryStore::memory_bytes() const {
    size_t n = sizeof(*this);
    n += m_layers.capacity() * sizeof(LayerStats);
    for (const auto* v : {&m_layer_grad, &m_layer_ratio})
        for (const Series& x : *v) n += x.memory_bytes();
    for (const Series* s : {&m_loss, &m_accuracy, &m_lr, &m_sps, &m_sharpness, &m_edge, &m_noise})
        n += s->memory_bytes() - sizeof(Series);  // sizeof(*this) holds the objects
    n += m_epochs.capacity() * sizeof(EpochRecord);
    n += m_events.capacity() * sizeof(EventRecord);
    for (const EventRecord& e : m_events)
        n += heap_bytes(e.kind) + heap_bytes(e.name) + heap_bytes(e.text);
    return n;
}

void TelemetryStore::truncate_after(long step) {
    const double x = static_cast<double>(step);
    for (Series* s : {&m_loss, &m_accuracy, &m_lr, &m_sps, &m_sharpness, &m_edge, &m_noise})
        s->truncate_after(x);
    if (m_last_sharpness.step > step) m_last_sharpness = SharpnessRecord{};
    if (m_last_noise.step > step) m_last_noise = NoiseScaleRecord{};
    for (auto* v : {&m_layer_grad, &m_layer_ratio})
        for (Series& s : *v) s.truncate_after(x);
    while (!m_epochs.empty() && m_epochs.back().step > step) m_epochs.pop_back();
    for (size_t i = 0; i < m_layers.size(); ++i)
        if (m_layers[i].step > step) {
            m_layers[i] = LayerStats{};
            m_layers[i].layer = static_cast<int>(i);
        }
    if (m_last.step <= step) return;
    // The last step kept, as the series remember it.
    const uint32_t run = m_last.run, run_id = m_last.run_id;
    m_last = StepRecord{};
    m_last.run = run;
    m_last.run_id = run_id;
    const std::vector<SeriesPoint> loss = m_loss.points();
    if (loss.empty()) return;
    m_last.step = static_cast<long>(loss.back().x);
    m_last.loss = loss.back().mean;
    auto at_last = [&](const Series& s, float dflt) {
        const std::vector<SeriesPoint> p = s.points();
        return !p.empty() && p.back().x == loss.back().x ? p.back().mean : dflt;
    };
    m_last.accuracy = at_last(m_accuracy, -1.0f);
    m_last.lr = at_last(m_lr, 0.0f);
    m_last.samples_per_s = at_last(m_sps, 0.0f);
    if (!m_epochs.empty())
        m_last.epoch = m_epochs.back().step == m_last.step ? m_epochs.back().epoch - 1
                                                           : m_epochs.back().epoch;
}

void TelemetryStore::clear() {
    m_loss.clear();
    m_accuracy.clear();
    m_lr.clear();
    m_sps.clear();
    m_epochs.clear();
    m_events.clear();
    m_last = StepRecord{};
    m_layers.clear();
    m_layer_grad.clear();
    m_layer_ratio.clear();
    m_sharpness.clear();
    m_edge.clear();
    m_noise.clear();
    m_last_sharpness = SharpnessRecord{};
    m_last_noise = NoiseScaleRecord{};
}

}  // namespace gs
