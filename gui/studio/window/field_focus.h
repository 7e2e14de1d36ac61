// FieldFocusReturner: once a person has typed into a field of the window and
// pressed Enter, the keyboard goes back to the canvas, so that Space, S, R,
// T and G (window shortcuts, which a focused text field would swallow) work
// again at once. One filter on the application for every field of one window:
// spin boxes, line edits and combo boxes, wherever they are (toolbar, layer
// form, data panel), but not editors inside item views or other windows.
#pragma once

#include <QObject>
#include <QPointer>

class QWidget;

namespace gs::studio {

class FieldFocusReturner : public QObject {
public:
    // Watches the fields of `window`; Enter in one gives the focus to `home`.
    FieldFocusReturner(QWidget* window, QWidget* home);
    ~FieldFocusReturner() override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    QPointer<QWidget> m_window, m_home;
};

}  // namespace gs::studio
