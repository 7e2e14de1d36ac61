// The gradient noise scale B_simple (McCandlish et al. 2018) from the
// gradient norms of small and large batches (gradscope/optimization_gauges.h).
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "gradscope/error.h"
#include "gradscope/optimization_gauges.h"
#include "gradscope/rng.h"

namespace gs {

void NoiseScaleEstimator::measure(Trainer& t) {
    const size_t items = t.train_data().size();
    const int k = std::max(2, batches);
    // The training batch, or smaller where the set has too few items for k
    // disjoint ones (B_simple does not depend on the batch size measured at).
    const int b = static_cast<int>(std::min<size_t>(
        static_cast<size_t>(std::min(batch > 0 ? batch : t.batch_size(), t.batch_size())), items / k));
    if (b < 1)
        throw Error("the noise scale needs " + std::to_string(k) + " batches of different items, but the "
                    "training set has " + std::to_string(items) + " item" + (items == 1 ? "" : "s"));
    if (m_order.size() != items) {
        m_order.resize(items);
        std::iota(m_order.begin(), m_order.end(), 0u);
    }
    // k disjoint random batches: a partial shuffle of the items (each
    // measurement draws from its own counter, so runs repeat).
    Rng rng(seed ^ mix64(++m_draws));
    const size_t need = static_cast<size_t>(b) * static_cast<size_t>(k);
    for (size_t i = 0; i < need; ++i) std::swap(m_order[i], m_order[i + rng.below(items - i)]);
    double small = 0;  // mean over the k batches of |g_i|²
    for (int j = 0; j < k; ++j) {
        t.gradient_on(m_order.data() + static_cast<size_t>(j) * b, b);
        m_params.get_grads(t, m_g);
        if (m_sum.size() != m_g.size()) m_sum.assign(m_g.size(), 0.0f);
        if (j == 0) std::fill(m_sum.begin(), m_sum.end(), 0.0f);
        double sq = 0;
        for (size_t i = 0; i < m_g.size(); ++i) {
            sq += static_cast<double>(m_g[i]) * m_g[i];
            m_sum[i] += m_g[i];
        }
        small += sq / k;
    }
    double big = 0;  // |mean g|²: the gradient of the k b items together
    for (float s : m_sum) big += (static_cast<double>(s) / k) * (static_cast<double>(s) / k);
    const double bs = b, bb = static_cast<double>(b) * k;
    const double g2 = (bb * big - bs * small) / (bb - bs);
    const double tr = (small - big) / (1 / bs - 1 / bb);
    if (!std::isfinite(g2) || !std::isfinite(tr)) return;  // a non-finite gradient: no measurement
    m_g2 = beta * m_g2 + g2;
    m_s = beta * m_s + tr;
    m_weight = beta * m_weight + 1;
    ++m_count;
}

double NoiseScaleEstimator::b_simple() const {
    if (!(m_weight > 0) || !(m_s > 0)) return 0;
    // The true gradient is lost in the noise of the batches measured: the
    // noise scale is beyond what they resolve.
    if (!(m_g2 > 0)) return std::numeric_limits<double>::infinity();
    return m_s / m_g2;
}

}  // namespace gs
