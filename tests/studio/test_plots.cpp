// TrainingPlot on real training: a gs::Session on the spiral-tanh preset
// (and linear-regression for a model without accuracy) drained into a
// TelemetryStore and fed to the widget. Point counts, smoothing against the
// formula, log scale, markers for hyperparameter changes and breakpoints,
// validation per epoch, hover read-out, pan / zoom / follow, PNG and CSV.
// Set GS_PLOT_SHOTS=DIR to keep the rendered PNGs for looking at.
#include <qcustomplot.h>

#include <QFile>
#include <QImage>
#include <QSignalSpy>
#include <QSlider>
#include <QTemporaryDir>
#include <QTextStream>
#include <QtTest>
#include <cmath>
#include <memory>

#include "gradscope/presets.h"
#include "gradscope/session.h"
#include "plots/training_plot.h"
#include "plot_support.h"

using gs::studio::TrainingPlot;

namespace {

std::unique_ptr<gs::Session> make_session(const std::string& preset) {
    gs::ModelSpec s = gs::load_preset(preset);
    return std::make_unique<gs::Session>(s, gs::prepare_data(s), gs::cpu_backend());
}

// Runs n steps and drains everything into the store.
void step(gs::Session& s, gs::TelemetryStore& store, long n) {
    QVERIFY(s.step(n));
    QVERIFY(s.wait_until_settled(60));
    s.drain(store);
}

// TensorBoard's smoothing, written out again: the last smoothed value.
double smoothed_last(const std::vector<gs::SeriesPoint>& pts, double w) {
    double last = 0, debias = 0;
    for (const gs::SeriesPoint& p : pts) {
        last = last * w + (1 - w) * p.mean;
        debias = debias * w + (1 - w);
    }
    return last / debias;
}

QString shot_dir() { return qEnvironmentVariable("GS_PLOT_SHOTS"); }

// True when the image has more than a handful of distinct colours (not blank).
bool has_content(const QImage& img) {
    QSet<QRgb> colours;
    for (int y = 0; y < img.height(); y += 3)
        for (int x = 0; x < img.width(); x += 3) colours.insert(img.pixel(x, y));
    return colours.size() > 20;
}

// The least difference, channel by channel, between colour c and the
// pixels within `reach` of (x, y): 0 where c itself is drawn there.
int nearest_colour(const QImage& img, int x, int y, const QColor& c, int reach) {
    int best = 255;
    for (int j = std::max(0, y - reach); j <= std::min(img.height() - 1, y + reach); ++j)
        for (int i = std::max(0, x - reach); i <= std::min(img.width() - 1, x + reach); ++i) {
            const QRgb p = img.pixel(i, j);
            best = std::min(best, std::max({std::abs(qRed(p) - c.red()), std::abs(qGreen(p) - c.green()),
                                            std::abs(qBlue(p) - c.blue())}));
        }
    return best;
}

// Where graph g's line passes through `key` in the picture of the whole
// widget: on its point there, or on the straight segment between the
// points either side.
QPoint drawn_at(const TrainingPlot& p, QCPGraph* g, double key, const QImage& img) {
    auto b = g->data()->findBegin(key, false);  // the first point at or after key
    if (b == g->data()->constEnd()) --b;
    auto a = b == g->data()->constBegin() || b->key <= key ? b : b - 1;
    const QPoint origin = p.plot()->mapTo(&p, QPoint(0, 0));
    const double dpr = img.devicePixelRatio();
    auto px = [&](const QCPGraphData& d) {
        return QPointF(g->keyAxis()->coordToPixel(d.key), g->valueAxis()->coordToPixel(d.value));
    };
    const double t = b->key > a->key ? (key - a->key) / (b->key - a->key) : 0;
    const QPointF at = px(*a) + t * (px(*b) - px(*a));
    return QPoint(static_cast<int>(std::lround((at.x() + origin.x()) * dpr)),
                  static_cast<int>(std::lround((at.y() + origin.y()) * dpr)));
}

// Checks that graph g is drawn in colour c through `keys`: within 2 pixels
// of where its line passes, a pixel of that colour (antialiased: within 60
// levels; the faint raw line and band under it are 100 or more away).
void expect_curve_drawn(const TrainingPlot& p, QCPGraph* g, const QImage& img, const QColor& c,
                        std::initializer_list<double> keys, const char* what) {
    QVERIFY2(g->dataCount() > 0, what);
    for (double key : keys) {
        const QPoint at = drawn_at(p, g, key, img);
        QVERIFY2(g->keyAxis()->axisRect()->rect().translated(p.plot()->mapTo(&p, QPoint(0, 0))).contains(at), what);
        const int d = nearest_colour(img, at.x(), at.y(), c, 2);
        QVERIFY2(d <= 60, qPrintable(QStringLiteral("%1 at step %2: nearest colour off by %3").arg(what).arg(key).arg(d)));
    }
}

// How many rows of the loss plot have colour c (within 40) in the column of
// `step`, give or take a pixel: a vertical marker there covers most of them.
double column_share(const TrainingPlot& p, const QImage& img, double step, const QColor& c) {
    QCPAxisRect* r = p.plot()->axisRect(0);
    const QPoint origin = p.plot()->mapTo(&p, QPoint(0, 0));
    const int x = static_cast<int>(std::lround(r->axis(QCPAxis::atBottom)->coordToPixel(step))) + origin.x();
    int hit = 0, rows = 0;
    for (int y = r->top() + origin.y() + 2; y < r->bottom() + origin.y() - 2; ++y, ++rows)
        hit += nearest_colour(img, x, y, c, 1) <= 40;
    return rows ? static_cast<double>(hit) / rows : 0;
}

}  // namespace

