// Labels that change often without relayouts; see steady_label.h.
#include "window/steady_label.h"

#include <QFontMetrics>
#include <QLabel>
#include <algorithm>

namespace gs::studio {

void set_steady_text(QLabel* label, const QString& text) {
    if (label->text() == text) return;
    const QFontMetrics fm(label->font());
    const QMargins m = label->contentsMargins();
    const int frame = 2 * (label->frameWidth() + label->margin());
    const int height = fm.height() + m.top() + m.bottom() + frame;
    // Fixed at this font's height; a new font (presentation mode) starts over.
    const bool same_font = label->minimumHeight() == height && label->maximumHeight() == height;
    const int width = same_font && label->maximumWidth() == label->minimumWidth() ? label->minimumWidth() : 0;
    // No longer than the text it replaces: the room left for digits holds it.
    if (width > 0 && text.size() <= label->text().size()) return label->setText(text);
    const int need = fm.horizontalAdvance(text) + m.left() + m.right() + frame;
    if (need > width) label->setFixedSize(need + fm.horizontalAdvance(QStringLiteral("0000")), height);
    label->setText(text);
}

}  // namespace gs::studio
