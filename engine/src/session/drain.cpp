// Session::drain: the records published since the last call, into a
// consumer's store, with what resets and rewinds undid taken out (a rewind
// truncates the store at its step). Never waits for the worker.
#include <algorithm>
#include <climits>

#include "gradscope/session.h"

namespace gs {

size_t Session::drain(TelemetryStore& store) {
    size_t n = 0;
    // What happened to the run since the last drain: resets drop the records
    // of the runs before them; rewinds drop what came after their step, in
    // the store too. Records of run count r are kept up to keep[r].
    // (Every record still to come has a run count of at least m_drained_run.)
    std::vector<std::pair<uint32_t, long>> history;
    uint32_t run = 0;
    const uint32_t from = m_drained_run;
    auto catch_up = [&] {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            run = m_run.load(std::memory_order_acquire);
            history.clear();
            for (auto it = m_history.rbegin(); it != m_history.rend() && it->first > from; ++it)
                history.push_back(*it);
        }
        long cut = LONG_MAX;
        for (const auto& [r, step] : history)
            if (r > m_drained_run && r <= run && step >= 0) cut = std::min(cut, step);
        if (cut != LONG_MAX) store.truncate_after(cut);
        m_drained_run = run;
    };
    // The newest step a record of run count r may have to be kept (-1: none).
    auto keep_until = [&](uint32_t r) {
        long until = LONG_MAX;
        for (const auto& [h, step] : history)
            if (h > r && h <= run) until = step < 0 ? -1 : std::min(until, step);
        return until;
    };
    catch_up();
    auto keep = [&](uint32_t r, long step) {
        if (r > run) catch_up();  // a rewind or reset after catch_up(): its records come after it
        return r == run || (r < run && step <= keep_until(r));
    };
    StepRecord s;
    while (m_steps.pop(s))
        if (keep(s.run, s.step)) store.add(s), ++n;
    // At most half the store's epoch list per call: the store forgets its
    // oldest half when full, so a caller that looks after each drain sees
    // every epoch however fast they end (the rest wait in the ring).
    EpochRecord ep;
    size_t epochs = 0;
    while (epochs < TelemetryStore::kMaxEpochs / 2 && m_epochs_ring.pop(ep))
        if (keep(ep.run, ep.step)) store.add(ep), ++n, ++epochs;
    LayerStats ls;
    while (m_stats.pop(ls))
        if (keep(ls.run, ls.step)) store.add(ls), ++n;
    SharpnessRecord sh;
    while (m_sharpness_ring.pop(sh))
        if (keep(sh.run, sh.step)) store.add(sh), ++n;
    NoiseScaleRecord ns;
    while (m_noise_ring.pop(ns))
        if (keep(ns.run, ns.step)) store.add(ns), ++n;
    EventRecord ev;
    while (m_events.pop(ev)) store.add(ev), ++n;
    return n;
}

}  // namespace gs
