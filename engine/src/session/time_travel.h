// A session's time travel, inside the engine: its restore points and the
// replayer (a second Trainer on the same data that rebuilds past steps apart
// from the run), and the hand-over of a state from a run to its fork.
// Worker thread only, except ForkHandoff's flag (see below).
#pragma once

#include <memory>
#include <string>

#include "gradscope/run_info.h"
#include "gradscope/trainer.h"
#include "gradscope/training_state.h"
#include "session/restore_points.h"

namespace gs {

// What a fork gets from the run it was forked from. Made by Session::fork,
// filled in by the parent's worker (its ForkInto command), taken by the fork
// in its first round. Shared, so either session may be closed first. `done`
// is read and written with the worker's mutex held.
struct ForkHandoff {
    long step = 0;           // the parent's step forked from
    ForkSpec changes;
    float parent_noise = 0;  // the parent's data noise (a change to compare with)
    bool done = false;
    std::string error;       // why there is no state ("" when there is one)
    TrainingState state;
    RunCounters counters;
};

inline bool handoff_done(const ForkHandoff& h) { return h.done; }
// With the worker's mutex held: the fork gets no state, and fails with why.
inline void fail_handoff(ForkHandoff& h, const std::string& why) {
    h.error = why;
    h.done = true;
}

struct TimeTravel {
    RestorePoints points;
    StateLayout layout;  // the live trainer's state tensors
    std::unique_ptr<Trainer> replay;  // made when first needed
    StateLayout replay_layout;
    bool replay_valid = false;    // it holds a state this run went through
    bool replay_stepped = false;  // ... reached by a step, replay_last
    size_t replay_journal = 0;    // the journal entries it has applied
    RunCounters replay_counters;
    StepResult replay_last;
    // A fork's first state (after its changes): Reset starts over from it.
    bool has_origin = false;
    TrainingState origin;
    RunCounters origin_counters;
};

}  // namespace gs
