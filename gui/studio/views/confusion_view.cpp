// The confusion view: the matrix, the items of a clicked cell, the words.
#include "views/confusion_view.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollArea>
#include <QSplitter>
#include <QVBoxLayout>
#include <algorithm>

#include "gradscope/explanations.h"
#include "views/explanation_box.h"
#include "views/item_gallery.h"

namespace gs::studio {

namespace {
constexpr qreal kLabelW = 96, kLabelH = 70;  // room for the class names
}

ConfusionMatrixWidget::ConfusionMatrixWidget(QWidget* parent) : QWidget(parent) {
    setMinimumSize(180, 150);
}

void ConfusionMatrixWidget::set_record(const ConfusionRecord& r) {
    m_record = r;
    update();
}

void ConfusionMatrixWidget::set_normalized(bool on) {
    m_normalized = on;
    update();
}

void ConfusionMatrixWidget::set_theme(const Theme& theme) {
    m_theme = theme;
    update();
}

void ConfusionMatrixWidget::set_selected(int truth, int predicted) {
    m_sel_truth = truth;
    m_sel_pred = predicted;
    update();
}

QRectF ConfusionMatrixWidget::matrix_area() const {
    const qreal side = std::max<qreal>(10, std::min(width() - kLabelW - 8, height() - kLabelH - 8));
    return QRectF(kLabelW, kLabelH, side, side);
}

QRect ConfusionMatrixWidget::cell_rect(int truth, int predicted) const {
    const int K = m_record.classes;
    if (K <= 0 || truth < 0 || predicted < 0 || truth >= K || predicted >= K) return {};
    const QRectF a = matrix_area();
    const qreal c = a.width() / K;
    return QRectF(a.x() + predicted * c, a.y() + truth * c, c, c).toAlignedRect().adjusted(0, 0, -1, -1);
}

QString ConfusionMatrixWidget::cell_text(int truth, int predicted) const {
    if (m_normalized) return QStringLiteral("%1%").arg(qRound(100.0 * confusion_rate(m_record, truth, predicted)));
    return QString::number(confusion_count(m_record, truth, predicted));
}

void ConfusionMatrixWidget::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect(), m_theme.panel);
    const int K = m_record.classes;
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * m_theme.font_scale);
    p.setFont(f);
    if (K <= 0) {
        p.setPen(m_theme.muted);
        p.drawText(rect().adjusted(12, 12, -12, -12), Qt::AlignCenter | Qt::TextWordWrap,
                   QStringLiteral("No confusion matrix yet: it comes from the validation pass at the end of "
                                  "each epoch of a classification run."));
        return;
    }
    const QRectF a = matrix_area();
    const qreal c = a.width() / K;
    QFont small = f;
    small.setPointSizeF(std::max(6.0, std::min(f.pointSizeF(), c * 0.28)));
    for (int t = 0; t < K; ++t)
        for (int q = 0; q < K; ++q) {
            const QRectF r(a.x() + q * c, a.y() + t * c, c, c);
            const float rate = confusion_rate(m_record, t, q);
            const QColor base = t == q ? m_theme.ok : m_theme.error;
            QColor fill = m_theme.background;
            const double w = std::clamp(static_cast<double>(rate), 0.0, 1.0);
            const double k = t == q ? w : std::min(1.0, 3 * w);  // mistakes show from a few percent
            fill = QColor::fromRgbF(fill.redF() + (base.redF() - fill.redF()) * k,
                                    fill.greenF() + (base.greenF() - fill.greenF()) * k,
                                    fill.blueF() + (base.blueF() - fill.blueF()) * k);
            p.fillRect(r, fill);
            p.setPen(QPen(m_theme.grid, 1));
            p.drawRect(r);
            p.setFont(small);
            p.setPen(k > 0.55 ? QColor(Qt::white) : m_theme.foreground);
            if (c >= 18) p.drawText(r, Qt::AlignCenter, cell_text(t, q));
        }
    if (m_sel_truth >= 0 && m_sel_truth < K && m_sel_pred >= 0 && m_sel_pred < K) {
        p.setPen(QPen(m_theme.marker, 3));
        p.setBrush(Qt::NoBrush);
        p.drawRect(QRectF(a.x() + m_sel_pred * c, a.y() + m_sel_truth * c, c, c).adjusted(1.5, 1.5, -1.5, -1.5));
    }
    // Class names: rows (true) at the left, columns (predicted) on top, turned.
    QFont names = f;
    names.setPointSizeF(f.pointSizeF() * 0.85);
    p.setFont(names);
    p.setPen(m_theme.foreground);
    const QFontMetrics fm(names);
    for (int t = 0; t < K; ++t) {
        const QString n = fm.elidedText(QString::fromStdString(class_label(m_record, t)), Qt::ElideRight,
                                        static_cast<int>(kLabelW - 8));
        p.drawText(QRectF(0, a.y() + t * c, kLabelW - 6, c), Qt::AlignRight | Qt::AlignVCenter, n);
        p.save();
        p.translate(a.x() + t * c + c / 2, kLabelH - 4);
        p.rotate(-60);
        p.drawText(QRectF(0, -fm.height() / 2.0, kLabelH, fm.height()), Qt::AlignLeft | Qt::AlignVCenter,
                   fm.elidedText(QString::fromStdString(class_label(m_record, t)), Qt::ElideRight,
                                 static_cast<int>(kLabelH)));
        p.restore();
    }
    p.setPen(m_theme.muted);
    p.drawText(QRectF(0, 0, kLabelW, kLabelH - 4), Qt::AlignLeft | Qt::AlignBottom | Qt::TextWordWrap,
               QStringLiteral("true ↓\npredicted →"));
}

