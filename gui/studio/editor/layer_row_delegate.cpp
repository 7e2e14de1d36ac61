// Drawing the editor's layer rows.
#include "editor/layer_row_delegate.h"

#include <QAbstractItemView>
#include <QPainter>

#include "editor/layer_catalog.h"
#include "editor/layer_list_model.h"

namespace gs::studio {

namespace {

constexpr int kStripe = 4;  // the category colour at the left edge
constexpr int kPad = 6;

int number_width(const QFontMetrics& fm) { return fm.horizontalAdvance("99") + kPad; }

}  // namespace

LayerRowDelegate::LayerRowDelegate(QObject* parent)
    : QStyledItemDelegate(parent), m_theme(Theme::standard()) {}

int LayerRowDelegate::text_width(const QStyleOptionViewItem& option) const {
    int w = option.rect.width();
    if (auto* view = qobject_cast<const QAbstractItemView*>(option.widget))
        w = view->viewport()->width();
    return std::max(60, w - kStripe - 2 * kPad - number_width(option.fontMetrics));
}

QSize LayerRowDelegate::sizeHint(const QStyleOptionViewItem& option,
                                 const QModelIndex& index) const {
    const QFontMetrics& fm = option.fontMetrics;
    int h = 2 * fm.height() + 2 * kPad;
    const QString issue = index.data(LayerListModel::IssueRole).toString();
    if (!issue.isEmpty()) {
        const QRect r = fm.boundingRect(QRect(0, 0, text_width(option), 100000),
                                        Qt::TextWordWrap, issue);
        h += r.height() + kPad / 2;
    }
    return {text_width(option), h};
}

void LayerRowDelegate::paint(QPainter* p, const QStyleOptionViewItem& option,
                             const QModelIndex& index) const {
    p->save();
    p->setRenderHint(QPainter::Antialiasing, false);
    const QRect r = option.rect;
    const QString issue = index.data(LayerListModel::IssueRole).toString();
    const bool bad = !issue.isEmpty();
    const bool selected = option.state & QStyle::State_Selected;
    const auto category = static_cast<LayerCategory>(index.data(LayerListModel::CategoryRole).toInt());

    // Background, separator and the stripe.
    QColor bg = m_theme.background;
    if (bad) bg = QColor(m_theme.error.red(), m_theme.error.green(), m_theme.error.blue(), 22);
    p->fillRect(r, m_theme.background);
    p->fillRect(r, bg);
    if (selected && !bad) {
        QColor sel = m_theme.train;
        sel.setAlpha(36);
        p->fillRect(r, sel);
    } else if (!selected && !bad && (option.state & QStyle::State_MouseOver)) {
        p->fillRect(r, m_theme.panel);
    }
    p->setPen(m_theme.grid);
    p->drawLine(r.bottomLeft(), r.bottomRight());
    if (selected) {  // a frame: it reads on a red row as well
        p->setPen(QPen(m_theme.train, 2));
        p->setBrush(Qt::NoBrush);
        p->drawRect(r.adjusted(1, 1, -1, -1));
    }
    p->fillRect(QRect(r.left(), r.top(), kStripe, r.height()),
                bad ? m_theme.error : category_color(category, m_theme));

    QFont font = option.font;
    QFont bold = font;
    bold.setBold(true);
    const QFontMetrics fm(font), bfm(bold);
    const int line = fm.height();
    const int x_num = r.left() + kStripe + kPad;
    const int x = x_num + number_width(fm);
    const int right = r.right() - kPad;
    int y = r.top() + kPad;

    // Line 1: number, type, parameters.
    p->setFont(font);
    p->setPen(m_theme.muted);
    p->drawText(QRect(x_num, y, number_width(fm) - kPad / 2, line), Qt::AlignRight | Qt::AlignVCenter,
                QString::number(index.row() + 1));
    const QString type = index.data(LayerListModel::TypeRole).toString();
    p->setFont(bold);
    p->setPen(bad ? m_theme.error : m_theme.foreground);
    p->drawText(QRect(x, y, right - x, line), Qt::AlignLeft | Qt::AlignVCenter, type);
    const int x_sum = x + bfm.horizontalAdvance(type) + kPad;
    const QString summary = index.data(LayerListModel::SummaryRole).toString();
    p->setFont(font);
    p->setPen(m_theme.foreground);
    if (right > x_sum)
        p->drawText(QRect(x_sum, y, right - x_sum, line), Qt::AlignLeft | Qt::AlignVCenter,
                    fm.elidedText(summary, Qt::ElideRight, right - x_sum));
    y += line;

    // Line 2: output shape and parameter count.
    const QString shape = index.data(LayerListModel::ShapeRole).toString();
    const QString params = index.data(LayerListModel::ParamsTextRole).toString();
    p->setPen(shape == "?" ? m_theme.muted : m_theme.foreground);
    const QString out = shape == "?" ? QString("→ shape unknown") : "→ " + shape;
    p->drawText(QRect(x, y, right - x, line), Qt::AlignLeft | Qt::AlignVCenter, out);
    if (!params.isEmpty()) {
        p->setPen(m_theme.muted);
        const int w = fm.horizontalAdvance(out) + 2 * kPad;
        p->drawText(QRect(x + w, y, std::max(0, right - x - w), line),
                    Qt::AlignRight | Qt::AlignVCenter, params);
    }
    y += line + kPad / 2;

    // The engine's messages, wrapped.
    if (bad) {
        p->setPen(m_theme.error);
        p->drawText(QRect(x, y, right - x, r.bottom() - y), Qt::TextWordWrap | Qt::AlignTop, issue);
        // A red mark by the number.
        p->setRenderHint(QPainter::Antialiasing, true);
        p->setBrush(m_theme.error);
        p->setPen(Qt::NoPen);
        const int d = std::max(6, line / 2);
        p->drawEllipse(QRect(x_num, y + (line - d) / 2, d, d));
    }
    p->restore();
}

}  // namespace gs::studio
