// TrainingPlot: how its parts are arranged. Normally the legend on top, loss
// above accuracy sharing the step axis, and a row of controls; compact (a
// strip at the projector) drops the controls and the legend and puts loss
// and accuracy side by side, each at the strip's full height. Regression
// (no accuracy) shows the loss alone. See training_plot.h.
#include <qcustomplot.h>

#include <QLabel>
#include <QSlider>

#include "plots/plot_style.h"
#include "plots/training_plot.h"

namespace gs::studio {

void TrainingPlot::arrange() {
    QCPLayoutGrid* grid = m_plot->plotLayout();
    for (QCPLayoutElement* e : std::initializer_list<QCPLayoutElement*>{m_legend_row, m_loss_rect, m_acc_rect})
        if (e->layout() == grid) grid->take(e);
    grid->simplify();
    int row = 0;
    if (!m_compact) grid->addElement(row++, 0, m_legend_row);
    grid->addElement(row, 0, m_loss_rect);
    if (m_acc_shown) grid->addElement(m_compact ? row : row + 1, m_compact ? 1 : 0, m_acc_rect);
    if (m_compact) {
        grid->setRowStretchFactors({1});
        grid->setColumnStretchFactors(m_acc_shown ? QList<double>{1, 1} : QList<double>{1});
        grid->setColumnSpacing(static_cast<int>(12 * m_theme.font_scale));
    } else {
        grid->setRowStretchFactors(m_acc_shown ? QList<double>{0.001, 3, 2} : QList<double>{0.001, 1});
        grid->setColumnStretchFactors({1});
    }
    m_legend_row->setVisible(!m_compact);
    m_plot->legend->setVisible(!m_compact);
    m_acc_rect->setVisible(m_acc_shown);
    // The loss's step axis is labelled unless accuracy sits under it.
    const bool loss_labels = m_compact || !m_acc_shown;
    QCPAxis* lx = m_loss_rect->axis(QCPAxis::atBottom);
    lx->setTickLabels(loss_labels);
    lx->setLabel(loss_labels ? tr("step") : QString());
    m_slider->parentWidget()->setVisible(!m_compact);
}

void TrainingPlot::set_accuracy_shown(bool shown) {
    if (shown == m_acc_shown) return;
    m_acc_shown = shown;
    arrange();
    for (QCPGraph* g : {m_acc_min, m_acc_max, m_acc_raw, m_acc_smooth}) g->setVisible(shown);
    m_acc_val->setVisible(shown && m_show_validation);
    m_note->setText(shown ? QString() : tr("no accuracy for regression"));
    m_note->setToolTip(m_note->text());
    m_note->setVisible(!shown);  // an empty note takes no share of the row from the hint
    place_markers();
    if (!shown) m_cursor_acc->setVisible(false);
}

void TrainingPlot::set_compact(bool on) {
    if (on == m_compact) return;
    m_compact = on;
    arrange();
    place_markers();
    request_replot();
}

}  // namespace gs::studio
