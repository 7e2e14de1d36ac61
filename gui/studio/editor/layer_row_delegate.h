// LayerRowDelegate: draws one layer of the editor's list: its number, type
// and parameters, its output shape and parameter count, and, when validation
// found a problem with it, a red mark and the engine's message wrapped under
// it. Rows grow to fit their messages.
#pragma once

#include <QStyledItemDelegate>

#include "theme.h"

namespace gs::studio {

class LayerRowDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    explicit LayerRowDelegate(QObject* parent = nullptr);
    void set_theme(const Theme& theme) { m_theme = theme; }
    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;

private:
    // Width available to text in a row of the given width.
    int text_width(const QStyleOptionViewItem& option) const;
    Theme m_theme;
};

}  // namespace gs::studio
