// The layer palette.
#include "editor/layer_palette.h"

#include <QKeyEvent>
#include <QMimeData>
#include <algorithm>

#include "editor/layer_catalog.h"
#include "editor/layer_list_model.h"

namespace gs::studio {

LayerPalette::LayerPalette(QWidget* parent) : QListWidget(parent), m_theme(Theme::standard()) {
    setViewMode(QListView::ListMode);
    setFlow(QListView::LeftToRight);
    setWrapping(true);
    setResizeMode(QListView::Adjust);
    setUniformItemSizes(true);
    setSpacing(2);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setDragEnabled(true);
    setDragDropMode(QAbstractItemView::DragOnly);
    setDefaultDropAction(Qt::CopyAction);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setFrameShape(QFrame::NoFrame);
    for (const QString& t : layer_types()) {
        auto* item = new QListWidgetItem(t, this);
        item->setTextAlignment(Qt::AlignCenter);
        item->setToolTip(QString("<b>%1</b> — %2<br><i>Double-click or Enter: add after the "
                                 "selected layer. Or drag it into the list.</i>")
                             .arg(t, layer_description(t)));
    }
    setCurrentRow(0);
    connect(this, &QListWidget::itemDoubleClicked, this,
            [this](QListWidgetItem* item) { emit add_requested(item->text()); });
    set_theme(m_theme);
}

QString LayerPalette::current_type() const {
    return currentItem() ? currentItem()->text() : QString("Dense");
}

void LayerPalette::set_current_type(const QString& type) {
    const auto found = findItems(type, Qt::MatchExactly);
    if (!found.isEmpty()) setCurrentItem(found.first());
}

void LayerPalette::set_theme(const Theme& theme) {
    m_theme = theme;
    for (int i = 0; i < count(); ++i) {
        QListWidgetItem* it = item(i);
        QColor c = category_color(layer_category(it->text().toStdString()), theme);
        c.setAlpha(40);
        it->setBackground(c);
        it->setForeground(theme.foreground);
    }
    fit_height();
}

QMimeData* LayerPalette::mimeData(const QList<QListWidgetItem*>& items) const {
    auto* data = new QMimeData;
    if (!items.isEmpty()) {
        data->setData(LayerListModel::kTypeMime, items.first()->text().toUtf8());
        data->setText(items.first()->text());
    }
    return data;
}

QStringList LayerPalette::mimeTypes() const { return {LayerListModel::kTypeMime}; }

void LayerPalette::keyPressEvent(QKeyEvent* e) {
    const bool plain = (e->modifiers() & (Qt::ControlModifier | Qt::AltModifier)) == 0;
    if (plain && currentItem() &&
        (e->key() == Qt::Key_Return || e->key() == Qt::Key_Enter || e->key() == Qt::Key_Insert)) {
        emit add_requested(currentItem()->text());
        return;
    }
    QListWidget::keyPressEvent(e);
}

void LayerPalette::resizeEvent(QResizeEvent* e) {
    QListWidget::resizeEvent(e);
    fit_height();
}

void LayerPalette::changeEvent(QEvent* e) {
    QListWidget::changeEvent(e);
    if (e->type() == QEvent::FontChange) fit_height();
}

// Chips of one size, as many rows as the width needs, no scrolling.
void LayerPalette::fit_height() {
    const QFontMetrics fm(font());
    int w = 0;
    for (const QString& t : layer_types()) w = std::max(w, fm.horizontalAdvance(t));
    const int avail = std::max(1, viewport()->width() - 2);
    const int cols = std::clamp(avail / (w + 8), 1, static_cast<int>(count()));
    setGridSize(QSize(avail / cols, fm.height() + 8));
    for (int i = 0; i < count(); ++i) item(i)->setSizeHint(gridSize() - QSize(3, 3));
    const int rows = (count() + cols - 1) / cols;
    const int h = rows * gridSize().height() + 2 * frameWidth() + 2;
    if (height() != h) setFixedHeight(h);
}

}  // namespace gs::studio
