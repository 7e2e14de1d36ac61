// RestorePoints (restore_points.h): the pool of slots in chunks, the level
// lists that thin points as they age, the step index and the journal.
#include "session/restore_points.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "gradscope/trainer.h"

namespace gs {

namespace {

constexpr size_t kChunkBytes = size_t{1} << 20;
constexpr int kLevels = 64;

int level_of(long step, long k0) {
    const unsigned long u = static_cast<unsigned long>(step / k0);
    return u == 0 ? kLevels - 1 : std::min(kLevels - 1, __builtin_ctzl(u));
}

}  // namespace

struct RestorePoints::Slot {
    Point point;
    int level = -1;  // -1: the base point (never thinned) or a free slot
    int32_t prev = -1, next = -1;  // in its level list, or (next) in the free list
    float* storage = nullptr;
};

struct RestorePoints::Chunk {
    std::unique_ptr<Slot[]> slots;
    std::unique_ptr<float[]> values;
};

RestorePoints::RestorePoints() { clear(); }
RestorePoints::~RestorePoints() = default;

void RestorePoints::configure(size_t budget, size_t point_floats, long planned_steps, long spacing,
                              double cost_budget) {
    const size_t slot_bytes = point_floats * sizeof(float) + sizeof(Slot);
    if (slot_bytes != m_slot_bytes) {  // chunks of another slot size are no use
        m_chunks.clear();
        m_slots_made = 0;
    }
    m_budget = budget;
    m_point_floats = point_floats;
    m_slot_bytes = slot_bytes;
    m_per_chunk = std::max<size_t>(1, kChunkBytes / slot_bytes);
    // The index and a chunk's rounding come out of the budget too.
    const size_t per_point = slot_bytes + 2 * sizeof(IndexEntry);
    const size_t index_slack = 66 * sizeof(IndexEntry);  // see release()
    m_capacity = budget > per_point + index_slack ? (budget - index_slack) / per_point : 0;
    if (m_capacity > static_cast<size_t>(INT32_MAX)) m_capacity = INT32_MAX;
    m_per_chunk = std::min(m_per_chunk, std::max<size_t>(1, m_capacity));
    if (m_capacity > 0 && m_capacity % m_per_chunk)  // whole chunks only, within the budget
        m_capacity -= m_capacity % m_per_chunk;
    m_window = std::max<long>(1, static_cast<long>(m_capacity * 3 / 5));
    m_fixed = spacing > 0;
    m_base_spacing = m_fixed ? spacing
                             : std::max<long>(1, (std::max<long>(planned_steps, 1) + 2 * m_window - 1) /
                                                     (2 * m_window));
    m_cost_budget = cost_budget;
    clear();
}

void RestorePoints::clear() {
    m_cost_ms = 0;
    m_cost_samples = 0;
    m_spacing = m_base_spacing;
    m_spacing_level = 0;
    m_free = -1;
    // Every slot made so far goes back on the free list.
    for (size_t i = m_slots_made; i-- > 0;) {
        Slot& s = slot(static_cast<int32_t>(i));
        s.level = -1;
        s.point.step = -1;
        s.next = m_free;
        m_free = static_cast<int32_t>(i);
    }
    m_live = 0;
    m_newest = -1;
    m_thinned = 0;
    std::fill(m_level_head, m_level_head + kLevels, -1);
    std::fill(m_level_tail, m_level_tail + kLevels, -1);
    m_index.clear();
    m_dead = 0;
    m_journal.clear();
}

RestorePoints::Slot& RestorePoints::slot(int32_t i) {
    const size_t u = static_cast<size_t>(i);
    return m_chunks[u / m_per_chunk]->slots[u % m_per_chunk];
}

const RestorePoints::Slot& RestorePoints::slot(int32_t i) const {
    const size_t u = static_cast<size_t>(i);
    return m_chunks[u / m_per_chunk]->slots[u % m_per_chunk];
}

int32_t RestorePoints::allocate_slot() {
    if (m_free >= 0) {
        const int32_t i = m_free;
        m_free = slot(i).next;
        return i;
    }
    if (m_slots_made >= m_capacity) return -1;
    if (m_slots_made % m_per_chunk == 0) {  // a new chunk: the only allocation
        auto c = std::make_unique<Chunk>();
        c->slots = std::make_unique<Slot[]>(m_per_chunk);
        c->values = std::make_unique<float[]>(m_per_chunk * m_point_floats);
        for (size_t j = 0; j < m_per_chunk; ++j) c->slots[j].storage = c->values.get() + j * m_point_floats;
        m_chunks.push_back(std::move(c));
    }
    return static_cast<int32_t>(m_slots_made++);
}

void RestorePoints::unlink(int32_t i) {
    Slot& s = slot(i);
    if (s.level < 0) return;
    if (s.prev >= 0) slot(s.prev).next = s.next;
    else m_level_head[s.level] = s.next;
    if (s.next >= 0) slot(s.next).prev = s.prev;
    else m_level_tail[s.level] = s.prev;
    s.prev = s.next = -1;
}

void RestorePoints::release(int32_t i) {
    Slot& s = slot(i);
    const long pos = index_find(s.point.step);
    if (pos >= 0) {
        m_index[static_cast<size_t>(pos)].slot = -1;
        ++m_dead;
    }
    unlink(i);
    s.level = -1;
    s.point.step = -1;
    s.next = m_free;
    m_free = i;
    --m_live;
    if (m_dead > m_live + 64) compact_index();
}

void RestorePoints::compact_index() {
    auto end = std::remove_if(m_index.begin(), m_index.end(),
                              [](const IndexEntry& e) { return e.slot < 0; });
    m_index.erase(end, m_index.end());
    m_dead = 0;
}

long RestorePoints::index_find(long step) const {
    auto it = std::lower_bound(m_index.begin(), m_index.end(), step,
                               [](const IndexEntry& e, long s) { return e.step < s; });
    if (it == m_index.end() || it->step != step) return -1;
    return static_cast<long>(it - m_index.begin());
}

// Drops the points of each level that have outlived their window.
void RestorePoints::expire(long now) {
    for (int l = 0; l < kLevels - 1; ++l) {
        // W * K0 * 2^l, saturating.
        const double window = static_cast<double>(m_window) * static_cast<double>(m_base_spacing) *
                              std::ldexp(1.0, l);
        while (m_level_head[l] >= 0 &&
               static_cast<double>(now - slot(m_level_head[l]).point.step) >= window) {
            release(m_level_head[l]);
            ++m_thinned;
        }
    }
}

bool RestorePoints::widen() {
    if (m_spacing_level >= 40) return false;
    const int dropped = level_of(m_spacing, m_base_spacing);  // the multiples of K that are not of 2K
    ++m_spacing_level;
    m_spacing *= 2;
    while (m_level_head[dropped] >= 0) {
        release(m_level_head[dropped]);
        ++m_thinned;
    }
    return true;
}

bool RestorePoints::take(Trainer& t, StateLayout& layout, const RunCounters& counters,
                         bool check_finite, bool base, double step_ms) {
    if (!enabled()) return false;
    const long step = t.global_step();
    if (step == m_newest) return true;  // it has one
    if (step < m_newest) drop_points_after(step);
    if (m_index.capacity() == 0) m_index.reserve(2 * m_capacity + 66);  // its most (see release)
    expire(step);
    int32_t i = allocate_slot();
    while (i < 0 && !base && widen()) i = allocate_slot();
    if (i < 0 && base) {
        // The base point always has a place: the oldest thinnable point gives it up.
        for (int l = 0; l < kLevels && i < 0; ++l)
            if (m_level_head[l] >= 0) {
                release(m_level_head[l]);
                ++m_thinned;
                i = allocate_slot();
            }
    }
    if (i < 0) return false;
    Slot& s = slot(i);
    Point& p = s.point;
    const auto t0 = std::chrono::steady_clock::now();  // the copy's cost, not a new chunk's
    p.count = capture_state(t, layout, p.progress, p.settings, s.storage, m_point_floats);
    const auto t1 = std::chrono::steady_clock::now();
    p.values = s.storage;
    p.step = step;
    p.counters = counters;
    p.check_finite = check_finite;
    p.journal_at = m_journal.size();
    s.level = base ? -1 : level_of(step, m_base_spacing);
    s.prev = s.next = -1;
    if (s.level >= 0) {
        s.prev = m_level_tail[s.level];
        if (s.prev >= 0) slot(s.prev).next = i;
        else m_level_head[s.level] = i;
        m_level_tail[s.level] = i;
    }
    m_index.push_back({step, i});  // steps only grow: the index stays sorted
    ++m_live;
    m_newest = step;
    // Points that cost more than their share of the steps they cover come
    // less often (the ones taken stay until they age out). The cost is the
    // least of 8 copies: a copy the scheduler interrupted does not count.
    if (!m_fixed && m_cost_budget > 0 && step_ms > 0 && m_spacing_level < 40) {
        const double ms = std::chrono::duration<double, std::milli>(t1 - t0).count();
        m_cost_ms = m_cost_samples++ == 0 ? ms : std::min(m_cost_ms, ms);
        if (m_cost_samples == 8) {
            if (m_cost_ms > m_cost_budget * step_ms * static_cast<double>(m_spacing)) {
                ++m_spacing_level;
                m_spacing *= 2;
            }
            m_cost_samples = 0;
        }
    }
    return true;
}

const RestorePoints::Point* RestorePoints::at_or_before(long step) const {
    auto it = std::upper_bound(m_index.begin(), m_index.end(), step,
                               [](long s, const IndexEntry& e) { return s < e.step; });
    while (it != m_index.begin()) {
        --it;
        if (it->slot >= 0) return &slot(it->slot).point;
    }
    return nullptr;
}

long RestorePoints::oldest() const {
    for (const IndexEntry& e : m_index)
        if (e.slot >= 0) return e.step;
    return -1;
}

void RestorePoints::rewind(long step) {
    drop_points_after(step);
    // What was changed after that step is undone with it.
    while (!m_journal.empty() && m_journal.back().step >= step) m_journal.pop_back();
}

void RestorePoints::drop_points_after(long step) {
    while (!m_index.empty() && m_index.back().step > step) {
        const IndexEntry e = m_index.back();
        m_index.pop_back();
        if (e.slot < 0) {
            --m_dead;
            continue;
        }
        Slot& s = slot(e.slot);
        unlink(e.slot);
        s.level = -1;
        s.point.step = -1;
        s.next = m_free;
        m_free = e.slot;
        --m_live;
    }
    m_newest = -1;
    for (auto it = m_index.rbegin(); it != m_index.rend(); ++it)
        if (it->slot >= 0) {
            m_newest = it->step;
            break;
        }
}

void RestorePoints::note_settings(long step, const TrainingSettings& s, bool optimizer_switch) {
    JournalEntry e;
    e.step = step;
    e.settings = s;
    e.optimizer_switch = optimizer_switch;
    m_journal.push_back(std::move(e));
}

void RestorePoints::note_skip(long step) {
    JournalEntry e;
    e.kind = JournalEntry::Skip;
    e.step = step;
    m_journal.push_back(std::move(e));
}

void RestorePoints::note_check_finite(long step, bool on) {
    JournalEntry e;
    e.kind = JournalEntry::CheckFinite;
    e.step = step;
    e.on = on;
    m_journal.push_back(std::move(e));
}

void RestorePoints::note_parameter(long step, const ParameterEdit& edit) {
    JournalEntry e;
    e.kind = JournalEntry::Parameter;
    e.step = step;
    e.edit = edit;
    m_journal.push_back(std::move(e));
}

size_t RestorePoints::memory_bytes() const {
    return m_chunks.size() * m_per_chunk * m_slot_bytes + m_index.capacity() * sizeof(IndexEntry) +
           m_journal.capacity() * sizeof(JournalEntry);
}

}  // namespace gs
