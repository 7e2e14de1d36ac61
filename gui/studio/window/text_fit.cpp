// Shortening long messages for banners, status lines and tooltips; see text_fit.h.
#include "window/text_fit.h"

#include <algorithm>

namespace gs::studio {

namespace {

const QChar kEllipsis(0x2026);

}  // namespace

QString fit_message(const QString& text, int max_word, int max_total) {
    QString out;
    const qsizetype n = text.size();
    qsizetype i = 0;
    while (i < n && out.size() <= max_total) {
        if (text[i].isSpace()) {
            out += text[i++];
            continue;
        }
        qsizetype end = i;
        while (end < n && !text[end].isSpace()) ++end;
        const qsizetype len = end - i;
        if (len <= max_word) {
            out += text.mid(i, len);
        } else {  // a path or a number too long to wrap: its start and its end
            const qsizetype keep = std::max<qsizetype>(2, (max_word - 1) / 2);
            out += text.mid(i, keep) + kEllipsis + text.mid(end - keep, keep);
        }
        i = end;
    }
    if (out.size() > max_total || i < n) out = out.left(max_total) + kEllipsis;
    return out;
}

QString tooltip_text(const QString& text) {
    constexpr int kMax = 2000;
    if (text.size() <= kMax) return text;
    return text.left(kMax / 2) + QStringLiteral(" … ") + text.right(kMax / 2);
}

}  // namespace gs::studio
