// GradientFlowView: writing the plots as PNG and the statistics as CSV; see
// gradient_flow.h for the CSV columns.
#include <qcustomplot.h>

#include <QSaveFile>
#include <QTextStream>
#include <cmath>

#include "plots/number_format.h"
#include "plots/gradient_flow.h"

namespace gs::studio {

namespace {

QString cell(double v) { return QString::fromStdString(csv_number(v)); }

QString quoted(const QString& s) {
    QString q = s;
    q.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + q + QLatin1Char('"');
}

}  // namespace

bool GradientFlowView::save_png(const QString& path, int w, int h) {
    if (w <= 0) w = m_plot->width();
    if (h <= 0) h = m_plot->height();
    if (w <= 0 || h <= 0) return false;
    const QPixmap pm = m_plot->toPixmap(w, h);
    if (pm.isNull()) return false;
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly)) return false;
    return pm.save(&f, "PNG") && f.commit();
}

bool GradientFlowView::save_csv(const QString& path) const {
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Text)) return false;
    QTextStream out(&f);
    out << "layer,name,step,update_ratio,grad_norm,mean_abs_grad,max_abs_grad,weight_norm,status,diagnosis\n";
    const auto ticker = m_bars_rect->axis(QCPAxis::atBottom)->ticker().dynamicCast<QCPAxisTickerText>();
    for (size_t k = 0; k < m_bar_layers.size(); ++k) {
        const int i = m_bar_layers[k];
        const QString name = ticker ? ticker->ticks().value(static_cast<double>(k)) : QString();
        const LayerStats* s = static_cast<size_t>(i) < m_stats.size() && m_stats[static_cast<size_t>(i)].step > 0
                                  ? &m_stats[static_cast<size_t>(i)]
                                  : nullptr;
        const LayerDiagnosis* d = static_cast<size_t>(i) < m_diag.size() ? &m_diag[static_cast<size_t>(i)] : nullptr;
        auto tail = [&](bool newest) {
            if (newest && s)
                out << ',' << cell(s->grad_mean_abs) << ',' << cell(s->grad_max_abs) << ',' << cell(s->weight_norm);
            else
                out << ",,,";
            out << ',';
            if (newest && d) out << health_name(d->status) << ',' << quoted(QString::fromStdString(d->text));
            else out << ',';
            out << '\n';
        };
        const auto& ratio = m_ratio_pts[k];
        const auto& norm = m_norm_pts[k];
        for (size_t j = 0; j < ratio.size(); ++j) {
            out << i + 1 << ',' << quoted(name) << ',' << cell(ratio[j].x) << ',' << cell(ratio[j].mean) << ',';
            if (j < norm.size() && norm[j].x == ratio[j].x) out << cell(norm[j].mean);
            tail(j + 1 == ratio.size());
        }
        if (ratio.empty() && s) {  // statistics without a series yet
            out << i + 1 << ',' << quoted(name) << ',' << s->step << ',' << cell(s->update_ratio) << ','
                << cell(s->grad_norm);
            tail(true);
        }
    }
    out.flush();
    return out.status() == QTextStream::Ok && f.commit();
}

}  // namespace gs::studio
