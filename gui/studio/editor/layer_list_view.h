// LayerListView: the editor's list of layers, and the keys that edit it:
// Ctrl+Up / Ctrl+Down move the selected layer, Delete removes it, Insert or
// Ctrl+N adds the palette's layer type after it, Enter or F2 edits its
// parameters, Ctrl+Z / Ctrl+Shift+Z (or Ctrl+Y) undo and redo. The view only
// reports the keys; the editor decides (and refuses while read-only).
#pragma once

#include <QListView>

namespace gs::studio {

class LayerListView : public QListView {
    Q_OBJECT
public:
    explicit LayerListView(QWidget* parent = nullptr);

signals:
    void move_requested(int delta);
    void remove_requested();
    void insert_requested();
    void edit_requested();
    void undo_requested();
    void redo_requested();

protected:
    void keyPressEvent(QKeyEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
};

}  // namespace gs::studio
