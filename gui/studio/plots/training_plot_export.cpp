// TrainingPlot: writing the plot as PNG and its series as CSV; see
// training_plot.h for the CSV columns.
#include <qcustomplot.h>

#include <QSaveFile>
#include <QTextStream>
#include <cmath>
#include <map>

#include "plots/number_format.h"
#include "plots/training_plot.h"

namespace gs::studio {

namespace {

QString cell(double v) { return QString::fromStdString(csv_number(v)); }

}  // namespace

bool TrainingPlot::save_png(const QString& path, int w, int h) {
    if (w <= 0) w = m_plot->width();
    if (h <= 0) h = m_plot->height();
    if (w <= 0 || h <= 0) return false;
    take_followed();
    hide_readout();
    const QPixmap pm = m_plot->toPixmap(w, h);
    if (pm.isNull()) return false;
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly)) return false;
    return pm.save(&f, "PNG") && f.commit();
}

bool TrainingPlot::save_csv(const QString& path) const {
    const_cast<TrainingPlot*>(this)->take_followed();  // what refresh() noted: the file has the latest
    struct Row {
        const SeriesPoint* loss = nullptr;
        double smoothed = NAN;
        const SeriesPoint* acc = nullptr;
        double acc_smoothed = NAN;
        const ValPoint* val = nullptr;
    };
    std::map<double, Row> rows;
    for (size_t i = 0; i < m_loss_pts.size(); ++i) {
        Row& r = rows[m_loss_pts[i].x];
        r.loss = &m_loss_pts[i];
        r.smoothed = m_loss_smoothed[i];
    }
    for (size_t i = 0; i < m_acc_pts.size(); ++i) {
        Row& r = rows[m_acc_pts[i].x];
        r.acc = &m_acc_pts[i];
        r.acc_smoothed = m_acc_smoothed[i];
    }
    for (const ValPoint& v : m_val) rows[v.step].val = &v;

    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Text)) return false;
    QTextStream out(&f);
    out << "step,epoch,train_loss,train_loss_min,train_loss_max,train_loss_smoothed,"
           "train_accuracy,train_accuracy_smoothed,validation_loss,validation_accuracy,steps\n";
    for (const auto& [step, r] : rows) {
        out << cell(step) << ',';
        if (r.val && r.val->epoch > 0) out << r.val->epoch;
        out << ',';
        if (r.loss) out << cell(r.loss->mean) << ',' << cell(r.loss->min) << ',' << cell(r.loss->max) << ','
                        << cell(r.smoothed);
        else out << ",,,";
        out << ',';
        if (r.acc) out << cell(r.acc->mean) << ',' << cell(r.acc_smoothed);
        else out << ',';
        out << ',';
        if (r.val) out << cell(r.val->loss);
        out << ',';
        if (r.val && r.val->accuracy >= 0) out << cell(r.val->accuracy);
        out << ',';
        out << (r.loss ? r.loss->count : r.acc ? r.acc->count : 0u) << '\n';
    }
    out.flush();
    return out.status() == QTextStream::Ok && f.commit();
}

}  // namespace gs::studio
