// Issue 17: "On the 2-D sets the same colouring shows on the data plot."
// In the whole window, on spiral-tanh: the Data panel offers "Colour by the
// data map" for 2-D classification only; turned on, each training point of
// its scatter takes the colour of its correctness in the run's data map (as
// the data map's own plane does), the test points keep their class, and the
// picture changes; turned off, the classes come back.
#include <QCheckBox>
#include <QMessageBox>
#include <QtTest>

#include "bridge/data_map_service.h"
#include "canvas/dataset_preview.h"
#include "data/dataset_panel.h"
#include "learned_views_support.h"
#include "views/data_map_plots.h"
#include "views/learned_views.h"
#include "window/main_window.h"

using namespace gs::studio;
using namespace gs::studio::testing;

class TestDataPanelMap : public QObject {
    Q_OBJECT

private slots:
    void the_data_plot_takes_the_data_maps_colours() {
        MainWindow w;
        w.resize(1400, 900);
        w.show();
        QVERIFY(w.open_preset(QStringLiteral("spiral-tanh")));
        SessionBridge* b = w.bridge();
        QVERIFY(loaded(*b));
        auto* box = w.data_panel()->findChild<QCheckBox*>(QStringLiteral("colour_by_map"));
        QVERIFY(box);
        QVERIFY(box->isVisible());
        DatasetPreview* preview = w.data_panel()->preview();
        QVERIFY(preview->shows_scatter());
        const int points = preview->points_shown();
        QCOMPARE(points, 500);  // 250 training, then 250 test
        std::vector<QColor> by_class;
        for (int i = 0; i < points; ++i) by_class.push_back(preview->point_colour(static_cast<size_t>(i)));
        const QImage before = preview->render_image(QSize(400, 400));

        QVERIFY(trained(*b, 100));  // four epochs of 25 steps
        DataMapService* service = w.learned_views()->data_map_service();
        QVERIFY(wait_for(
            [&] {
                service->poll();
                return service->map() && service->map()->step == 100;
            },
            20000));
        const auto map = service->map();
        QCOMPARE(map->items(), size_t(250));
        // Off until asked: the classes.
        for (int i = 0; i < points; ++i) QCOMPARE(preview->point_colour(static_cast<size_t>(i)), by_class[i]);

        box->setChecked(true);
        QVERIFY(preview->colour_by_map());
        int differ = 0;
        for (size_t i = 0; i < 250; ++i) {
            QCOMPARE(preview->point_colour(i), correctness_color(map->correctness[i]));
            differ += preview->point_colour(i) != by_class[i];
        }
        QVERIFY(differ > 100);  // the map's colours are not the classes'
        for (size_t i = 250; i < 500; ++i) QCOMPARE(preview->point_colour(i), by_class[i]);  // test points
        QVERIFY(preview->render_image(QSize(400, 400)) != before);

        box->setChecked(false);
        for (int i = 0; i < points; ++i) QCOMPARE(preview->point_colour(static_cast<size_t>(i)), by_class[i]);
    }

    void regression_data_has_no_such_choice() {
        MainWindow w;
        w.set_discard_question([](const QString&) { return QMessageBox::Discard; });
        w.show();
        QVERIFY(w.open_preset(QStringLiteral("xor-sigmoid")));
        QVERIFY(loaded(*w.bridge()));
        auto* box = w.data_panel()->findChild<QCheckBox*>(QStringLiteral("colour_by_map"));
        QVERIFY(box);
        QVERIFY(box->isVisible());  // 2-D classification
        QVERIFY(w.open_preset(QStringLiteral("linear-regression")));
        QVERIFY(loaded(*w.bridge()));
        QVERIFY(!box->isVisible());  // regression: no data map
    }
};

QTEST_MAIN(TestDataPanelMap)
#include "test_data_panel_map.moc"
