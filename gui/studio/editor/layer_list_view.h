// LayerListView: the editor's list of layers, and the keys that edit it:
// Ctrl+Up / Ctrl+Down move the selected layer, Delete removes it, Insert or
// Ctrl+N adds the palette's layer type after it, Enter or F2 edits its
// parameters, Ctrl+Z / Ctrl+Shift+Z (or Ctrl+Y) undo and redo. A right click
// on a row opens its menu: "Change type ▸" (the types it can become in place,
// type_changes()), Edit and Remove. The view only reports the keys and
// choices; the editor decides (and refuses while read-only).
#pragma once

#include <QListView>

class QMenu;

namespace gs::studio {

class LayerListView : public QListView {
    Q_OBJECT
public:
    explicit LayerListView(QWidget* parent = nullptr);
    // The menu of a row (null for no row), as a right click opens it; the
    // caller owns it. For tests: its actions can be triggered directly.
    QMenu* row_menu(int row, QWidget* parent = nullptr);
    // While read-only the menu's edits are disabled.
    void set_editable(bool editable) { m_editable = editable; }

signals:
    void move_requested(int delta);
    void remove_requested();
    void insert_requested();
    void edit_requested();
    void undo_requested();
    void redo_requested();
    void change_type_requested(int row, const QString& type);

protected:
    void keyPressEvent(QKeyEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;

private:
    bool m_editable = true;
};

}  // namespace gs::studio
