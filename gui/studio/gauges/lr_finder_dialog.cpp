// LrFinderDialog (see lr_finder_dialog.h).
#include "gauges/lr_finder_dialog.h"

#include <qcustomplot.h>

#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "bridge/gauges_bridge.h"
#include "plots/plot_style.h"

namespace gs::studio {

LrFinderDialog::LrFinderDialog(GaugesBridge& gauges, const Theme& theme, QWidget* parent)
    : QDialog(parent), m_gauges(gauges), m_theme(theme) {
    setWindowTitle(tr("Find learning rate"));
    setObjectName(QStringLiteral("lrFinderDialog"));
    auto* top = new QVBoxLayout(this);
    m_about = new QLabel(QString::fromUtf8(lr_range_about()));
    m_about->setWordWrap(true);
    top->addWidget(m_about);

    auto* form = new QHBoxLayout;
    const LrRangeOptions d;
    m_min = new QDoubleSpinBox;
    m_max = new QDoubleSpinBox;
    for (QDoubleSpinBox* b : {m_min, m_max}) {
        b->setDecimals(7);
        b->setRange(1e-7, 1e4);
    }
    m_min->setValue(d.lr_min);
    m_max->setValue(d.lr_max);
    m_steps = new QSpinBox;
    m_steps->setRange(10, 100000);
    m_steps->setValue(d.steps);
    form->addWidget(new QLabel(tr("from")));
    form->addWidget(m_min);
    form->addWidget(new QLabel(tr("to")));
    form->addWidget(m_max);
    form->addWidget(new QLabel(tr("steps")));
    form->addWidget(m_steps);
    m_run = new QPushButton(tr("Run"));
    m_run->setObjectName(QStringLiteral("lrFinderRun"));
    form->addWidget(m_run);
    form->addStretch(1);
    top->addLayout(form);

    m_plot = new QCustomPlot;
    m_plot->setMinimumSize(560, 320);
    m_plot->addGraph();  // the loss per step of the test
    m_plot->addGraph();  // its running average
    m_plot->xAxis->setLabel(tr("learning rate (log scale)"));
    m_plot->yAxis->setLabel(tr("loss"));
    set_log_axis(*m_plot->xAxis, true);
    apply_theme(*m_plot, m_theme);
    QColor raw = m_theme.train;
    raw.setAlpha(90);
    m_plot->graph(0)->setPen(QPen(raw, 1.0));
    m_plot->graph(0)->setName(tr("loss"));
    m_plot->graph(1)->setPen(QPen(m_theme.train, m_theme.line_width * 1.4));
    m_plot->graph(1)->setName(tr("smoothed"));
    top->addWidget(m_plot, 1);

    m_verdict = new QLabel(tr("Press Run: the test trains a few hundred steps from the state now, "
                              "then puts the state back."));
    m_verdict->setWordWrap(true);
    m_verdict->setObjectName(QStringLiteral("lrFinderVerdict"));
    m_verdict->setMinimumHeight(m_verdict->fontMetrics().lineSpacing() * 3 + 4);  // never squeezed by the plot
    top->addWidget(m_verdict);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    m_apply = buttons->addButton(tr("Apply suggested rate"), QDialogButtonBox::ApplyRole);
    m_apply->setObjectName(QStringLiteral("lrFinderApply"));
    m_apply->setEnabled(false);
    top->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_apply, &QPushButton::clicked, this, [this] { apply(); });
    connect(m_run, &QPushButton::clicked, this, [this] { run(); });
    connect(&m_gauges, &GaugesBridge::lrRangeReady, this, &LrFinderDialog::show_result);
    if (m_gauges.lr_range()) show_result();
}

LrRangeOptions LrFinderDialog::options() const {
    LrRangeOptions o;
    o.lr_min = m_min->value();
    o.lr_max = m_max->value();
    o.steps = m_steps->value();
    return o;
}

void LrFinderDialog::run() {
    const CommandResult r = m_gauges.find_lr(options());
    if (!r.ok) {
        m_verdict->setText(tr("The test could not start: %1").arg(QString::fromStdString(r.reason)));
        return;
    }
    m_run->setEnabled(false);
    m_apply->setEnabled(false);
    m_verdict->setText(tr("Running the range test..."));
}

double LrFinderDialog::suggested_lr() const {
    auto r = m_gauges.lr_range();
    return r ? r->suggested_lr : 0;
}

bool LrFinderDialog::apply() {
    const double lr = suggested_lr();
    if (!(lr > 0)) {
        m_verdict->setText(tr("There is no suggestion to apply."));
        return false;
    }
    const CommandResult r = m_gauges.apply_lr(lr);
    m_verdict->setText(r.ok ? tr("The learning rate is now %1.").arg(qnumber(lr))
                            : tr("Could not set the learning rate: %1").arg(QString::fromStdString(r.reason)));
    return r.ok;
}

void LrFinderDialog::show_result() {
    m_run->setEnabled(true);
    auto r = m_gauges.lr_range();
    if (!r) return;
    QVector<double> x, y, s;
    for (size_t i = 0; i < r->lr.size(); ++i) {
        if (!std::isfinite(r->loss[i])) continue;
        x.push_back(r->lr[i]);
        y.push_back(r->loss[i]);
        s.push_back(std::isfinite(r->smoothed[i]) ? r->smoothed[i] : r->loss[i]);
    }
    m_plot->graph(0)->setData(x, y, true);
    m_plot->graph(1)->setData(x, s, true);
    m_plot->clearItems();
    if (r->suggested_lr > 0) {
        auto* line = new QCPItemStraightLine(m_plot);
        line->point1->setCoords(r->suggested_lr, 0);
        line->point2->setCoords(r->suggested_lr, 1);
        line->setPen(QPen(m_theme.marker, 1.5, Qt::DashLine));
        auto* label = new QCPItemText(m_plot);
        label->position->setType(QCPItemPosition::ptAxisRectRatio);
        label->position->setCoords(0.02, 0.05);
        label->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
        label->setText(tr("suggested %1").arg(qnumber(r->suggested_lr)));
        label->setColor(m_theme.marker);
        label->setFont(plot_font(m_theme, kPlotFontPt + 1, true));
    }
    m_plot->rescaleAxes();
    // The explosion dwarfs the interesting part: the y range up to a little
    // above the loss at the start.
    if (!s.isEmpty()) {
        double lo = s[0], hi = s[0];
        for (double v : s) lo = std::min(lo, v);
        for (double v : y) hi = std::max(hi, std::min(v, 1.5 * s[0]));
        m_plot->yAxis->setRange(lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo));
    }
    m_plot->replot();
    m_verdict->setText(QString::fromStdString(lr_range_verdict(*r, m_gauges.current_lr())));
    m_apply->setEnabled(r->suggested_lr > 0);
}

}  // namespace gs::studio