class TestPlots : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        m_session = make_session("spiral-tanh");  // 250 training items, batch 10: 25 steps an epoch
        step(*m_session, m_store, 200);
        QCOMPARE(m_store.loss().total_added(), size_t(200));
    }

    void drawsEveryTrainingStepAndEpoch() {
        TrainingPlot p;
        p.update_from(m_store);
        QCOMPARE(p.train_point_count(), 200);
        QCOMPARE(p.smoothed_point_count(), 200);
        QCOMPARE(p.accuracy_point_count(), 200);
        QVERIFY(p.accuracy_visible());
        // 200 steps of 25: 8 epochs, each validated on the test split.
        QCOMPARE(m_store.epochs().size(), size_t(8));
        QCOMPARE(p.validation_point_count(), 8);
        QCOMPARE(p.validation_accuracy_point_count(), 8);
        QCOMPARE(p.marker_count(), 0);  // state changes are not markers
    }

    void smoothingFollowsTheFormula() {
        TrainingPlot p;
        p.update_from(m_store);
        const auto pts = m_store.loss().points();
        p.set_smoothing(0);
        QCOMPARE(p.last_smoothed_loss(), static_cast<double>(pts.back().mean));
        p.set_smoothing(0.9);
        QCOMPARE(p.smoothing(), 0.9);
        QVERIFY(std::abs(p.last_smoothed_loss() - smoothed_last(pts, 0.9)) < 1e-9);
        const double s9 = p.last_smoothed_loss();
        p.set_smoothing(0.99);
        QVERIFY(std::abs(p.last_smoothed_loss() - smoothed_last(pts, 0.99)) < 1e-9);
        // Heavier smoothing remembers the higher early loss.
        QVERIFY(p.last_smoothed_loss() > s9);
        // The slider is the same setting.
        auto* slider = p.findChild<QSlider*>();
        QVERIFY(slider);
        slider->setValue(500);
        QCOMPARE(p.smoothing(), 0.5);
        QVERIFY(std::abs(p.last_smoothed_loss() - smoothed_last(pts, 0.5)) < 1e-9);
        p.set_smoothing(5);  // clamped
        QCOMPARE(p.smoothing(), 0.999);
        // Accuracy is smoothed the same way.
        QVERIFY(std::abs(p.last_smoothed_accuracy() - smoothed_last(m_store.accuracy().points(), 0.999)) < 1e-9);
    }

    void logScaleTogglesTheLossAxis() {
        TrainingPlot p;
        p.update_from(m_store);
        QVERIFY(!p.loss_axis_is_log());
        QSignalSpy spy(&p, &TrainingPlot::logScaleChanged);
        p.set_log_scale(true);
        QVERIFY(p.log_scale());
        QVERIFY(p.loss_axis_is_log());
        QCOMPARE(p.plot()->axisRect(0)->axis(QCPAxis::atLeft)->scaleType(), QCPAxis::stLogarithmic);
        QVERIFY(p.plot()->axisRect(0)->axis(QCPAxis::atLeft)->range().lower > 0);
        auto* box = p.findChild<QCheckBox*>();  // the first check box is the log scale
        QVERIFY(box && box->isChecked());
        box->setChecked(false);
        QVERIFY(!p.loss_axis_is_log());
        QCOMPARE(spy.count(), 2);
    }

    void eventsBecomeMarkersAndEpochsValidation() {
        auto s = make_session("spiral-tanh");
        gs::TelemetryStore store;
        step(*s, store, 30);  // one epoch done (25 steps), 5 into the next
        TrainingPlot p;
        p.update_from(store);
        QCOMPARE(p.validation_point_count(), 1);
        QCOMPARE(p.marker_count(), 0);
        QVERIFY(s->set_hyperparameter("lr", 0.01));
        step(*s, store, 5);
        p.update_from(store);
        QCOMPARE(p.marker_labels(), QStringList{"learning rate 0.01"});
        QCOMPARE(p.marker_count(), 1);
        // Step to the end of the epoch: a second validation point, at step 50.
        QVERIFY(s->step_epoch());
        QVERIFY(s->wait_until_settled(60));
        s->drain(store);
        p.update_from(store);
        QCOMPARE(p.validation_point_count(), 2);
        QCOMPARE(p.plot()->graph(4)->data()->at(1)->key, 50.0);
        QCOMPARE(p.plot()->graph(4)->data()->at(1)->value, static_cast<double>(store.epochs().back().val_loss));
        // A breakpoint that hits: a second marker.
        QVERIFY(s->set_breakpoint("loss_above", 0.0));
        step(*s, store, 3);
        p.update_from(store);
        QCOMPARE(p.marker_count(), 2);
        QCOMPARE(p.marker_labels().last(), QStringLiteral("break"));
        QCOMPARE(p.train_point_count(), 51);  // the breakpoint paused after one step
    }

    // Markers in the words the screen uses, never the engine's ids; speed
    // changes are no markers (they change nothing about learning).
    void markersSayWhatChangedInWords() {
        gs::TelemetryStore store;
        auto hyper = [&](long step, const char* name, double v, const char* text) {
            store.add(gs::EventRecord{step, "hyperparameter", name, v, text});
        };
        hyper(10, "steps_per_second", 1000, "steps_per_second set to 1000.000000");
        hyper(20, "steps_per_second", 0, "steps_per_second set to 0.000000");
        hyper(30, "lr", 0.05, "lr set to 0.050000");
        hyper(40, "batch_size", 32, "batch_size set to 32.000000");
        hyper(45, "weight_decay", 1e-4, "weight_decay set to 0.000100");
        hyper(50, "optimizer", 0, "optimizer set to adam");
        store.add(gs::EventRecord{60, "reached-end", "", 4000, "reached the spec's 4000 epochs; training goes on until paused"});
        TrainingPlot p;
        p.update_from(store);
        QCOMPARE(p.marker_labels(), (QStringList{"learning rate 0.05", "batch size 32", "weight decay 1e-4",
                                                  "optimizer adam", "end of the spec's epochs"}));
        QCOMPARE(p.marker_texts().first(), QStringLiteral("learning rate changed to 0.05"));
        for (const QString& t : p.marker_labels() + p.marker_texts()) {
            QVERIFY2(!t.contains(QLatin1Char('_')) && !t.contains(QLatin1Char('=')) && !t.contains(QStringLiteral("e+")),
                     qPrintable(t));
        }
    }

    // The hover read-out stays inside the plot wherever the cursor is, even
    // when its lines are long (decimated history) and the plot narrow.
    void readoutStaysInsideANarrowPlot() {
        auto s = make_session("spiral-tanh");
        gs::TelemetryStore store;
        step(*s, store, 20000);
        TrainingPlot p;
        p.resize(420, 260);
        p.show();
        QVERIFY(QTest::qWaitForWindowExposed(&p));
        p.update_from(store);
        QCoreApplication::processEvents();
        p.plot()->replot(QCustomPlot::rpImmediateRefresh);
        QCPAxis* x = p.loss_rect()->axis(QCPAxis::atBottom);
        for (int px : {40, 150, 210, 300, 400}) {
            p.show_readout_at(x->pixelToCoord(px), 80);
            const QRect r = p.readout_rect();
            QVERIFY(!r.isEmpty());
            QVERIFY2(r.left() >= 0 && r.right() <= p.plot()->width() && r.top() >= 0 &&
                         r.bottom() <= p.plot()->height(),
                     qPrintable(QStringLiteral("at x %1: box %2,%3 %4x%5 in %6x%7")
                                    .arg(px).arg(r.left()).arg(r.top()).arg(r.width()).arg(r.height())
                                    .arg(p.plot()->width()).arg(p.plot()->height())));
        }
    }

    // Compact (a strip at the projector): no controls or legend, loss and
    // accuracy side by side at the strip's full height; and back.
    void compactPutsLossAndAccuracySideBySide() {
        TrainingPlot p;
        p.resize(1200, 200);
        p.show();
        QVERIFY(QTest::qWaitForWindowExposed(&p));
        p.update_from(m_store);
        p.set_compact(true);
        QCoreApplication::processEvents();
        p.plot()->replot(QCustomPlot::rpImmediateRefresh);
        QVERIFY(p.compact());
        QVERIFY(!p.findChild<QSlider*>()->isVisible());
        const QRect loss = p.loss_rect()->outerRect(), acc = p.accuracy_rect()->outerRect();
        QVERIFY2(loss.right() < acc.left(), "side by side");
        QCOMPARE(loss.top(), acc.top());
        QVERIFY2(p.loss_rect()->height() >= 0.55 * p.plot()->height(), qPrintable(QString::number(p.loss_rect()->height())));
        p.set_compact(false);
        QCoreApplication::processEvents();
        p.plot()->replot(QCustomPlot::rpImmediateRefresh);
        QVERIFY(p.findChild<QSlider*>()->isVisible());
        QVERIFY(p.loss_rect()->outerRect().bottom() <= p.accuracy_rect()->outerRect().top());
    }

    void updateIsFreeWhenNothingChanged() {
        TrainingPlot p;
        p.resize(600, 400);
        p.show();
        int replots = 0;
        connect(p.plot(), &QCustomPlot::afterReplot, this, [&] { ++replots; });
        p.update_from(m_store);
        QCoreApplication::processEvents();
        QTRY_VERIFY(replots >= 1);
        const int after_first = replots;
        for (int i = 0; i < 20; ++i) p.update_from(m_store);
        QCoreApplication::processEvents();
        QTest::qWait(20);
        QCOMPARE(replots, after_first);
        // A burst of changes still costs one (queued) replot.
        p.set_smoothing(0.1);
        p.set_smoothing(0.2);
        p.set_smoothing(0.3);
        QCoreApplication::processEvents();
        QTRY_COMPARE(replots, after_first + 1);
    }

    void hoverReadsOutTheCurves() {
        TrainingPlot p;
        QVERIFY(gs::studio::testing::show_plot_of(p, m_store));
        QCPAxisRect* loss = p.plot()->axisRect(0);
        const int x = static_cast<int>(std::lround(loss->axis(QCPAxis::atBottom)->coordToPixel(100)));
        QTest::mouseMove(p.plot(), QPoint(x, loss->center().y()));
        QTRY_VERIFY(p.readout().contains(QStringLiteral("step 100")));
        const auto pts = m_store.loss().points();
        QVERIFY(p.readout().contains(QStringLiteral("train loss ")));
        QVERIFY(p.readout().contains(QStringLiteral("train accuracy ")));
        QVERIFY(p.readout().contains(QStringLiteral("validation loss ")));
        QVERIFY(p.readout().contains(QStringLiteral("(epoch 4, step 100)")));  // 4 epochs of 25
        p.hide_readout();
        QVERIFY(p.readout().isEmpty());
    }

    void panZoomAndFollow() {
        auto s = make_session("spiral-tanh");
        gs::TelemetryStore store;
        step(*s, store, 40);
        TrainingPlot p;
        p.resize(800, 500);
        p.show();
        QVERIFY(QTest::qWaitForWindowExposed(&p));
        p.update_from(store);
        p.plot()->replot(QCustomPlot::rpImmediateRefresh);
        QCPAxis* x = p.plot()->axisRect(0)->axis(QCPAxis::atBottom);
        QCOMPARE(x->range().upper, 40.0);  // following the data
        QVERIFY(p.auto_range());
        // The wheel zooms and stops the following.
        const QPointF at = p.plot()->axisRect(0)->center();
        QWheelEvent wheel(at, p.plot()->mapToGlobal(at), QPoint(), QPoint(0, 120), Qt::NoButton, Qt::NoModifier,
                          Qt::NoScrollPhase, false);
        QApplication::sendEvent(p.plot(), &wheel);
        QVERIFY(!p.auto_range());
        const QCPRange zoomed = x->range();
        QVERIFY(zoomed.size() < 39.5);
        step(*s, store, 20);
        p.update_from(store);
        QCOMPARE(x->range(), zoomed);  // held while the user looks
        // The accuracy plot shares the step axis.
        QCOMPARE(p.plot()->axisRect(1)->axis(QCPAxis::atBottom)->range(), zoomed);
        QTest::mouseDClick(p.plot(), Qt::LeftButton, {}, at.toPoint());
        QVERIFY(p.auto_range());
        QCOMPARE(x->range().upper, 60.0);
        step(*s, store, 5);
        p.update_from(store);
        QCOMPARE(x->range().upper, 65.0);
    }

    void savesPngAndCsv() {
        QTemporaryDir dir;
        TrainingPlot p;
        p.update_from(m_store);
        const QString png = dir.filePath("loss.png");
        QVERIFY(p.save_png(png, 640, 400));
        QImage img(png);
        QCOMPARE(img.size(), QSize(640, 400));
        QVERIFY(has_content(img));
        QVERIFY(!p.save_png(dir.filePath("no/such/dir/x.png"), 100, 100));

        const QString csv = dir.filePath("loss.csv");
        QVERIFY(p.save_csv(csv));
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly | QIODevice::Text));
        QStringList lines = QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.first(), QStringLiteral("step,epoch,train_loss,train_loss_min,train_loss_max,train_loss_smoothed,"
                                               "train_accuracy,train_accuracy_smoothed,validation_loss,validation_accuracy,steps"));
        QCOMPARE(lines.size(), 201);  // header and one row a step
        const auto loss = m_store.loss().points();
        const auto acc = m_store.accuracy().points();
        // Step 25 ended epoch 1: every column filled.
        const QStringList r = lines[25].split(',');
        QCOMPARE(r.size(), 11);
        QCOMPARE(r[0], QStringLiteral("25"));
        QCOMPARE(r[1], QStringLiteral("1"));
        QCOMPARE(r[2].toFloat(), loss[24].mean);
        QCOMPARE(r[6].toFloat(), acc[24].mean);
        QCOMPARE(r[8].toFloat(), m_store.epochs()[0].val_loss);
        QCOMPARE(r[9].toFloat(), m_store.epochs()[0].val_accuracy);
        QCOMPARE(r[10], QStringLiteral("1"));
        // Step 7: training only.
        const QStringList r7 = lines[7].split(',');
        QCOMPARE(r7[0], QStringLiteral("7"));
        QVERIFY(r7[1].isEmpty() && r7[8].isEmpty() && r7[9].isEmpty());
        QCOMPARE(r7[3], r7[2]);  // min = max = the value at full resolution
        QVERIFY(!p.save_csv(dir.filePath("no/such/dir/x.csv")));
    }

    void regressionHasNoAccuracy() {
        auto s = make_session("linear-regression");
        gs::TelemetryStore store;
        step(*s, store, 12);
        TrainingPlot p;
        p.update_from(store);
        QCOMPARE(p.train_point_count(), 12);
        QCOMPARE(p.accuracy_point_count(), 0);
        QVERIFY(!p.accuracy_visible());
        QCOMPARE(p.plot()->axisRectCount(), 1);
        auto labels = p.findChildren<QLabel*>();
        QVERIFY(std::any_of(labels.begin(), labels.end(),
                            [](QLabel* l) { return l->text() == QStringLiteral("no accuracy for regression"); }));
        // Cleared, it shows both plots again, empty.
        p.clear();
        QVERIFY(p.accuracy_visible());
        QCOMPARE(p.train_point_count(), 0);
        QCOMPARE(p.plot()->axisRectCount(), 2);
    }

    void startsOverWhenTheStoreDoes() {
        TrainingPlot p;
        p.update_from(m_store);
        gs::TelemetryStore fresh;
        auto s = make_session("spiral-tanh");
        step(*s, fresh, 10);
        p.update_from(fresh);
        QCOMPARE(p.train_point_count(), 10);
        QCOMPARE(p.validation_point_count(), 0);
    }

    // What the picture shows: the smoothed loss and accuracy in the train
    // colour through their points, validation in its colour, the dashed
    // marker of the learning-rate change at step 700 and the read-out of
    // step 1100; for regression, one plot with a log loss axis and the note
    // that there is no accuracy.
    void rendersInBothThemes() {
        // A longer run with a learning-rate change, as a user sees it.
        auto s = make_session("spiral-tanh");
        gs::TelemetryStore store;
        step(*s, store, 700);
        QVERIFY(s->set_hyperparameter("lr", 0.3));
        step(*s, store, 800);
        for (const gs::studio::Theme& theme : {gs::studio::Theme::standard(), gs::studio::Theme::presentation_theme()}) {
            TrainingPlot p;
            p.set_theme(theme);
            p.resize(theme.presentation ? 1200 : 900, theme.presentation ? 640 : 420);
            p.show();
            QVERIFY(QTest::qWaitForWindowExposed(&p));
            p.update_from(store);
            QCoreApplication::processEvents();
            p.plot()->replot(QCustomPlot::rpImmediateRefresh);
            p.show_readout_at(1100, theme.presentation ? 330 : 230);
            const QImage img = p.grab().toImage();
            QCOMPARE(img.size(), p.size() * img.devicePixelRatio());
            QVERIFY(has_content(img));
            QCOMPARE(p.plot()->axisRectCount(), 2);
            QCOMPARE(p.marker_labels(), QStringList{"learning rate 0.3"});
            QVERIFY(p.readout().startsWith(QStringLiteral("step 1100\ntrain loss ")));
            const QString what = theme.name();
            // Graphs: 3 smoothed loss, 4 validation loss, 8 smoothed accuracy;
            // the read-out box covers the accuracy from step 300 to 1100.
            expect_curve_drawn(p, p.plot()->graph(3), img, theme.train, {100, 300, 500, 900}, qPrintable(what + " loss"));
            expect_curve_drawn(p, p.plot()->graph(8), img, theme.train, {100, 200, 1200, 1400},
                               qPrintable(what + " accuracy"));
            expect_curve_drawn(p, p.plot()->graph(4), img, theme.validation, {140, 510, 1010},
                               qPrintable(what + " validation"));
            // The marker: a dashed line down the loss plot at step 700, nowhere else.
            const double marker = column_share(p, img, 700, theme.marker);
            QVERIFY2(marker > 0.3, qPrintable(QStringLiteral("%1: marker colour on %2 of the rows").arg(what).arg(marker)));
            QVERIFY(column_share(p, img, 400, theme.marker) < 0.05);
            if (!shot_dir().isEmpty()) img.save(shot_dir() + "/plots-training-" + theme.name() + ".png");
        }
        auto r = make_session("linear-regression");
        gs::TelemetryStore rs;
        step(*r, rs, 60);
        TrainingPlot p;
        p.resize(900, 300);
        p.show();
        QVERIFY(QTest::qWaitForWindowExposed(&p));
        p.set_log_scale(true);
        p.update_from(rs);
        QCoreApplication::processEvents();  // the controls' layout
        p.plot()->replot(QCustomPlot::rpImmediateRefresh);
        const QImage img = p.grab().toImage();
        QVERIFY(p.loss_axis_is_log());
        QCOMPARE(p.plot()->axisRectCount(), 1);
        QVERIFY(!p.accuracy_visible());
        // On the log axis the loss falls by decades: its line is drawn through its points.
        const auto pts = rs.loss().points();
        QVERIFY(pts.front().mean > 10 * pts.back().mean);
        expect_curve_drawn(p, p.plot()->graph(3), img, p.theme().train, {5, 15, 25, 35}, "regression loss");
        QLabel* note = nullptr;
        for (QLabel* l : p.findChildren<QLabel*>())
            if (l->text() == QStringLiteral("no accuracy for regression")) note = l;
        QVERIFY(note && note->isVisible());
        if (!shot_dir().isEmpty()) img.save(shot_dir() + "/plots-training-regression.png");
    }

private:
    std::unique_ptr<gs::Session> m_session;
    gs::TelemetryStore m_store;
};

QTEST_MAIN(TestPlots)
#include "test_plots.moc"
