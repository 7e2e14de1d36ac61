// The layer list model: rows, roles, moves and drops.
#include "editor/layer_list_model.h"

#include <QDataStream>
#include <QIODevice>
#include <QMimeData>
#include <algorithm>

#include "editor/layer_catalog.h"

namespace gs::studio {

LayerListModel::LayerListModel(QObject* parent) : QAbstractListModel(parent) {}

void LayerListModel::reset_layers(std::vector<LayerSpec> layers) {
    beginResetModel();
    m_layers = std::move(layers);
    m_info.assign(m_layers.size(), LayerInfo{});
    m_issues.assign(m_layers.size(), QStringList{});
    endResetModel();
}

void LayerListModel::set_analysis(std::vector<LayerInfo> info,
                                  const std::vector<SpecIssue>& issues) {
    m_info = std::move(info);
    m_info.resize(m_layers.size());
    m_issues.assign(m_layers.size(), QStringList{});
    for (const SpecIssue& i : issues) {
        if (i.layer < 0 || static_cast<size_t>(i.layer) >= m_layers.size()) continue;
        QString text = QString::fromStdString(i.message);
        if (!i.field.empty()) text = QString::fromStdString(i.field) + ": " + text;
        m_issues[static_cast<size_t>(i.layer)] << text;
    }
    if (!m_layers.empty()) emit dataChanged(index(0), index(rowCount() - 1));
}

QStringList LayerListModel::issues_at(int row) const {
    if (row < 0 || row >= rowCount()) return {};
    return m_issues[static_cast<size_t>(row)];
}

void LayerListModel::insert_layer(int row, const LayerSpec& layer) {
    row = std::clamp(row, 0, rowCount());
    beginInsertRows({}, row, row);
    m_layers.insert(m_layers.begin() + row, layer);
    m_info.insert(m_info.begin() + row, LayerInfo{});
    m_issues.insert(m_issues.begin() + row, QStringList{});
    endInsertRows();
    emit edited(QString("Add %1").arg(QString::fromStdString(layer.type)), row);
}

void LayerListModel::set_layer(int row, const LayerSpec& layer, const QString& what) {
    if (row < 0 || row >= rowCount()) return;
    m_layers[static_cast<size_t>(row)] = layer;
    emit dataChanged(index(row), index(row));
    emit edited(what, row);
}

int LayerListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_layers.size());
}

QVariant LayerListModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const size_t r = static_cast<size_t>(index.row());
    const LayerSpec& l = m_layers[r];
    const LayerInfo& info = m_info[r];
    const std::string t = canonical_layer_type(l.type);
    const QString type = QString::fromStdString(t.empty() ? l.type : t);
    switch (role) {
        case Qt::DisplayRole: {
            QString s = QString("%1 %2").arg(index.row() + 1).arg(type);
            const QString sum = layer_summary(l);
            if (!sum.isEmpty()) s += " (" + sum + ")";
            s += " → " + shape_text(info.out);
            if (info.params) s += " · " + grouped(info.params) + " params";
            if (!m_issues[r].isEmpty()) s += "\n" + m_issues[r].join("\n");
            return s;
        }
        case Qt::ToolTipRole: {
            QString tip = QString("<b>%1</b> — %2").arg(type, layer_description(type).toHtmlEscaped());
            if (info.out.rank > 0)
                tip += QString("<br>in %1 → out %2").arg(shape_text(info.in), shape_text(info.out));
            for (const QString& issue : m_issues[r])
                tip += "<br><span style='color:#d62728'>" + issue.toHtmlEscaped() + "</span>";
            return tip;
        }
        case TypeRole: return type;
        case SummaryRole: return layer_summary(l);
        case ShapeRole: return shape_text(info.out);
        case ParamsRole: return static_cast<qulonglong>(info.params);
        case ParamsTextRole:
            return info.params ? grouped(info.params) + " params" : QString();
        case IssueRole: return m_issues[r].join("\n");
        case CategoryRole: return static_cast<int>(layer_category(t));
        default: return {};
    }
}

Qt::ItemFlags LayerListModel::flags(const QModelIndex& index) const {
    Qt::ItemFlags f = QAbstractListModel::flags(index);
    if (!m_editable) return index.isValid() ? f : Qt::NoItemFlags;
    if (index.isValid()) return f | Qt::ItemIsDragEnabled;
    return f | Qt::ItemIsDropEnabled;  // drops land between rows, never on one
}