void ConfusionMatrixWidget::mousePressEvent(QMouseEvent* event) {
    const int K = m_record.classes;
    for (int t = 0; t < K; ++t)
        for (int q = 0; q < K; ++q)
            if (cell_rect(t, q).contains(event->position().toPoint())) {
                emit cellClicked(t, q);
                return;
            }
    QWidget::mousePressEvent(event);
}

ConfusionView::ConfusionView(QWidget* parent) : QWidget(parent) {
    auto* col = new QVBoxLayout(this);
    auto* top = new QHBoxLayout;
    m_normalize = new QCheckBox(QStringLiteral("Row-normalized (share of each true class)"));
    m_summary = new QLabel;
    m_summary->setWordWrap(true);
    top->addWidget(m_normalize);
    top->addWidget(m_summary, 1);
    col->addLayout(top);
    auto* split = new QSplitter(Qt::Horizontal);
    m_matrix = new ConfusionMatrixWidget;
    m_gallery = new ItemGallery;
    auto* scroll = new QScrollArea;
    scroll->setWidget(m_gallery);
    scroll->setWidgetResizable(true);
    split->addWidget(m_matrix);
    split->addWidget(scroll);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    col->addWidget(split, 1);
    col->addWidget(explanation_box(
        QString::fromStdString(explanation_text(explanation_of(ExplainedView::Confusion))), &m_explanation));
    m_gallery->set_caption(QStringLiteral("Click a cell to see its items."));
    connect(m_normalize, &QCheckBox::toggled, m_matrix, &ConfusionMatrixWidget::set_normalized);
    connect(m_matrix, &ConfusionMatrixWidget::cellClicked, this, &ConfusionView::select_cell);
    connect(m_gallery, &ItemGallery::itemClicked, this, &ConfusionView::itemChosen);
}

void ConfusionView::set_data(const DataView& data) {
    m_data = data;
    m_gallery->set_source(data.probe_split, data.class_names);
    clear();
}

void ConfusionView::clear() {
    m_snapshot.reset();
    m_record = {};
    m_truth = m_pred = -1;
    m_gallery_step = -2;
    m_matrix->set_record(m_record);
    m_matrix->set_selected(-1, -1);
    m_gallery->set_items({});
    m_gallery->set_caption(QStringLiteral("Click a cell to see its items."));
    m_summary->clear();
}

void ConfusionView::set_theme(const Theme& theme) {
    m_matrix->set_theme(theme);
    m_gallery->set_theme(theme);
}

void ConfusionView::set_normalized(bool on) { m_normalize->setChecked(on); }
bool ConfusionView::normalized() const { return m_normalize->isChecked(); }

QString ConfusionView::summary() const { return m_summary->text(); }
QString ConfusionView::explanation() const { return m_explanation->text(); }

void ConfusionView::set_snapshot(std::shared_ptr<const Snapshot> snapshot) {
    if (!snapshot || snapshot->classes < 2 || snapshot->confusion.empty()) return;  // keep the last matrix
    std::vector<std::string> names;
    for (const QString& n : m_data.class_names) names.push_back(n.toStdString());
    m_snapshot = std::move(snapshot);
    m_record = confusion_from_snapshot(*m_snapshot, 0, m_data.probe_split_name.toStdString(), names);
    m_record.step = m_snapshot->confusion_step;
    m_matrix->set_record(m_record);
    m_summary->setText(QString::fromStdString(describe_confusion(m_record)) +
                       QStringLiteral(" (%1 split, step %2)").arg(m_data.probe_split_name).arg(m_record.step));
    if (m_truth >= 0 && m_snapshot->confusion_step != m_gallery_step) fill_gallery();
}

void ConfusionView::select_cell(int truth, int predicted) {
    m_truth = truth;
    m_pred = predicted;
    m_matrix->set_selected(truth, predicted);
    fill_gallery();
}

void ConfusionView::fill_gallery() {
    std::vector<GalleryItem> items;
    if (!m_snapshot || m_truth < 0) {
        m_gallery->set_items({});
        return;
    }
    m_gallery_step = m_snapshot->confusion_step;
    const bool complete = !m_snapshot->outcomes.empty();
    for (const Snapshot::Mistake& o : complete ? m_snapshot->outcomes : m_snapshot->mistakes)
        if (o.label == m_truth && o.predicted == m_pred) items.push_back({o.item, o.label, o.predicted, o.confidence});
    std::stable_sort(items.begin(), items.end(),
                     [](const GalleryItem& a, const GalleryItem& b) { return a.probability > b.probability; });
    const QString t = QString::fromStdString(class_label(m_record, m_truth));
    const QString p = QString::fromStdString(class_label(m_record, m_pred));
    const uint32_t n = confusion_count(m_record, m_truth, m_pred);
    QString caption = m_truth == m_pred ? QStringLiteral("%1 classified right: %2 items").arg(t).arg(n)
                                        : QStringLiteral("%1 taken for %2: %3 items").arg(t, p).arg(n);
    if (!complete) caption += QStringLiteral(" (%1 of them among the most confident mistakes)").arg(items.size());
    caption += QStringLiteral(", most confident first");
    m_gallery->set_caption(caption);
    m_gallery->set_items(std::move(items));
}

}  // namespace gs::studio
