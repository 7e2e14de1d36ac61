// The layer list's keys.
#include "editor/layer_list_view.h"

#include <QContextMenuEvent>
#include <QKeyEvent>
#include <QMenu>

#include "editor/layer_catalog.h"
#include "editor/layer_list_model.h"

namespace gs::studio {

LayerListView::LayerListView(QWidget* parent) : QListView(parent) {
    setSelectionMode(QAbstractItemView::SingleSelection);
    setDragEnabled(true);
    setAcceptDrops(true);
    setDropIndicatorShown(true);
    setDragDropMode(QAbstractItemView::DragDrop);
    setDefaultDropAction(Qt::MoveAction);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setUniformItemSizes(false);
    setResizeMode(QListView::Adjust);
    setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    setMouseTracking(true);
}

void LayerListView::keyPressEvent(QKeyEvent* e) {
    const auto mods = e->modifiers() & (Qt::ControlModifier | Qt::ShiftModifier | Qt::AltModifier);
    const int key = e->key();
    if (mods == Qt::ControlModifier && key == Qt::Key_Up) return emit move_requested(-1);
    if (mods == Qt::ControlModifier && key == Qt::Key_Down) return emit move_requested(+1);
    if (mods == Qt::NoModifier && (key == Qt::Key_Delete || key == Qt::Key_Backspace))
        return emit remove_requested();
    if ((mods == Qt::NoModifier && key == Qt::Key_Insert) ||
        (mods == Qt::ControlModifier && key == Qt::Key_N))
        return emit insert_requested();
    if (mods == Qt::NoModifier && (key == Qt::Key_Return || key == Qt::Key_Enter || key == Qt::Key_F2))
        return emit edit_requested();
    if (mods == Qt::ControlModifier && key == Qt::Key_Z) return emit undo_requested();
    if ((mods == (Qt::ControlModifier | Qt::ShiftModifier) && key == Qt::Key_Z) ||
        (mods == Qt::ControlModifier && key == Qt::Key_Y))
        return emit redo_requested();
    QListView::keyPressEvent(e);
}

QMenu* LayerListView::row_menu(int row, QWidget* parent) {
    if (!model() || row < 0 || row >= model()->rowCount()) return nullptr;
    const QString type = model()->index(row, 0).data(LayerListModel::TypeRole).toString();
    auto* menu = new QMenu(parent ? parent : this);
    QMenu* change = menu->addMenu(QStringLiteral("Change type"));
    change->setObjectName(QStringLiteral("change_type"));
    const QStringList to = type_changes(type.toStdString());
    for (const QString& t : to) {
        QAction* a = change->addAction(t, this, [this, row, t] { emit change_type_requested(row, t); });
        a->setObjectName(t);
        a->setToolTip(layer_description(t));
    }
    change->setEnabled(m_editable && !to.isEmpty());
    if (to.isEmpty()) change->setToolTip(QStringLiteral("A %1 layer has no other type to become.").arg(type));
    menu->addSeparator();
    menu->addAction(QStringLiteral("Edit parameters"), this, [this] { emit edit_requested(); })->setEnabled(m_editable);
    menu->addAction(QStringLiteral("Remove"), this, [this] { emit remove_requested(); })->setEnabled(m_editable);
    return menu;
}

void LayerListView::contextMenuEvent(QContextMenuEvent* e) {
    const QModelIndex at = indexAt(e->pos());
    if (!at.isValid()) return QListView::contextMenuEvent(e);
    setCurrentIndex(at);  // the menu's edits apply to the row under the mouse
    QMenu* menu = row_menu(at.row());
    if (!menu) return;
    menu->setAttribute(Qt::WA_DeleteOnClose);
    menu->popup(e->globalPos());
}

void LayerListView::resizeEvent(QResizeEvent* e) {
    QListView::resizeEvent(e);
    scheduleDelayedItemsLayout();  // rows wrap their messages to the new width
}

}  // namespace gs::studio
