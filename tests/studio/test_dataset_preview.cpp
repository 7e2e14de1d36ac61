// The dataset preview on real data: Fashion-MNIST's grid (tooltips with
// class names, a click picks the probe), the spiral's scatter plot.
#include <QDir>
#include <QSignalSpy>
#include <QTest>
#include <cmath>
#include <set>

#include "canvas/dataset_preview.h"
#include "gradscope/data_pipeline.h"
#include "gradscope/presets.h"

using namespace gs;
using namespace gs::studio;

namespace {

// Pixels where colour c covers at least half of background bg: the strokes
// of text drawn in c, antialiased.
int ink(const QImage& img, const QColor& c, const QColor& bg) {
    const int dc[3] = {c.red() - bg.red(), c.green() - bg.green(), c.blue() - bg.blue()};
    const int k = std::abs(dc[0]) >= std::abs(dc[1]) && std::abs(dc[0]) >= std::abs(dc[2]) ? 0
                  : std::abs(dc[1]) >= std::abs(dc[2])                                      ? 1
                                                                                            : 2;
    int n = 0;
    for (int y = 0; y < img.height(); ++y)
        for (int x = 0; x < img.width(); ++x) {
            const QRgb px = img.pixel(x, y);
            const int d[3] = {qRed(px) - bg.red(), qGreen(px) - bg.green(), qBlue(px) - bg.blue()};
            const double a = static_cast<double>(d[k]) / dc[k];
            bool on = a >= 0.5 && a <= 1.05;
            for (int i = 0; i < 3 && on; ++i) on = std::abs(d[i] - a * dc[i]) <= 10;
            n += on;
        }
    return n;
}

}  // namespace

class TestDatasetPreview : public QObject {
    Q_OBJECT

private slots:
    void empty_says_so() {
        DatasetPreview p;
        QVERIFY(!p.shows_images());
        QVERIFY(!p.shows_scatter());
        // "No data loaded." in the muted colour, on the background.
        const QImage img = p.render_image(QSize(300, 200));
        QCOMPARE(img.size(), QSize(300, 200));
        QVERIFY(ink(img, Theme::standard().muted, Theme::standard().background) > 30);
        QCOMPARE(ink(img, Theme::standard().error, Theme::standard().background), 0);
    }

    void fashion_grid_and_click_to_probe() {
        if (!QDir(QStringLiteral("/usr/share/datasets/fashion-mnist")).exists())
            QSKIP("Fashion-MNIST is not installed (/usr/share/datasets/fashion-mnist)");
        ModelSpec spec = load_preset("cnn-fashion");
        spec.data.limit = 512;
        spec.data.test_limit = 200;
        const PreparedData data = prepare_data(spec);
        DatasetPreview p;
        p.resize(640, 520);
        p.set_data(make_data_view(data));
        QVERIFY(p.shows_images());
        QVERIFY(!p.shows_scatter());
        QCOMPARE(p.images_shown(), 64);
        // Tooltips name the class of the item (from the test split, where probes come from).
        float x[784], y[1];
        const uint32_t idx = 2;
        data.test->gather(&idx, 1, x, y);
        const QString name = QString::fromStdString(data.test->class_names()[static_cast<size_t>(y[0])]);
        QVERIFY2(p.item_tooltip(2).contains(name), qPrintable(p.item_tooltip(2)));
        QVERIFY(p.item_tooltip(2).startsWith(QStringLiteral("test item 2")));
        // Items are laid out left to right without overlapping.
        QVERIFY(p.item_rect(0).right() < p.item_rect(1).left());
        QVERIFY(!p.item_rect(0).intersects(p.item_rect(63)));
        // The third image, clicked, becomes the probe and is outlined.
        p.show();
        QSignalSpy spy(&p, &DatasetPreview::probeChosen);
        const QImage before = p.render_image(p.size());
        QTest::mouseClick(&p, Qt::LeftButton, {}, p.item_rect(2).center());
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy[0][0].toInt(), 2);
        QCOMPARE(p.selected_item(), 2);
        const QImage after = p.render_image(p.size());
        QVERIFY(before != after);
        // A click between images picks nothing.
        QTest::mouseClick(&p, Qt::LeftButton, {}, QPoint(2, 2));
        QCOMPARE(spy.count(), 1);
        // Different images look different (each rescaled for display).
        const QImage img = p.render_image(p.size());
        const QRect a = p.item_rect(0), b = p.item_rect(1);
        QVERIFY(img.copy(a.adjusted(0, 0, 0, -6)) != img.copy(b.adjusted(0, 0, 0, -6)));
        const QString path = QDir::temp().filePath(QStringLiteral("gs_test_preview.png"));
        QVERIFY(p.save_png(path));
        QCOMPARE(QImage(path).size(), QSize(640, 520));
        QFile::remove(path);
    }

    void spiral_scatter() {
        ModelSpec spec = load_preset("spiral-tanh");
        const PreparedData data = prepare_data(spec);
        DatasetPreview p;
        p.resize(420, 460);
        p.set_data(make_data_view(data));
        QVERIFY(!p.shows_images());
        QVERIFY(p.shows_scatter());
        QCOMPARE(p.points_shown(), 500);  // 250 training + 250 test points
        QVERIFY(p.item_rect(0).isEmpty());
        // Both classes' colours appear.
        const QImage img = p.render_image(p.size());
        const Theme t = Theme::standard();
        std::set<QRgb> colours;
        for (int y = 0; y < img.height(); ++y)
            for (int x = 0; x < img.width(); ++x) colours.insert(img.pixel(x, y) & 0xffffff);
        QVERIFY(colours.count(t.negative.rgb() & 0xffffff));
        QVERIFY(colours.count(t.positive.rgb() & 0xffffff));
        // Clicks on a scatter plot pick no probe.
        p.show();
        QSignalSpy spy(&p, &DatasetPreview::probeChosen);
        QTest::mouseClick(&p, Qt::LeftButton, {}, QPoint(210, 230));
        QCOMPARE(spy.count(), 0);
    }
};

QTEST_MAIN(TestDatasetPreview)
#include "test_dataset_preview.moc"
