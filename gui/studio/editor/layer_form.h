// LayerForm: the selected layer's type and parameters, editable in place:
// the type (a change keeps the fields that still apply), then only the
// fields that apply to it (units, filters, kernel, stride, padding,
// alpha, rate, eps, momentum, init, bias). Values are taken as typed; one out
// of range reaches the spec and validation reports it (the field turns red
// with the engine's message), and text that is not a number is refused here
// with a message, the old value kept.
#pragma once

#include <QStringList>
#include <QWidget>
#include <map>
#include <vector>

#include "editor/layer_catalog.h"
#include "gradscope/spec.h"
#include "theme.h"

class QComboBox;
class QFormLayout;
class QLabel;

namespace gs::studio {

class LayerForm : public QWidget {
    Q_OBJECT
public:
    explicit LayerForm(QWidget* parent = nullptr);

    // Shows layer `row` of `layers` with the engine's messages for it
    // ("field: message"). Keeps the widgets (and the focus) when the row and
    // its type are the ones already shown.
    void show_layer(int row, const std::vector<LayerSpec>& layers, const QStringList& issues);
    // Nothing selected.
    void clear();
    void set_editable(bool editable);
    void set_theme(const Theme& theme);
    // Puts the keyboard focus in the first field (Enter / F2 in the list).
    void focus_first();
    int row() const { return m_row; }
    // The widget editing a field, or nullptr when the layer has no such field.
    QWidget* field_widget(LayerField f) const;
    // The layer's type, changeable in place (nullptr when nothing is shown).
    QComboBox* type_box() const { return m_type_box; }
    // The message under the fields ("" when none).
    QString message() const;

signals:
    // The user changed a field: the layer as it is now and the change in words.
    void layer_changed(int row, const gs::LayerSpec& layer, const QString& what);

private:
    void rebuild(const LayerSpec& layer);
    void fill(const std::vector<LayerSpec>& layers, const QStringList& issues);
    void commit_int(LayerField f, int value);
    void commit_float(LayerField f, QWidget* edit);
    void commit_init(int combo_index);
    void commit_bias(bool on);
    void commit_type(int combo_index);

    QLabel* m_title;
    QLabel* m_about;
    QLabel* m_message;
    QWidget* m_fields_box;
    QFormLayout* m_fields = nullptr;
    std::map<LayerField, QWidget*> m_widgets;
    QComboBox* m_type_box = nullptr;
    int m_row = -1;
    std::string m_type;
    LayerSpec m_layer;
    bool m_editable = true;
    Theme m_theme;
};

}  // namespace gs::studio
