// Shared set-up of the network canvas's tests: a spiral-tanh session and
// snapshots taken from it.
#pragma once

#include <chrono>
#include <memory>
#include <thread>

#include "gradscope/presets.h"
#include "gradscope/session.h"

namespace gs::studio::testing {

// Steps the session, asks for a snapshot, and polls until it arrives.
inline std::shared_ptr<const Snapshot> train_and_snapshot(Session& s, long steps, const SnapshotRequest& q) {
    if (!s.step(steps) || !s.wait_until_settled(120)) return nullptr;
    if (!s.request_snapshot(q)) return nullptr;
    for (int i = 0; i < 12000; ++i) {
        auto snap = s.latest_snapshot();
        if (snap && snap->step == s.steps_done()) return snap;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return nullptr;
}

struct Spiral {
    ModelSpec spec = load_preset("spiral-tanh");
    PreparedData data = prepare_data(spec);
    Session session{spec, data, cpu_backend()};
};

}  // namespace gs::studio::testing
