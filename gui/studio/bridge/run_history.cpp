// Run history: curves out of one store, into another; see run_history.h.
#include "bridge/run_history.h"

#include <algorithm>
#include <map>

namespace gs::studio {

RunHistory history_of(const TelemetryStore& store, long up_to_step) {
    RunHistory h;
    const double last = up_to_step < 0 ? 1e300 : static_cast<double>(up_to_step);
    auto keep = [&](const std::vector<SeriesPoint>& pts, std::vector<SeriesPoint>& out) {
        for (const SeriesPoint& p : pts)
            if (p.x <= last) out.push_back(p);
    };
    keep(store.loss().points(), h.loss);
    keep(store.accuracy().points(), h.accuracy);
    for (const EpochRecord& e : store.epochs())
        if (e.step <= last) h.epochs.push_back(e);
    for (const EventRecord& e : store.events())
        if ((e.kind == "hyperparameter" || e.kind == "breakpoint") && e.step <= last) h.events.push_back(e);
    h.step = h.loss.empty() ? 0 : static_cast<long>(h.loss.back().x);
    if (up_to_step >= 0) h.step = std::max(h.step, std::min(up_to_step, store.last_step().step));
    return h;
}

void replay(const RunHistory& h, TelemetryStore& store) {
    std::map<double, float> accuracy;
    for (const SeriesPoint& p : h.accuracy) accuracy[p.x] = p.mean;
    // The epoch a step belongs to: the first epoch record at or after it.
    size_t next_epoch = 0;
    for (const SeriesPoint& p : h.loss) {
        while (next_epoch < h.epochs.size() && static_cast<double>(h.epochs[next_epoch].step) < p.x) ++next_epoch;
        StepRecord r;
        r.step = static_cast<long>(p.x);
        r.epoch = next_epoch < h.epochs.size() ? h.epochs[next_epoch].epoch - 1
                                               : (h.epochs.empty() ? 0 : h.epochs.back().epoch);
        r.loss = p.mean;
        const auto a = accuracy.find(p.x);
        r.accuracy = a != accuracy.end() ? a->second : -1.0f;
        store.add(r);
    }
    for (const EpochRecord& e : h.epochs) store.add(e);
    for (const EventRecord& e : h.events) store.add(e);
}

}  // namespace gs::studio
