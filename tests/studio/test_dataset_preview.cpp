// The dataset preview on real data: Fashion-MNIST's grid (tooltips with
// class names, a click picks the probe, any item by number, page by page),
// the spiral's scatter plot; the Data panel: the class order, the wheel,
// a narrow dock.
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QScrollArea>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <QWheelEvent>
#include <cmath>
#include <set>

#include "canvas/dataset_preview.h"
#include "data/dataset_panel.h"
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

// A DatasetPanel in a scroll area set up as the main window's docks are.
struct Dock {
    QScrollArea area;
    DatasetPanel* panel = new DatasetPanel;
    explicit Dock(int width) {
        area.setWidgetResizable(true);
        area.setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
        area.setWidget(panel);
        area.resize(width, 700);
        area.show();
    }
};

bool have_fashion() { return QDir(QStringLiteral("/usr/share/datasets/fashion-mnist")).exists(); }

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

    void panel_lists_the_class_order();
    void panel_fields_take_the_wheel_only_when_focused();
    void panel_fits_a_narrow_dock();
    void panel_probes_any_item();

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

    // One feature: the points are the feature against the target.
    void line_scatter() {
        ModelSpec spec = load_preset("linear-regression");
        const PreparedData data = prepare_data(spec);
        const DataView v = make_data_view(data);
        QVERIFY(v.one_d && !v.two_d);
        QCOMPARE(v.points.size(), data.train->size() + data.test->size());
        for (const gs::studio::DataPoint& pt : v.points) QCOMPARE(pt.y, pt.target);
        DatasetPreview p;
        p.resize(420, 460);
        p.set_data(v);
        QVERIFY(p.shows_scatter());
        QCOMPARE(p.points_shown(), 200);
    }
};

// A CSV whose labels appear as cat, ant, bee: the model numbers them
// sorted, and the panel says so.
void TestDatasetPreview::panel_lists_the_class_order() {
    QTemporaryDir dir;
    QFile f(dir.filePath("three.csv"));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("x1,x2,label\n");
    const char* labels[] = {"cat", "ant", "bee"};
    for (int i = 0; i < 30; ++i) f.write(QStringLiteral("%1,%2,%3\n").arg(i * 0.03).arg(1 - i * 0.02).arg(labels[i % 3]).toUtf8());
    f.close();
    ModelSpec spec = load_preset("spiral-tanh");
    spec.data = DataSpec{};
    spec.data.name = "csv";
    spec.data.path = f.fileName().toStdString();
    const PreparedData data = prepare_data(spec);
    DatasetPanel panel;
    panel.set_data(make_data_view(data));
    QVERIFY2(panel.status().contains(QStringLiteral("3 classes: ant, bee, cat")), qPrintable(panel.status()));
    QCOMPARE(DatasetPanel::class_order_text({"a", "b", "c", "d"}, 2), QStringLiteral("4 classes: a, b and 2 more"));
}

// Scrolling the Data panel over the Points box leaves the data alone.
void TestDatasetPreview::panel_fields_take_the_wheel_only_when_focused() {
    Dock d(300);
    d.area.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&d.area));
    QSpinBox* points = nullptr;
    for (QSpinBox* b : d.panel->findChildren<QSpinBox*>())
        if (b->toolTip().contains("points")) points = b;
    QVERIFY(points);
    const int before = points->value();
    QSignalSpy changed(d.panel, &DatasetPanel::dataSpecChanged);
    const QPointF at(points->width() / 2.0, points->height() / 2.0);
    QWheelEvent e(at, points->mapToGlobal(at), QPoint(), QPoint(0, 120), Qt::NoButton, Qt::NoModifier,
                  Qt::NoScrollPhase, false);
    QApplication::sendEvent(points, &e);
    QCOMPARE(points->value(), before);
    QTest::qWait(500);  // past the panel's settle timer
    QCOMPARE(changed.count(), 0);
}

// As narrow as a 1280x720 screen leaves the Data dock: nothing laid out
// wider than what shows (the scatter's right edge was cut off).
void TestDatasetPreview::panel_fits_a_narrow_dock() {
    Dock d(220);
    d.panel->set_data(make_data_view(prepare_data(load_preset("spiral-tanh"))));
    QCoreApplication::processEvents();
    QVERIFY2(d.panel->width() <= d.area.viewport()->width(),
             qPrintable(QStringLiteral("content %1 px wide in a viewport of %2 px")
                            .arg(d.panel->width())
                            .arg(d.area.viewport()->width())));
    // Image data (the probe row, a long status) in the Data dock of a 1280x720 window.
    if (!have_fashion()) return;
    ModelSpec spec = load_preset("cnn-fashion");
    spec.data.limit = 256;
    spec.data.test_limit = 128;
    Dock n(200);
    n.panel->set_data(make_data_view(prepare_data(spec)));
    QCoreApplication::processEvents();
    QVERIFY2(n.panel->width() <= n.area.viewport()->width(),
             qPrintable(QStringLiteral("content %1 px wide in a viewport of %2 px")
                            .arg(n.panel->width())
                            .arg(n.area.viewport()->width())));
}

// Any item of the split can be the probe, not only the first 64.
void TestDatasetPreview::panel_probes_any_item() {
    if (!have_fashion()) QSKIP("Fashion-MNIST is not installed (/usr/share/datasets/fashion-mnist)");
    ModelSpec spec = load_preset("cnn-fashion");
    spec.data.limit = 256;
    spec.data.test_limit = 6000;
    spec.data.validation_fraction = 0;
    const PreparedData data = prepare_data(spec);
    Dock d(320);
    d.panel->set_data(make_data_view(data));
    DatasetPreview* p = d.panel->preview();
    QCOMPARE(p->split_size(), size_t{6000});
    QSpinBox* item = d.panel->probe_box();
    QVERIFY(item && item->isVisible());
    QCOMPARE(item->maximum(), 5999);
    QSignalSpy spy(d.panel, &DatasetPanel::probeChosen);
    item->setValue(5000);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy[0][0].toInt(), 5000);
    // The preview turned to the page holding it, outlined.
    QCOMPARE(p->page_start(), 4992);
    QCOMPARE(p->selected_item(), 5000);
    QVERIFY(!p->item_rect(5000).isEmpty());
    QVERIFY(p->item_rect(3).isEmpty());
    QVERIFY(p->item_tooltip(5000).startsWith(QStringLiteral("test item 5000")));
    // Page by page; a click on that page probes the item under it.
    d.panel->next_page();
    QCOMPARE(p->page_start(), 5056);
    d.panel->previous_page();
    d.panel->previous_page();
    QCOMPARE(p->page_start(), 4928);
    QTest::mouseClick(p, Qt::LeftButton, {}, p->item_rect(4930).center());
    QCOMPARE(spy.count(), 2);
    QCOMPARE(spy[1][0].toInt(), 4930);
    QCOMPARE(item->value(), 4930);  // the number box follows
}

QTEST_MAIN(TestDatasetPreview)
#include "test_dataset_preview.moc"
