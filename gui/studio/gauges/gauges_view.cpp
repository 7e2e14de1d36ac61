// GaugesView (see gauges_view.h).
#include "gauges/gauges_view.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <cmath>

#include "bridge/gauges_bridge.h"
#include "plots/plot_style.h"
#include "plots/replot_throttle.h"

namespace gs::studio {

namespace {

QCustomPlot* make_plot(const Theme& theme, const QString& y, const QString& a, const QString& b) {
    auto* p = new QCustomPlot;
    p->setMinimumHeight(180);
    p->addGraph();
    p->addGraph();
    p->xAxis->setLabel(QObject::tr("step"));
    p->yAxis->setLabel(y);
    set_log_axis(*p->yAxis, true);
    apply_theme(*p, theme);
    p->graph(0)->setPen(QPen(theme.train, theme.line_width * 1.3));
    p->graph(0)->setName(a);
    p->graph(0)->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, theme.point_size));
    p->graph(1)->setPen(QPen(theme.validation, theme.line_width, Qt::DashLine));
    p->graph(1)->setName(b);
    p->legend->setVisible(true);
    return p;
}

// Fits both curves with room above and below (a log axis: by a factor),
// so a flat line is not drawn on the frame.
void fit(QCustomPlot& p) {
    p.rescaleAxes();
    const QCPRange r = p.yAxis->range();
    if (r.lower > 0) p.yAxis->setRange(r.lower / 1.8, r.upper * 1.8);
}

void fill(QCustomPlot& p, int graph, const Series& s) {
    QVector<double> x, y;
    for (const SeriesPoint& q : s.points())
        if (q.mean > 0 && std::isfinite(q.mean)) x.push_back(q.x), y.push_back(q.mean);  // a log axis: positive, finite
    p.graph(graph)->setData(x, y, true);
}

QLabel* wrapped(const QString& text, const char* name = nullptr) {
    auto* l = new QLabel(text);
    l->setWordWrap(true);
    if (name) l->setObjectName(QString::fromLatin1(name));
    return l;
}

}  // namespace

GaugesView::GaugesView(GaugesBridge& gauges, const Theme& theme, QWidget* parent)
    : QWidget(parent), m_gauges(gauges), m_theme(theme) {
    setObjectName(QStringLiteral("gaugesView"));
    auto* top = new QVBoxLayout(this);
    auto* controls = new QHBoxLayout;
    m_sharp_on = new QCheckBox(tr("Sharpness every"));
    m_sharp_every = new QSpinBox;
    m_noise_on = new QCheckBox(tr("Noise scale every"));
    m_noise_every = new QSpinBox;
    for (QSpinBox* b : {m_sharp_every, m_noise_every}) {
        b->setRange(1, 1000000);
        b->setSuffix(tr(" steps"));
    }
    m_sharp_every->setValue(50);
    m_noise_every->setValue(10);
    auto* find = new QPushButton(tr("Find learning rate..."));
    controls->addWidget(m_sharp_on);
    controls->addWidget(m_sharp_every);
    controls->addSpacing(16);
    controls->addWidget(m_noise_on);
    controls->addWidget(m_noise_every);
    controls->addStretch(1);
    controls->addWidget(find);
    top->addLayout(controls);

    top->addWidget(wrapped(QString::fromUtf8(sharpness_about())));
    m_sharp_plot = make_plot(m_theme, tr("sharpness"), tr("sharpness"), tr("2 / lr"));
    top->addWidget(m_sharp_plot, 1);
    m_sharp_verdict = wrapped(tr("Sharpness is off: turn it on above (it costs two gradient passes per "
                                 "power iteration, a handful of iterations per estimate)."),
                              "sharpnessVerdict");
    top->addWidget(m_sharp_verdict);

    top->addWidget(wrapped(QString::fromUtf8(noise_scale_about())));
    m_noise_plot = make_plot(m_theme, tr("batch size"), tr("noise scale B_simple"), tr("batch size"));
    m_sharp_replots = new ReplotThrottle(m_sharp_plot, kSlowReplotMs);
    m_noise_replots = new ReplotThrottle(m_noise_plot, kSlowReplotMs);
    top->addWidget(m_noise_plot, 1);
    m_noise_verdict = wrapped(tr("The noise scale is off: turn it on above (a few extra gradient "
                                 "passes per estimate)."),
                              "noiseVerdict");
    top->addWidget(m_noise_verdict);

    for (QCheckBox* c : {m_sharp_on, m_noise_on}) connect(c, &QCheckBox::toggled, this, &GaugesView::send);
    for (QSpinBox* b : {m_sharp_every, m_noise_every})
        connect(b, &QSpinBox::editingFinished, this, &GaugesView::send);
    connect(find, &QPushButton::clicked, this, &GaugesView::findLearningRate);
    connect(&m_gauges, &GaugesBridge::gaugesChanged, this, &GaugesView::sync_controls);
    connect(m_gauges.bridge(), &SessionBridge::telemetryUpdated, this, &GaugesView::refresh);
    connect(m_gauges.bridge(), &SessionBridge::sessionChanged, this, &GaugesView::refresh);
    sync_controls();
}

