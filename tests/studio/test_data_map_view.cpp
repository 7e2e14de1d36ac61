// The data map view, on the offscreen platform: a scripted map (an easy,
// an ambiguous, a mislabeled and an unseen item) lands where its numbers
// say, a click on a dot shows that item, the lists hold the right items;
// with a real run (spiral-tanh, 2-D) the map comes through the bridge's
// DataMapService, the training points take the map's colours, and Export
// writes every item's row.
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "bridge/data_map_service.h"
#include "gradscope/explanations.h"
#include "learned_views_support.h"
#include "views/data_map_plots.h"
#include "views/data_map_view.h"
#include "views/learned_views.h"

using namespace gs::studio;
using namespace gs::studio::testing;

namespace {

struct Item {
    int label, predicted;
    float p, confidence, variability, correctness;
    uint32_t presentations, forgetting;
};

std::shared_ptr<const gs::DataMap> scripted_map() {
    const Item items[] = {
        {0, 0, 0.96f, 0.95f, 0.02f, 1.0f, 4, 0},  // easy
        {1, 1, 0.60f, 0.50f, 0.30f, 0.5f, 4, 2},  // ambiguous, forgotten twice
        {0, 1, 0.90f, 0.05f, 0.03f, 0.0f, 4, 0},  // hard, never learned, likely mislabeled
        {-1, -1, 0.0f, 0.0f, 0.0f, 0.0f, 0, 0},   // not seen yet
    };
    auto m = std::make_shared<gs::DataMap>();
    m->step = 40;
    m->epoch = 4;
    m->classes = 2;
    for (const Item& i : items) {
        m->label.push_back(i.label);
        m->predicted.push_back(i.predicted);
        m->predicted_p.push_back(i.p);
        m->confidence.push_back(i.confidence);
        m->variability.push_back(i.variability);
        m->correctness.push_back(i.correctness);
        m->presentations.push_back(i.presentations);
        m->forgetting.push_back(i.forgetting);
        for (int j = 0; j < gs::DataMap::kHistory; ++j)
            m->history.push_back(static_cast<uint8_t>(255 * std::min(1.0f, i.confidence)));
    }
    return m;
}

DataView two_classes() {
    DataView d;
    d.classes = 2;
    d.class_names = {QStringLiteral("circle"), QStringLiteral("square")};
    return d;
}

}  // namespace

class TestDataMapView : public QObject {
    Q_OBJECT

private slots:
    void dots_where_their_numbers_say_and_a_click_shows_the_item() {
        DataMapView v;
        v.resize(1100, 600);
        v.show();
        v.set_data(two_classes());
        QVERIFY(!v.export_button()->isEnabled());
        const auto map = scripted_map();
        v.set_map(map);
        QVERIFY(v.export_button()->isEnabled());
        DataMapScatter* s = v.scatter();
        // Confidence up, variability right: the easy item above and left of the ambiguous one.
        QVERIFY(s->dot_position(0).y() < s->dot_position(1).y());
        QVERIFY(s->dot_position(0).x() < s->dot_position(1).x());
        QVERIFY(s->dot_position(2).y() > s->dot_position(1).y());
        for (int i = 0; i < 3; ++i) {
            QTest::mouseClick(s, Qt::LeftButton, {}, s->dot_position(static_cast<size_t>(i)).toPoint());
            QCOMPARE(v.selected_item(), i);
        }
        // Item 2: its label, the class the network prefers, its region and the warning.
        const QString d = v.item_details();
        QVERIFY(d.contains(QStringLiteral("Training item 2")));
        QVERIFY(d.contains(QStringLiteral("label <b>circle</b>")));
        QVERIFY(d.contains(QStringLiteral("prefers <b>square</b> (90%)")));
        QVERIFY(d.contains(QStringLiteral("hard to learn")));
        QVERIFY(d.contains(QStringLiteral("Likely mislabeled")));
        // The unseen item has no dot to click.
        QCOMPARE(s->item_at(s->dot_position(3)), -1);
        // The lists.
        auto items_of = [](QListWidget* l) {
            std::vector<int> out;
            for (int i = 0; i < l->count(); ++i) out.push_back(l->item(i)->data(Qt::UserRole).toInt());
            return out;
        };
        QCOMPARE(items_of(v.mislabeled_list()), std::vector<int>{2});
        QCOMPARE(items_of(v.never_learned_list()), std::vector<int>{2});
        QCOMPARE(items_of(v.forgotten_list()), std::vector<int>{1});
        // A click on a list entry shows that item.
        QListWidget* f = v.forgotten_list();
        QTest::mouseClick(f->viewport(), Qt::LeftButton, {}, f->visualItemRect(f->item(0)).center());
        QCOMPARE(v.selected_item(), 1);
        QVERIFY(v.item_details().contains(QStringLiteral("ambiguous")));
        QVERIFY(v.item_details().contains(QStringLiteral("forgotten 2×")));
        // Words: the shared explanation, and a sentence about this map.
        QCOMPARE(v.explanation(),
                 QString::fromStdString(gs::explanation_text(gs::explanation_of(gs::ExplainedView::DataMap))));
        QVERIFY(v.summary().contains(QString::fromStdString(gs::describe_data_map(gs::summarize_data_map(*map, 0)))));
        QVERIFY(v.summary().contains(QStringLiteral("3 of 4 items seen")));
        // Without a session nothing is exported, and it says so.
        QVERIFY(!v.export_csv(QStringLiteral("/tmp/never.csv")).isEmpty());
    }

