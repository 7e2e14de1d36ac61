#pragma once
// Threads that work behind a GUI (the training worker and its OpenMP team,
// the studio's canvas composer) run below it: on two cores, a frame that
// waits for a core is a late frame.

namespace gs {

// How much lower than the thread's own priority they run (nice steps).
inline constexpr int kBackgroundNice = 5;

// Lowers the calling thread's priority by `steps` nice steps (at most to
// 19); threads it starts afterwards inherit it. Does nothing where the
// system refuses.
void lower_this_thread(int steps = kBackgroundNice);

}  // namespace gs
