// StampGraph: a QCPGraph whose scatter markers are drawn once into a pixmap
// and stamped at each point, instead of stroked one by one on every replot.
// The loss and accuracy plots' validation rings (up to 30 on each, a 1.5 px
// antialiased circle apiece) were a fifth of each replot on spiral-tanh
// (docs/performance.md). The stamp is redrawn when the style, the pen, the
// antialiasing or the paint device's pixel ratio changes; vector output
// (PDF) and the pixmap and custom shapes are drawn as QCPGraph draws them.
#pragma once

#include <qcustomplot.h>

namespace gs::studio {

class StampGraph : public QCPGraph {
    Q_OBJECT
public:
    StampGraph(QCPAxis* key_axis, QCPAxis* value_axis) : QCPGraph(key_axis, value_axis) {}
    long stamps_made() const { return m_stamps_made; }  // tests: made once, not per replot

protected:
    void drawScatterPlot(QCPPainter* painter, const QVector<QPointF>& scatters,
                         const QCPScatterStyle& style) const override;

private:
    struct Key {
        QCPScatterStyle::ScatterShape shape = QCPScatterStyle::ssNone;
        double size = 0;
        QPen pen;
        QBrush brush;
        qreal ratio = 0;
        bool antialiased = false;
        bool operator==(const Key& o) const {
            return shape == o.shape && size == o.size && pen == o.pen && brush == o.brush && ratio == o.ratio &&
                   antialiased == o.antialiased;
        }
    };
    mutable Key m_key;
    mutable QPixmap m_stamp;
    mutable long m_stamps_made = 0;
};

}  // namespace gs::studio
