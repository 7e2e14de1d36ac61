// LayerListModel: the layers of a model spec as a Qt list model, one row per
// layer, with what validation learned about each (output shape, parameter
// count, the engine's messages). It also implements the drag-and-drop paths:
// rows dragged within the list are moved with moveRows, and a layer type
// dragged from the palette is inserted by dropMimeData. Every change a user
// makes through the model is announced by edited() so the editor can
// validate it and record it for undo; reset_layers and set_analysis are not.
#pragma once

#include <QAbstractListModel>
#include <QStringList>
#include <vector>

#include "gradscope/spec.h"

namespace gs::studio {

class LayerListModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role {
        TypeRole = Qt::UserRole + 1,  // QString: "Conv2D"
        SummaryRole,                  // QString: "32 filters · 3×3"
        ShapeRole,                    // QString: output shape "8x14x14", "?" when unknown
        ParamsRole,                   // qulonglong: parameter count
        ParamsTextRole,               // QString: "1,234 params" ("" for none)
        IssueRole,                    // QString: the engine's messages, one per line
        CategoryRole,                 // int: LayerCategory
    };
    // Rows being moved within the list (their row numbers) and a layer type
    // from the palette (its canonical name, UTF-8).
    static constexpr const char* kRowsMime = "application/x-gradscope-layer-rows";
    static constexpr const char* kTypeMime = "application/x-gradscope-layer-type";

    explicit LayerListModel(QObject* parent = nullptr);

    // Replaces every layer without announcing an edit (loading, undo).
    void reset_layers(std::vector<LayerSpec> layers);
    const std::vector<LayerSpec>& layers() const { return m_layers; }
    // What validation found: one LayerInfo per layer and every issue.
    void set_analysis(std::vector<LayerInfo> info, const std::vector<SpecIssue>& issues);
    const LayerInfo& info(int row) const { return m_info[static_cast<size_t>(row)]; }
    // The engine's messages for one layer ("field: message"), in order.
    QStringList issues_at(int row) const;
    // When false, nothing can be dragged, dropped or changed through the model.
    void set_editable(bool editable) { m_editable = editable; }
    bool editable() const { return m_editable; }

    // Edits; each announces edited().
    void insert_layer(int row, const LayerSpec& layer);
    void set_layer(int row, const LayerSpec& layer, const QString& what);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    bool moveRows(const QModelIndex& src, int row, int count, const QModelIndex& dst,
                  int dst_row) override;
    bool removeRows(int row, int count, const QModelIndex& parent = {}) override;
    Qt::DropActions supportedDropActions() const override;
    Qt::DropActions supportedDragActions() const override;
    QStringList mimeTypes() const override;
    QMimeData* mimeData(const QModelIndexList& indexes) const override;
    bool canDropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column,
                         const QModelIndex& parent) const override;
    bool dropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column,
                      const QModelIndex& parent) override;

signals:
    // A user's change: what it was in words ("Move Dense up") and the row to
    // select afterwards.
    void edited(const QString& what, int select_row);

private:
    std::vector<LayerSpec> m_layers;
    std::vector<LayerInfo> m_info;
    std::vector<QStringList> m_issues;
    bool m_editable = true;
};

}  // namespace gs::studio
