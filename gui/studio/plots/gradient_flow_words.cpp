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
    fit_legends();
}

void GradientFlowView::fit_legends() {
    // Each legend as many entries a row as fit whole, the rest on more rows
    // (a squeezed entry would be cut: "1 C" for "1 Conv2D").
    auto entry_width = [](QCPLegend* l) {
        int w = 1;
        for (int i = 0; i < l->itemCount(); ++i)  // the count holds a wrapped grid's empty cells
            if (QCPAbstractLegendItem* it = l->item(i)) w = std::max(w, it->minimumOuterSizeHint().width());
        return w + l->columnSpacing();
    };
    auto per_row = [](QCPLegend* l, int avail, int entry) {
        const int inner = avail - l->margins().left() - l->margins().right();
        int n = 0;
        for (int i = 0; i < l->itemCount(); ++i) n += l->item(i) != nullptr;
        return std::max(1, std::min(std::max(1, n), inner / std::max(1, entry)));
    };
    // A short view keeps one legend row: the lines by layer number, as the bars' axis numbers them.
    for (size_t k = 0; k < m_ratio_graphs.size() && k < m_ratio_names.size(); ++k)
        m_ratio_graphs[k]->setName(m_compact ? m_ratio_names[k].section(QLatin1Char(' '), 0, 0) : m_ratio_names[k]);
    // ... and the bars as "mean" and "max" (the axis says |gradient|).
    for (int i = 0; i < m_plot->legend->itemCount(); ++i) {
        auto* it = qobject_cast<QCPPlottableLegendItem*>(m_plot->legend->item(i));
        if (!it) continue;
        QCPAbstractPlottable* pl = it->plottable();
        if (!pl->property("full_name").isValid()) pl->setProperty("full_name", pl->name());
        const QString full = pl->property("full_name").toString();
        pl->setName(m_compact ? full.section(QLatin1Char(' '), 0, 0) : full);
    }
    const int w = std::max(1, width() - 16);  // the plot spans the view (its own size may lag here)
    QCPLegend* bars = m_plot->legend;
    const int eb = entry_width(bars), er = entry_width(m_ratio_legend);
    if (m_compact) {  // both in the top row: the bars' legend first, the lines' in the rest
        const int nb = per_row(bars, w / 2, eb);
        bars->setWrap(nb);
        const int used = nb * eb + bars->margins().left() + bars->margins().right();
        m_ratio_legend->setWrap(per_row(m_ratio_legend, w - used, er));
    } else {
        bars->setWrap(per_row(bars, w, eb));
        m_ratio_legend->setWrap(per_row(m_ratio_legend, w, er));
    }
    for (QCPLegend* l : {bars, m_ratio_legend}) l->setFillOrder(QCPLegend::foColumnsFirst, true);  // re-flows the entries
    request_replot();
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
    fit_legends();
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