bool LayerListModel::moveRows(const QModelIndex& src, int row, int count, const QModelIndex& dst,
                              int dst_row) {
    if (!m_editable || src.isValid() || dst.isValid() || count <= 0 || row < 0 ||
        row + count > rowCount() || dst_row < 0 || dst_row > rowCount())
        return false;
    if (dst_row >= row && dst_row <= row + count) return false;  // onto itself
    if (!beginMoveRows(src, row, row + count - 1, dst, dst_row)) return false;
    auto move = [&](auto& v) {
        auto first = v.begin() + row, last = first + count;
        if (dst_row < row)
            std::rotate(v.begin() + dst_row, first, last);
        else
            std::rotate(first, last, v.begin() + dst_row);
    };
    move(m_layers);
    move(m_info);
    move(m_issues);
    endMoveRows();
    const int now = dst_row < row ? dst_row : dst_row - count;
    const QString type = QString::fromStdString(m_layers[static_cast<size_t>(now)].type);
    emit edited(QString("Move %1 %2").arg(type, now < row ? "up" : "down"), now);
    return true;
}

bool LayerListModel::removeRows(int row, int count, const QModelIndex& parent) {
    if (!m_editable || parent.isValid() || count <= 0 || row < 0 || row + count > rowCount())
        return false;
    const QString type = QString::fromStdString(m_layers[static_cast<size_t>(row)].type);
    beginRemoveRows(parent, row, row + count - 1);
    m_layers.erase(m_layers.begin() + row, m_layers.begin() + row + count);
    m_info.erase(m_info.begin() + row, m_info.begin() + row + count);
    m_issues.erase(m_issues.begin() + row, m_issues.begin() + row + count);
    endRemoveRows();
    // The layer before the removed ones stays selected, so that an insert
    // fills the gap (the first layer gone: the new first one).
    emit edited(count == 1 ? QString("Remove %1").arg(type) : QString("Remove %1 layers").arg(count),
                rowCount() == 0 ? -1 : std::max(row - 1, 0));
    return true;
}

Qt::DropActions LayerListModel::supportedDropActions() const {
    return Qt::MoveAction | Qt::CopyAction;
}

Qt::DropActions LayerListModel::supportedDragActions() const { return Qt::MoveAction; }

QStringList LayerListModel::mimeTypes() const { return {kRowsMime, kTypeMime}; }

QMimeData* LayerListModel::mimeData(const QModelIndexList& indexes) const {
    auto* data = new QMimeData;
    QByteArray bytes;
    QDataStream out(&bytes, QIODevice::WriteOnly);
    QList<int> rows;
    for (const QModelIndex& i : indexes)
        if (i.isValid()) rows << i.row();
    std::sort(rows.begin(), rows.end());
    out << rows;
    data->setData(kRowsMime, bytes);
    return data;
}

bool LayerListModel::canDropMimeData(const QMimeData* data, Qt::DropAction action, int, int,
                                     const QModelIndex&) const {
    if (!m_editable || !data) return false;
    if (data->hasFormat(kTypeMime)) return action == Qt::CopyAction || action == Qt::MoveAction;
    return data->hasFormat(kRowsMime) && action == Qt::MoveAction;
}

bool LayerListModel::dropMimeData(const QMimeData* data, Qt::DropAction action, int row,
                                  int column, const QModelIndex& parent) {
    if (!canDropMimeData(data, action, row, column, parent)) return false;
    // Dropped on a row: after it; in the empty space below the rows: at the end.
    int at = row >= 0 ? row : parent.isValid() ? parent.row() + 1 : rowCount();
    at = std::clamp(at, 0, rowCount());
    if (data->hasFormat(kTypeMime)) {
        const QString type = QString::fromUtf8(data->data(kTypeMime));
        if (canonical_layer_type(type.toStdString()).empty()) return false;
        insert_layer(at, default_layer(type));
        return true;
    }
    // Rows from this list (the list view moves them with moveRows itself;
    // this path serves other views and keeps the data consistent).
    QByteArray bytes = data->data(kRowsMime);
    QDataStream in(&bytes, QIODevice::ReadOnly);
    QList<int> rows;
    in >> rows;
    if (rows.size() != 1 || rows[0] < 0 || rows[0] >= rowCount()) return false;
    moveRows({}, rows[0], 1, {}, at);
    return false;  // moved here: the source must not remove the row afterwards
}

}  // namespace gs::studio
