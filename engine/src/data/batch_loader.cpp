// BatchLoader: a background thread that assembles the next batch (gather,
// one-hot targets where the loss wants them, augmentation, normalization)
// into one of two slots while the training thread uses the other.
#include <algorithm>
#include <cstring>

#include "gradscope/data_pipeline.h"
#include "gradscope/error.h"

namespace gs {

BatchLoader::BatchLoader(Backend& backend, const Shape& item, int target_size, int max_batch)
    : m_be(&backend), m_item(item), m_target(target_size), m_max_batch(max_batch) {
    for (int s = 0; s < 2; ++s) {
        m_x[s] = Tensor(backend, item.with_batch(max_batch));
        m_y[s] = Tensor(backend, {max_batch, target_size});
    }
    if (!backend.host_memory()) {
        m_host_x.resize(2 * static_cast<size_t>(max_batch) * item.numel());
        m_host_y.resize(2 * static_cast<size_t>(max_batch) * static_cast<size_t>(target_size));
    }
    m_inline = static_cast<size_t>(max_batch) * item.numel() < kInlineFloats;
    if (!m_inline) m_thread = std::thread([this] { run(); });
}

BatchLoader::~BatchLoader() {
    if (m_thread.joinable()) {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_quit = true;
        }
        m_cv.notify_all();
        m_thread.join();
    }
}

void BatchLoader::fill(int slot, const Job& job) {
    const size_t per = m_item.numel();
    float* x;
    float* y;
    if (m_be->host_memory()) {
        x = m_x[slot].data();
        y = m_y[slot].data();
    } else {
        x = m_host_x.data() + static_cast<size_t>(slot) * m_max_batch * per;
        y = m_host_y.data() + static_cast<size_t>(slot) * m_max_batch * static_cast<size_t>(m_target);
    }
    const int ty = job.data->target_size();
    // Normalization alone is done while gathering, in one pass.
    const bool fused = !job.pre->mean.empty() && !job.pre->scale.empty() &&
                       !(job.augment && job.pre->augments());
    if (fused)
        job.data->gather_affine(job.idx.data(), job.n, x, y, job.pre->scale.data(),
                                job.pre->shift.data());
    else
        job.data->gather(job.idx.data(), job.n, x, y);
    if (ty != m_target) one_hot_in_place(y, job.n, m_target);  // an MSE loss over classes
    if (!fused)
        job.pre->apply(x, job.n, job.data->item_shape(), job.augment, job.seed, job.step, m_scratch);
}

void BatchLoader::prepare(const Dataset& data, const uint32_t* idx, int n, const Preprocess& p,
                          bool augment, uint64_t seed, uint64_t step) {
    if (n < 1 || n > m_max_batch)
        throw Error("a batch of " + std::to_string(n) + " does not fit the loader's " +
                    std::to_string(m_max_batch));
    if (m_pending) throw Error("the previous batch was prepared but never taken");
    const int slot = m_slot ^ 1;
    if (m_inline) {
        m_job.data = &data;
        m_job.idx.assign(idx, idx + n);
        m_job.n = n;
        m_job.pre = &p;
        m_job.augment = augment;
        m_job.seed = seed;
        m_job.step = step;
        try {
            fill(slot, m_job);
        } catch (...) {
            m_error = std::current_exception();
        }
        m_done = true;
    } else {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_job.data = &data;
        m_job.idx.assign(idx, idx + n);  // no allocation once the capacity is reached
        m_job.n = n;
        m_job.pre = &p;
        m_job.augment = augment;
        m_job.seed = seed;
        m_job.step = step;
        m_has_job = true;
        m_done = false;
    }
    m_pending = true;
    if (!m_inline) m_cv.notify_all();
}

void BatchLoader::take(Tensor& x, Tensor& y) {
    if (!m_pending) throw Error("no batch was prepared");
    if (!m_inline) {
        std::unique_lock<std::mutex> lock(m_mutex);
        m_cv.wait(lock, [this] { return m_done; });
    }
    m_pending = false;
    m_slot ^= 1;
    if (m_error) {
        std::exception_ptr e = m_error;
        m_error = nullptr;
        std::rethrow_exception(e);
    }
    const int n = m_job.n;
    x = m_x[m_slot].batch_view(0, n);
    y = m_y[m_slot].batch_view(0, n);
    if (!m_be->host_memory()) {
        const size_t per = m_item.numel();
        m_be->upload(x.data(), m_host_x.data() + static_cast<size_t>(m_slot) * m_max_batch * per,
                     x.numel());
        m_be->upload(y.data(),
                     m_host_y.data() + static_cast<size_t>(m_slot) * m_max_batch *
                                           static_cast<size_t>(m_target),
                     y.numel());
    }
}

void BatchLoader::run() {
    std::unique_lock<std::mutex> lock(m_mutex);
    for (;;) {
        m_cv.wait(lock, [this] { return m_quit || m_has_job; });
        if (m_quit) return;
        m_has_job = false;
        const int slot = m_slot ^ 1;
        lock.unlock();
        std::exception_ptr err;
        try {
            fill(slot, m_job);
        } catch (...) {
            err = std::current_exception();
        }
        lock.lock();
        m_error = err;
        m_done = true;
        m_cv.notify_all();
    }
}

}  // namespace gs
