// The step-through panel: controls around StepThroughView.
#include "canvas/step_through_panel.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include "bridge/classroom_service.h"
#include "canvas/step_through.h"

namespace gs::studio {

StepThroughPanel::StepThroughPanel(ClassroomService* classroom, QWidget* parent)
    : QWidget(parent), m_classroom(classroom), m_view(new StepThroughView) {
    setObjectName(QStringLiteral("stepThrough"));
    auto* bar = new QHBoxLayout;
    m_trace = new QPushButton(QStringLiteral("Trace a step"));
    m_trace->setToolTip(QStringLiteral("Take the next training step and walk through its phases"));
    m_back = new QPushButton(QStringLiteral("◀ Back"));
    m_back->setToolTip(QStringLiteral("The previous phase (Left)"));
    m_next = new QPushButton(QStringLiteral("Next ▶"));
    m_next->setToolTip(QStringLiteral("The next phase (Right)"));
    m_play = new QPushButton(QStringLiteral("Play"));
    m_play->setCheckable(true);
    m_play->setToolTip(QStringLiteral("Animate through the phases (Space)"));
    m_speed = new QDoubleSpinBox;
    m_speed->setRange(0.2, 10);
    m_speed->setSingleStep(0.2);
    m_speed->setValue(1);
    m_speed->setSuffix(QStringLiteral(" phases/s"));
    m_item = new QComboBox;
    m_item->setToolTip(QStringLiteral("Follow one example of the batch, or the batch mean"));
    m_status = new QLabel;
    bar->addWidget(m_trace);
    bar->addWidget(m_back);
    bar->addWidget(m_next);
    bar->addWidget(m_play);
    bar->addWidget(m_speed);
    bar->addWidget(m_item);
    bar->addWidget(m_status, 1);
    auto* col = new QVBoxLayout(this);
    col->setContentsMargins(4, 4, 4, 4);
    col->addLayout(bar);
    col->addWidget(m_view, 1);

    connect(m_trace, &QPushButton::clicked, this, [this] { trace_step(); });
    connect(m_back, &QPushButton::clicked, m_view, &StepThroughView::back);
    connect(m_next, &QPushButton::clicked, m_view, &StepThroughView::next);
    connect(m_play, &QPushButton::toggled, m_view, &StepThroughView::set_animating);
    connect(m_view, &StepThroughView::animatingChanged, m_play, &QPushButton::setChecked);
    connect(m_speed, &QDoubleSpinBox::valueChanged, m_view, &StepThroughView::set_speed);
    connect(m_item, &QComboBox::currentIndexChanged, this, [this](int i) {
        if (i >= 0) m_view->set_item(m_item->itemData(i).toInt());
    });
    connect(m_view, &StepThroughView::phaseChanged, this, &StepThroughPanel::update_controls);
    connect(m_classroom, &ClassroomService::traceUpdated, this, &StepThroughPanel::trace_arrived);
    if (m_classroom->trace()) trace_arrived();  // a step traced before the panel opened
    update_controls();
}

bool StepThroughPanel::trace_step() {
    const CommandResult r = m_classroom->trace_step(std::max(0, m_view->item()));
    if (!r) {
        m_status->setText(QString::fromStdString(r.reason));
        return false;
    }
    m_status->setText(QStringLiteral("Tracing the next step…"));
    return true;
}

void StepThroughPanel::trace_arrived() {
    auto t = m_classroom->trace();
    const int keep = m_item->currentData().isValid() ? m_item->currentData().toInt() : 0;
    m_view->set_trace(t);
    QSignalBlocker block(m_item);
    m_item->clear();
    if (t) {
        m_item->addItem(QStringLiteral("Batch mean"), kBatchMean);
        for (int i = 0; i < t->batch; ++i) m_item->addItem(QStringLiteral("Example %1").arg(i + 1), i);
        const int at = m_item->findData(keep < t->batch ? keep : t->example);
        m_item->setCurrentIndex(std::max(0, at));
        m_view->set_item(m_item->currentData().toInt());
    }
    update_controls();
}

void StepThroughPanel::update_controls() {
    const bool has = m_view->trace() != nullptr;
    m_back->setEnabled(has && m_view->phase_index() > 0);
    m_next->setEnabled(has && m_view->phase_index() + 1 < m_view->phase_count());
    m_play->setEnabled(has);
    m_item->setEnabled(has);
    if (has)
        m_status->setText(QStringLiteral("phase %1 / %2 · loss %3")
                              .arg(m_view->phase_index() + 1)
                              .arg(m_view->phase_count())
                              .arg(QString::fromStdString(format_number(m_view->trace()->loss_mean, 3))));
}

void StepThroughPanel::set_input_names(const QStringList& names) { m_view->set_input_names(names); }

void StepThroughPanel::set_theme(const Theme& theme) {
    m_view->set_theme(theme);
    QFont f = font();
    f.setPointSizeF(9.0 * theme.font_scale);
    setFont(f);
}

QString StepThroughPanel::status_text() const { return m_status->text(); }

}  // namespace gs::studio
