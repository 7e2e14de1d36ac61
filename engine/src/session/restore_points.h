// RestorePoints: training states a run passed through, kept in memory within
// a budget, so that any past step can be rebuilt exactly: restore the newest
// point at or before it and replay the steps after it (replay.cpp). Worker
// thread only.
//
// Spacing and thinning. Points are taken every K steps. A point at step s
// has a level, the number of times 2 divides s / K0 (K0: the spacing the run
// started with), and is kept while its age (the live step minus s) is under
// W * K0 * 2^level. So the newest W * K0 steps have a point every K0 steps,
// the W * K0 before them one every 2 K0, the 2 W * K0 before those one every
// 4 K0, and so on: spacings that double with age, W / 2 points per doubling.
// The run's first step (0, a fork's step, a resumed step) is a point that is
// never thinned.
//
// Memory. The pool has C = budget / (bytes of one point) slots; one point
// holds the largest state any optimizer can have (parameters, buffers and two
// state tensors per parameter), its header and its index entries. W is
// 3/5 C, and K0 is chosen from the run's planned length N (epochs x steps
// per epoch): K0 = ceil(N / (2 W)), so that the planned run fits with one
// doubling (W + W / 2 points: the newest half of the run every K0 steps, the
// older half every 2 K0; that is 9/10 C, the rest is slack for the ends of
// the windows). A run that goes on longer doubles K (the points between the
// new multiples go) whenever the pool is full, so the pool never holds more
// than C points however long the run goes, and ever older steps are ever
// sparser. K also doubles while taking a point costs more than a set
// fraction (1%) of the K steps it covers. For cnn-fashion (93,322 parameters,
// Adam: 1.1 MB a point) the default 256 MB holds 228 points; its 4,690-step
// run gets K0 = 18: the newest 2,466 steps every 18, the older every 36.
//
// Allocation. Slots are allocated in chunks of about a megabyte the first
// time a point needs one, and reused for every point after: once the pool
// has grown, taking a point allocates nothing. The index (step -> slot) is
// one vector that grows to at most twice C entries.
//
// The journal. Settings a run changed between steps (learning rate,
// optimizer, batch size, schedule, the non-finite check) and batches it
// skipped for a non-finite value are noted with their step, so that a replay
// changes them at the same place. Entries are small and few (one per
// command); they are counted in memory_bytes().
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "gradscope/step_trace.h"

#include "gradscope/training_state.h"

namespace gs {

class Trainer;

// What the session's per-epoch accounting had added up at a step, and its
// early-stopping counters: kept with each point, so a run rewound into an
// epoch reports that epoch whole.
struct RunCounters {
    double epoch_loss = 0, epoch_correct = 0;
    size_t epoch_items = 0;
    bool epoch_regression = false;
    double best_val = 1e300;
    int bad_epochs = 0;
};

// A change between steps, noted for replays.
struct JournalEntry {
    enum Kind { Settings, Skip, CheckFinite, Parameter } kind = Settings;
    long step = 0;                // applied after this step (before step + 1)
    TrainingSettings settings;    // Settings: every setting after the change
    bool optimizer_switch = false;  // Settings: another optimizer (its state from zero)
    bool on = false;              // CheckFinite
    ParameterEdit edit;           // Parameter: a weight or bias set by hand
};

class RestorePoints {
public:
    struct Point {
        long step = -1;
        TrainingProgress progress;
        TrainingSettings settings;
        RunCounters counters;
        bool check_finite = true;
        size_t journal_at = 0;  // journal entries made before the point
        const float* values = nullptr;
        size_t count = 0;
    };

    RestorePoints();
    ~RestorePoints();

    // Sizes the pool: budget bytes for points of up to point_floats floats;
    // planned_steps sets K0 (see above); spacing > 0 fixes K0 instead;
    // cost_budget: the fraction of training time taking points may cost.
    // Forgets every point; chunks of an earlier pool of the same slot size
    // are kept for reuse.
    void configure(size_t budget, size_t point_floats, long planned_steps, long spacing,
                   double cost_budget);
    bool enabled() const { return m_capacity > 0; }
    // Forgets every point and the journal (chunks stay for reuse).
    void clear();

    // Whether a point is due after step (every K steps).
    bool due(long step) const { return enabled() && step % m_spacing == 0 && step > m_newest; }
    // Captures the trainer's state as a point at its step. base: the run's
    // first point, never thinned. step_ms: the average step's time, for the
    // cost rule. False when there is no room even after thinning.
    bool take(Trainer& trainer, StateLayout& layout, const RunCounters& counters,
              bool check_finite, bool base, double step_ms);
    // The newest point at or before step; null if none.
    const Point* at_or_before(long step) const;
    // A rewind to step: the points after it go, and the journal entries made
    // after it was taken (at or after it): the run is as it was right after
    // that step.
    void rewind(long step);

    void note_settings(long step, const TrainingSettings& s, bool optimizer_switch);
    void note_skip(long step);
    void note_check_finite(long step, bool on);
    void note_parameter(long step, const ParameterEdit& edit);
    const std::vector<JournalEntry>& journal() const { return m_journal; }

    size_t size() const { return m_live; }
    size_t capacity() const { return m_capacity; }
    long spacing() const { return m_spacing; }
    long window() const { return m_window; }
    long oldest() const;  // step of the oldest point (-1: none)
    long newest() const { return m_newest; }
    // Bytes held: the chunks allocated so far, the index and the journal.
    size_t memory_bytes() const;
    size_t budget() const { return m_budget; }
    long thinned() const { return m_thinned; }  // points dropped as they aged or the spacing grew

private:
    struct Slot;
    struct Chunk;
    Slot& slot(int32_t i);
    const Slot& slot(int32_t i) const;
    int32_t allocate_slot();
    void release(int32_t i);  // drop a point: out of its level list, into the free list, tombstoned
    void expire(long now);
    bool widen();  // doubles K and drops the level that falls off; false at the limit
    void unlink(int32_t i);
    void compact_index();
    void drop_points_after(long step);
    long index_find(long step) const;  // position of step in the index, -1 if absent

    size_t m_budget = 0, m_point_floats = 0, m_slot_bytes = 0;
    size_t m_capacity = 0, m_per_chunk = 1;
    long m_base_spacing = 1;  // K0
    long m_spacing = 1;       // K = K0 * 2^k
    int m_spacing_level = 0;  // k
    long m_window = 1;        // W
    bool m_fixed = false;
    double m_cost_budget = 0;
    double m_cost_ms = 0;     // the least cost of taking a point, of the last few
    int m_cost_samples = 0;   // points it covers
    std::vector<std::unique_ptr<Chunk>> m_chunks;
    size_t m_slots_made = 0;   // slots handed out from chunks so far
    int32_t m_free = -1;       // free list through Slot::next
    size_t m_live = 0;
    long m_newest = -1;
    long m_thinned = 0;
    int32_t m_level_head[64], m_level_tail[64];
    struct IndexEntry {
        long step;
        int32_t slot;  // -1: dropped (compacted away later)
    };
    std::vector<IndexEntry> m_index;  // sorted by step
    size_t m_dead = 0;
    std::vector<JournalEntry> m_journal;
};

}  // namespace gs
