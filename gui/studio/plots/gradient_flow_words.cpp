// GradientFlowView: the words under the plots (the run's verdict, one line
// per problem, each piece of advice once) and the box that holds them,
// which never takes more than a share of the view; and a compact
// arrangement of the plots when the view is short (both legends in one row,
// no "step" label), so that the bars and ratios keep a readable height.
// See gradient_flow.h.
#include <qcustomplot.h>

#include <QLabel>
#include <QScrollArea>
#include <QScrollBar>
#include <algorithm>

#include "plots/gradient_flow.h"
#include "plots/plot_style.h"

namespace gs::studio {

namespace {

QString bullet(const QColor& c, const QString& html) {
    return QStringLiteral("<span style=\"color:%1\">&#9679;</span> %2").arg(c.name(), html);
}

QString esc(const std::string& s) { return QString::fromStdString(s).toHtmlEscaped(); }

}  // namespace

void GradientFlowView::rebuild_words(bool any_stats) {
    QStringList lines, full;
    if (!m_verdict.text.empty()) {
        const bool bad = m_verdict.state == RunState::Diverging;
        lines << bullet(bad ? m_theme.error : m_theme.ok,
                        QStringLiteral("<b>%1</b>").arg(esc(m_verdict.text)));
        full << esc(m_verdict.text);
    }
    // Statistics come on a budget: say so when they are far behind the run.
    if (any_stats && m_ctx.stats_step > 0 && m_ctx.now_step > 2 * m_ctx.stats_step + 100)
        lines << QStringLiteral("<span style=\"color:%1\">%2</span>")
                     .arg(m_theme.muted.name(), tr("Statistics from step %1 (the run is at step %2).")
                                                    .arg(QLocale().toString(static_cast<qlonglong>(m_ctx.stats_step)),
                                                         QLocale().toString(static_cast<qlonglong>(m_ctx.now_step))));
    // One line per problem: what was found. The advice after them, each once
    // (four vanishing layers share one).
    std::vector<std::string> advice;
    for (const LayerDiagnosis& d : m_diag) {
        if (!health_is_problem(d.status)) continue;
        lines << bullet(health_is_error(d.status) ? m_theme.error : m_theme.warning, esc(d.finding));
        full << esc(d.text);
        if (!d.advice.empty() && std::find(advice.begin(), advice.end(), d.advice) == advice.end())
            advice.push_back(d.advice);
    }
    for (const std::string& a : advice) {
        const QString text = QString::fromStdString(a).trimmed();
        lines << QStringLiteral("&nbsp;&nbsp;&#8594; ") + text.toHtmlEscaped();
    }
    if (lines.isEmpty() && any_stats)
        lines << bullet(m_theme.ok,
                        tr("Gradients look healthy: none vanishing or exploding, no dead or saturated layers."));
    m_text->setText(lines.join(QStringLiteral("<br>")));
    m_text_box->setToolTip(full.size() > 0 ? full.join(QStringLiteral("<br><br>")) : QString());
    m_text_box->setVisible(!lines.isEmpty());
    fit_text_box();
    arrange_for_height();
}

void GradientFlowView::fit_text_box() {
    if (!m_text_box || !m_text_box->isVisibleTo(this)) return;
    const QFontMetrics fm(m_text->font());
    const int vw = m_text_box->viewport()->width();
    const int needed = m_text->heightForWidth(std::max(50, vw > 1 ? vw : width())) + 2;
    // At most a quarter of the view (at least a line), and never more than needed.
    const int cap = std::max(fm.height() + 8, static_cast<int>(0.25 * height()));
    const int h = std::min(needed, cap);
    if (m_text_box->height() != h || m_text_box->maximumHeight() != h) m_text_box->setFixedHeight(h);
    m_text_box->setVerticalScrollBarPolicy(needed > cap ? Qt::ScrollBarAsNeeded : Qt::ScrollBarAlwaysOff);
}

void GradientFlowView::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    fit_text_box();
    arrange_for_height();
}

void GradientFlowView::arrange_for_height() {
    const bool compact = height() - (m_text_box->isVisibleTo(this) ? m_text_box->height() : 0) < 300;
    if (compact == m_compact) return;
    m_compact = compact;
    QCPLayoutGrid* grid = m_plot->plotLayout();
    auto* top = qobject_cast<QCPLayoutGrid*>(grid->element(0, 0));
    if (!top) return;
    if (compact) {
        // The ratio legend joins the bars' legend in the top row.
        auto* line = qobject_cast<QCPLayoutGrid*>(m_ratio_legend->layout());
        if (line && line != top) {
            line->take(m_ratio_legend);
            grid->remove(line);
            grid->simplify();
        }
        top->insertColumn(1);
        top->addElement(0, 1, m_ratio_legend);
        top->setColumnStretchFactors({0.001, 0.001, 1});
        grid->setRowStretchFactors({0.001, 1.3, 1});
        m_ratio_rect->axis(QCPAxis::atBottom)->setLabel(QString());
    } else {
        top->take(m_ratio_legend);
        top->simplify();
        top->setColumnStretchFactors({0.001, 1});
        place_legend_row(*m_plot, m_ratio_legend, 3);
        grid->setRowStretchFactors({0.001, 1, 1, 0.001});
        m_ratio_rect->axis(QCPAxis::atBottom)->setLabel(tr("step"));
    }
    request_replot();
}

void GradientFlowView::set_optimizer(const QString& type) {
    if (m_spec.optimizer.type == type.toStdString()) return;
    m_spec.optimizer.type = type.toStdString();
    m_ctx.optimizer = type.toLower().toStdString();
    rebuild_bars();
    request_replot();
}

QString GradientFlowView::summary_text() const { return m_text_box->isVisibleTo(this) ? m_text->text() : QString(); }

QWidget* GradientFlowView::text_box() const { return m_text_box; }

}  // namespace gs::studio
