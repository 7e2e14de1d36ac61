// The standard and presentation themes, and zooming either.
#include "theme.h"

#include <algorithm>

namespace gs::studio {

QColor Theme::diverging(double t) const {
    t = std::clamp(t, -1.0, 1.0);
    const QColor& end = t < 0 ? negative : positive;
    const double a = std::abs(t);
    auto mix = [&](int z, int e) { return static_cast<int>(z + (e - z) * a + 0.5); };
    return QColor(mix(zero.red(), end.red()), mix(zero.green(), end.green()),
                  mix(zero.blue(), end.blue()));
}

Theme Theme::scaled(double zoom) const {
    Theme t = *this;
    t.font_scale *= zoom;
    t.line_width *= zoom;
    t.point_size *= zoom;
    return t;
}

Theme Theme::standard() {
    Theme t;
    t.background = QColor(0xff, 0xff, 0xff);
    t.panel = QColor(0xf5, 0xf6, 0xf8);
    t.foreground = QColor(0x20, 0x24, 0x2a);
    t.muted = QColor(0x6b, 0x72, 0x80);
    t.grid = QColor(0xe3, 0xe6, 0xea);
    t.train = QColor(0x1f, 0x77, 0xb4);
    t.validation = QColor(0xff, 0x7f, 0x0e);
    t.extra = QColor(0x2c, 0xa0, 0x2c);
    t.marker = QColor(0x94, 0x67, 0xbd);
    t.warning = QColor(0xd9, 0x8c, 0x00);
    t.error = QColor(0xd6, 0x27, 0x28);
    t.ok = QColor(0x2c, 0xa0, 0x2c);
    t.categorical = {QColor(0x1f, 0x77, 0xb4), QColor(0xff, 0x7f, 0x0e), QColor(0x2c, 0xa0, 0x2c),
                     QColor(0xd6, 0x27, 0x28), QColor(0x94, 0x67, 0xbd), QColor(0x8c, 0x56, 0x4b),
                     QColor(0xe3, 0x77, 0xc2), QColor(0x7f, 0x7f, 0x7f)};
    // TensorFlow Playground's orange (negative) to blue (positive).
    t.negative = QColor(0xf5, 0x93, 0x22);
    t.zero = QColor(0xf4, 0xf4, 0xf4);
    t.positive = QColor(0x08, 0x77, 0xbd);
    return t;
}

Theme Theme::presentation_theme() {
    Theme t = standard();
    t.presentation = true;
    t.font_scale = 1.5;
    t.line_width = 3.0;
    t.point_size = 7.0;
    // Okabe-Ito.
    t.categorical = {QColor(0x00, 0x72, 0xb2), QColor(0xe6, 0x9f, 0x00), QColor(0x00, 0x9e, 0x73),
                     QColor(0xd5, 0x5e, 0x00), QColor(0xcc, 0x79, 0xa7), QColor(0x56, 0xb4, 0xe9),
                     QColor(0xf0, 0xe4, 0x42), QColor(0x00, 0x00, 0x00)};
    t.train = t.categorical[0];
    t.validation = t.categorical[1];
    t.extra = t.categorical[2];
    t.marker = t.categorical[4];
    t.warning = t.categorical[1];
    t.error = t.categorical[3];
    t.ok = t.categorical[2];
    t.negative = QColor(0xe6, 0x9f, 0x00);
    t.positive = QColor(0x00, 0x72, 0xb2);
    return t;
}

}  // namespace gs::studio
