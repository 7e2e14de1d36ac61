// Shared set-up of the tests of the "what the network learned" views: a
// bridge on a preset, trained a number of steps, with its snapshot.
#pragma once

#include "bridge/session_bridge.h"
#include "gradscope/presets.h"
#include "window/scripted_run.h"

namespace gs::studio::testing {

inline bool loaded(SessionBridge& b) {
    return wait_for([&] { return !b.is_loading() && b.has_session(); }, 60000);
}

// Steps n more and waits until the store and a snapshot of the last step are in.
inline bool trained(SessionBridge& b, long more) {
    const long n = b.steps_done() + more;
    if (!b.step(more)) return false;
    return wait_for(
        [&] {
            return b.steps_done() >= n && b.state() != SessionState::Running &&
                   static_cast<long>(b.store().loss().total_added()) >= n && b.snapshot() &&
                   b.snapshot()->step == b.steps_done();
        },
        60000);
}

}  // namespace gs::studio::testing
