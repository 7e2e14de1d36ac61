// The session's plain types (see gradscope/session_types.h).
#include "gradscope/session_types.h"

namespace gs {

const char* state_name(SessionState s) {
    switch (s) {
        case SessionState::Idle: return "idle";
        case SessionState::Running: return "running";
        case SessionState::Paused: return "paused";
        case SessionState::Stopped: return "stopped";
        case SessionState::Failed: return "failed";
    }
    return "?";
}

}  // namespace gs
