// The canvas's feature maps beyond what fits: "+N more" opens every map of
// the layer, a click on a map shows it large with its value range, and the
// dialog follows new snapshots.
#include <QDir>
#include <QSignalSpy>
#include <QTest>

#include "canvas/feature_map_dialog.h"
#include "canvas/network_canvas.h"
#include "canvas_support.h"
#include "gradscope/presets.h"
#include "gradscope/session.h"

using namespace gs;
using namespace gs::studio;
using namespace gs::studio::testing;

namespace {

// A snapshot after `steps` more steps, without the confusion pass.
std::shared_ptr<const Snapshot> trained_snapshot(Session& s, long steps) {
    SnapshotRequest q;
    q.confusion = false;
    return train_and_snapshot(s, steps, q);
}

}  // namespace

class TestFeatureMaps : public QObject {
    Q_OBJECT
private slots:
    void more_opens_every_map_and_a_map_enlarges() {
        if (!QDir(QStringLiteral("/usr/share/datasets/fashion-mnist")).exists())
            QSKIP("Fashion-MNIST is not installed (/usr/share/datasets/fashion-mnist)");
        ModelSpec spec = load_preset("cnn-fashion");
        spec.data.limit = 256;
        spec.data.test_limit = 128;
        PreparedData data = prepare_data(spec);
        Session s(spec, data, cpu_backend());
        auto snap = trained_snapshot(s, 1);
        QVERIFY(snap);
        NetworkCanvas c;
        c.resize(1280, 420);
        c.set_model(spec);
        c.set_data(make_data_view(data));
        c.update_snapshot(snap);
        c.show();
        QVERIFY(QTest::qWaitForWindowExposed(&c));
        QVERIFY(!c.feature_map_dialog());
        // "+N more" under Conv 32: every one of the 32 maps, none large yet.
        QSignalSpy selected(&c, &NetworkCanvas::layerSelected);
        const QRect more = c.more_rect(0);
        QVERIFY(!more.isEmpty());
        QTest::mouseClick(&c, Qt::LeftButton, {}, more.center());
        FeatureMapDialog* d = c.feature_map_dialog();
        QVERIFY(d);
        QVERIFY(d->isVisible());
        QCOMPARE(d->layer(), 0);
        QCOMPARE(d->maps_shown(), 32);
        QCOMPARE(d->selected_channel(), -1);
        QCOMPARE(selected.count(), 0);  // "+N more" opens the maps, it does not select
        // Map 21 (channel 20), beyond the 16 the canvas has room for: large, with its range.
        d->resize(900, 560);
        const QRectF r = d->map_rect(20);
        QVERIFY(!r.isEmpty());
        QTest::mouseClick(d, Qt::LeftButton, {}, r.center().toPoint());
        QCOMPARE(d->selected_channel(), 20);
        QVERIFY2(d->range_text().startsWith(QStringLiteral("Map 21 of 32 · 26×26 · values ")), qPrintable(d->range_text()));
        const QImage shot = d->grab().toImage();
        QVERIFY(!shot.isNull());
        if (const QByteArray dir = qgetenv("GS_CANVAS_SHOTS"); !dir.isEmpty())
            shot.save(QString::fromUtf8(dir) + QStringLiteral("/feature-map-dialog.png"));
        // A new snapshot refreshes the open dialog; the choice stays.
        auto next = trained_snapshot(s, 2);
        QVERIFY(next);
        c.update_snapshot(next);
        QCOMPARE(d->maps_shown(), 32);
        QCOMPARE(d->selected_channel(), 20);
        // Conv 64 (layer 3): its own "+N more".
        QTest::mouseClick(&c, Qt::LeftButton, {}, c.more_rect(3).center());
        QCOMPARE(d->layer(), 3);
        QCOMPARE(d->maps_shown(), 64);
        QVERIFY(d->range_text().isEmpty());
    }
};

QTEST_MAIN(TestFeatureMaps)
#include "test_feature_maps.moc"
