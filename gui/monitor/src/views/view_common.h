// What the monitor's views of a classifier (confusion, distributions, data
// map) share: the explanation beside each view (the core's words, with a
// sentence about the data in hand), the run they look at when several are
// open, and their colours.
#pragma once

#include <string>
#include <vector>

#include <imgui.h>

#include "gradscope/explanations.h"
#include "panels.h"

namespace gs::monitor {

// Picks the run a view shows (a combo when there are several); returns it,
// or null when there is none. `selected` is clamped to the runs there are.
const RunData* pick_run(const char* id, const std::vector<RunView>& runs, int& selected);

// The view's explanation in a child region of `size`: its title, `sentence`
// (about the data; may be empty) highlighted, then what it shows, how to
// read it and what to do, wrapped to the width.
void explanation_box(const char* id, ExplainedView view, const std::string& sentence, ImVec2 size);

// A sequential colour map from the background to bright (t in [0, 1]):
// dark blue, teal, green, yellow.
ImU32 sequential_color(float t, float alpha = 1.0f);
// The same for mistakes: dark, purple, red, orange.
ImU32 mistake_color(float t, float alpha = 1.0f);
// Black or white, whichever reads on `background`.
ImU32 text_color_on(ImU32 background);

// A note in the middle of an empty area ("no confusion record yet: ...").
void empty_note(ImVec2 size, const char* text);

}  // namespace gs::monitor
