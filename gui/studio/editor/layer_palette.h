// LayerPalette: every layer type the engine supports, as small coloured
// chips that wrap to the dock's width. A chip is added after the selected
// layer by a double-click or Enter, or dragged into the list to a place.
#pragma once

#include <QListWidget>

#include "theme.h"

namespace gs::studio {

class LayerPalette : public QListWidget {
    Q_OBJECT
public:
    explicit LayerPalette(QWidget* parent = nullptr);
    // The type under the cursor (the current chip), e.g. "Dense".
    QString current_type() const;
    void set_current_type(const QString& type);
    void set_theme(const Theme& theme);

signals:
    // Double-click or Enter on a chip.
    void add_requested(const QString& type);

protected:
    QMimeData* mimeData(const QList<QListWidgetItem*>& items) const override;
    QStringList mimeTypes() const override;
    void keyPressEvent(QKeyEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void fit_height();
    Theme m_theme;
};

}  // namespace gs::studio