void GaugesView::send() {
    if (m_syncing) return;
    m_gauges.set_gauges(m_sharp_on->isChecked() ? m_sharp_every->value() : 0,
                        m_noise_on->isChecked() ? m_noise_every->value() : 0);
}

void GaugesView::set_intervals(long sharpness_every, long noise_every) {
    m_gauges.set_gauges(sharpness_every, noise_every);
}

void GaugesView::sync_controls() {
    m_syncing = true;
    m_sharp_on->setChecked(m_gauges.sharpness_every() > 0);
    m_noise_on->setChecked(m_gauges.noise_every() > 0);
    if (m_gauges.sharpness_every() > 0) m_sharp_every->setValue(static_cast<int>(m_gauges.sharpness_every()));
    if (m_gauges.noise_every() > 0) m_noise_every->setValue(static_cast<int>(m_gauges.noise_every()));
    m_syncing = false;
}

QString GaugesView::sharpness_text() const { return m_sharp_verdict->text(); }
QString GaugesView::noise_text() const { return m_noise_verdict->text(); }

void GaugesView::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    refresh();
}

void GaugesView::refresh() {
    if (!isVisible() && !testAttribute(Qt::WA_DontShowOnScreen)) return;  // cheap while hidden
    const TelemetryStore& s = m_gauges.bridge()->store();
    fill(*m_sharp_plot, 0, s.sharpness());
    fill(*m_sharp_plot, 1, s.sharpness_edge());
    fit(*m_sharp_plot);
    m_sharp_replots->request();
    fill(*m_noise_plot, 0, s.noise_scale());
    const NoiseScaleRecord& n = s.last_noise_scale();
    QVector<double> bx, by;
    const auto pts = s.noise_scale().points();
    if (!pts.empty() && n.batch > 0) {
        bx = {pts.front().x, pts.back().x};
        by = {static_cast<double>(n.batch), static_cast<double>(n.batch)};
    }
    m_noise_plot->graph(1)->setData(bx, by, true);
    fit(*m_noise_plot);
    m_noise_replots->request();
    const SharpnessRecord& h = s.last_sharpness();
    if (h.iterations > 0)
        m_sharp_verdict->setText(QString::fromStdString(sharpness_verdict(h.sharpness, h.lr)) +
                                 tr(" — cost: %1% of the training time").arg(100.0 * h.cost_share, 0, 'f', 1));
    if (n.batch > 0)
        m_noise_verdict->setText(QString::fromStdString(noise_scale_verdict(n.b_simple, n.batch)) +
                                 tr(" — cost: %1% of the training time").arg(100.0 * n.cost_share, 0, 'f', 1));
}

}  // namespace gs::studio
