// StampGraph: see stamp_graph.h.
#include "plots/stamp_graph.h"

#include <cmath>

namespace gs::studio {

void StampGraph::drawScatterPlot(QCPPainter* painter, const QVector<QPointF>& scatters,
                                 const QCPScatterStyle& style) const {
    const QCPScatterStyle::ScatterShape shape = style.shape();
    const bool vector = painter->modes().testFlag(QCPPainter::pmVectorized) ||
                        painter->modes().testFlag(QCPPainter::pmNoCaching);
    if (vector || shape == QCPScatterStyle::ssNone || shape == QCPScatterStyle::ssPixmap ||
        shape == QCPScatterStyle::ssCustom || !painter->device())
        return QCPGraph::drawScatterPlot(painter, scatters, style);
    applyScattersAntialiasingHint(painter);
    const QPen pen = style.isPenDefined() ? style.pen() : mPen;
    const Key key{shape, style.size(), pen, style.brush(), painter->device()->devicePixelRatioF(),
                  painter->testRenderHint(QPainter::Antialiasing)};
    // The shape fits a square of its size; the pen's half width and a pixel
    // of antialiasing around it.
    const int side = static_cast<int>(std::ceil(style.size() + pen.widthF() + 4));
    if (m_stamp.isNull() || !(key == m_key)) {
        m_key = key;
        m_stamp = QPixmap(static_cast<int>(std::ceil(side * key.ratio)), static_cast<int>(std::ceil(side * key.ratio)));
        m_stamp.setDevicePixelRatio(key.ratio);
        m_stamp.fill(Qt::transparent);
        QCPPainter p(&m_stamp);
        p.setRenderHint(QPainter::Antialiasing, key.antialiased);
        style.applyTo(&p, mPen);
        style.drawShape(&p, side / 2.0, side / 2.0);
        ++m_stamps_made;
    }
    const double half = side / 2.0;
    for (const QPointF& s : scatters) painter->drawPixmap(QPointF(s.x() - half, s.y() - half), m_stamp);
}

}  // namespace gs::studio
