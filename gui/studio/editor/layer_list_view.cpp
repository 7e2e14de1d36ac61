// The layer list's keys.
#include "editor/layer_list_view.h"

#include <QKeyEvent>

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

void LayerListView::resizeEvent(QResizeEvent* e) {
    QListView::resizeEvent(e);
    scheduleDelayedItemsLayout();  // rows wrap their messages to the new width
}

}  // namespace gs::studio
