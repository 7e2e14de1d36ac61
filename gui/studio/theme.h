// The colours, font scale and line widths every studio view draws with.
// Presentation mode (F11) swaps in a theme with larger fonts, thicker lines
// and the Okabe-Ito palette, which stays distinct for colour-blind viewers.
// Views take the theme in set_theme() and redraw; none keeps its own colours.
#pragma once

#include <QColor>
#include <QString>
#include <array>

namespace gs::studio {

struct Theme {
    bool presentation = false;
    double font_scale = 1.0;  // multiplies every point size
    double line_width = 1.5;  // plot lines, in pixels
    double point_size = 4.0;  // scatter points, in pixels

    QColor background, panel, foreground, muted, grid;
    // Series: training, validation, and a third for extra curves.
    QColor train, validation, extra;
    QColor marker;  // hyperparameter changes and other events on a plot
    QColor warning, error, ok;
    // Class colours for points, bars and legends (index = class % 8).
    std::array<QColor, 8> categorical;
    // Signed values (weights, activations, decision boundary): negative, zero, positive.
    QColor negative, zero, positive;

    // t in [-1, 1] -> negative .. zero .. positive (clamped).
    QColor diverging(double t) const;
    QColor category(int i) const { return categorical[static_cast<size_t>(i) % categorical.size()]; }
    QString name() const { return presentation ? QStringLiteral("presentation") : QStringLiteral("standard"); }

    // The same theme with text, lines and points `zoom` times as large
    // (Ctrl+plus / Ctrl+minus).
    Theme scaled(double zoom) const;

    static Theme standard();
    static Theme presentation_theme();
};

}  // namespace gs::studio
