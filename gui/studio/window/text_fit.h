// Long texts in narrow places: a message that holds a 100,000-character path
// must not widen the window past the screen. fit_message shortens every word
// too long to wrap (a path, a run of digits) in its middle and caps the
// whole; the full text goes in a tooltip (tooltip_text caps that too).
#pragma once

#include <QString>

namespace gs::studio {

// At most max_word characters per unbroken word and max_total in all,
// shortened with "…" where something was left out.
QString fit_message(const QString& text, int max_word = 60, int max_total = 600);
// The whole text for a tooltip, up to a few thousand characters.
QString tooltip_text(const QString& text);

}  // namespace gs::studio
