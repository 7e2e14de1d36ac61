// The scrolling box of a view's explanation.
#include "views/explanation_box.h"

#include <QLabel>
#include <QScrollArea>

namespace gs::studio {

QWidget* explanation_box(const QString& text, QLabel** label) {
    auto* l = new QLabel(text);
    l->setWordWrap(true);
    l->setObjectName(QStringLiteral("explanation"));
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* area = new QScrollArea;
    area->setWidget(l);
    area->setWidgetResizable(true);
    area->setFrameShape(QFrame::NoFrame);
    area->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    area->setMinimumHeight(40);
    area->setMaximumHeight(130);
    if (label) *label = l;
    return area;
}

}  // namespace gs::studio
