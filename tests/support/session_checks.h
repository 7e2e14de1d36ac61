// Checks shared by the time-travel tests (restore points, replay, forks,
// races): waiting for a session, and a run's training state at a step as a
// checkpoint's tensors and progress, compared bit for bit.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "gradscope/io.h"
#include "gradscope/session.h"

namespace gs::test {

// Waits (up to a minute) until the session has done everything asked of it.
void settle(Session& s);

// The training state after `step` of a session's run (the live step, or a
// past one rebuilt from its restore points), through
// Session::save_checkpoint(path, step): the tensors and the progress.
SafetensorsFile state_at(Session& s, long step, const std::string& name = "state");
// The live state (Session::save_checkpoint(path)).
SafetensorsFile live_state(Session& s, const std::string& name = "live");

// Whether two states are the same bit for bit: every tensor, and the step,
// epoch, place in the epoch and optimizer step count. why says what differs.
bool same_state(const SafetensorsFile& a, const SafetensorsFile& b, std::string* why = nullptr);

// Every value of every tensor is finite.
bool all_finite(const SafetensorsFile& f);

}  // namespace gs::test