    void a_real_run_colours_the_points_and_exports_every_item() {
        SessionBridge b;
        LearnedViews lv(&b);
        lv.resize(1200, 600);
        lv.show();
        lv.show_tab(QStringLiteral("datamap"));
        b.load(gs::load_preset("spiral-tanh"));
        QVERIFY(loaded(b));
        DataMapService* service = lv.data_map_service();
        QVERIFY(service->available());
        QVERIFY(trained(b, 100));  // four epochs of 25 steps
        QVERIFY(wait_for(
            [&] {
                service->poll();
                return service->map() && service->map()->step == 100;
            },
            20000));
        DataMapView* v = lv.data_map();
        const auto map = v->map();
        QCOMPARE(map, service->map());
        QCOMPARE(map->items(), size_t(250));
        QCOMPARE(map->epoch, 4);
        // The 2-D training points in the map's colours.
        DataMapPlane* plane = v->plane();
        QVERIFY(plane->isVisible());
        QCOMPARE(plane->points(), 250);
        for (size_t i = 0; i < 250; ++i) {
            QCOMPARE(map->presentations[i], 4u);
            QCOMPARE(plane->point_color(i), correctness_color(map->correctness[i]));
        }
        // A point clicked on the plane is that item.
        QTest::mouseClick(plane, Qt::LeftButton, {}, plane->point_position(17).toPoint());
        QVERIFY(v->selected_item() >= 0);
        QVERIFY((plane->point_position(static_cast<size_t>(v->selected_item())) - plane->point_position(17))
                    .manhattanLength() <= 12);
        // Export: every item's row, read back.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("datamap.csv"));
        QCOMPARE(v->export_csv(path), QString());
        const gs::DataMap back = gs::read_data_map_csv(path.toStdString());
        QCOMPARE(back.items(), size_t(250));
        for (size_t i = 0; i < 250; ++i) {
            QCOMPARE(back.label[i], map->label[i]);
            QVERIFY(std::abs(back.confidence[i] - map->confidence[i]) < 1e-3f);
            QCOMPARE(back.forgetting[i], map->forgetting[i]);
        }
        // A path that cannot be written: the reason, naming it.
        const QString bad = v->export_csv(QStringLiteral("/nonexistent-dir/datamap.csv"));
        QVERIFY(bad.contains(QStringLiteral("/nonexistent-dir")));
        // A reset starts the map over.
        QSignalSpy updated(service, &DataMapService::mapUpdated);
        QVERIFY(b.reset());
        QVERIFY(updated.count() >= 1);
        QVERIFY(!v->map());
        // ... and the next map is the new run's: 30 steps, 300 items, at most
        // two presentations each.
        QVERIFY(wait_for([&] { return b.steps_done() == 0 && b.state() == gs::SessionState::Idle; }, 10000));
        QVERIFY(trained(b, 30));
        QVERIFY(wait_for([&] { return v->map() && v->map()->step == 30; }, 20000));
        for (size_t i = 0; i < 250; ++i) QVERIFY(v->map()->presentations[i] <= 2);
    }
};

QTEST_MAIN(TestDataMapView)
#include "test_data_map_view.moc"
