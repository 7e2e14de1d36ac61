// The confusion matrix and mistakes views as a person uses them, on the
// offscreen platform with a real session (spiral-tanh: two classes, a
// 250-item test split): a click on a cell lists exactly that cell's items,
// the row-normalized toggle shows each row's shares, and a click on a
// mistake makes it the probe the canvas shows.
#include <QCheckBox>
#include <QSignalSpy>
#include <QtTest>
#include <cmath>
#include <set>

#include "gradscope/confusion.h"
#include "gradscope/explanations.h"
#include "learned_views_support.h"
#include "views/confusion_view.h"
#include "views/item_gallery.h"
#include "views/learned_views.h"
#include "views/mistakes_view.h"
#include "window/main_window.h"

using namespace gs::studio;
using namespace gs::studio::testing;

namespace {

// The labels of the split the matrix is computed on, read from the data.
std::vector<int> split_labels(const DataItems& split) {
    std::vector<int> labels(split.size());
    for (size_t i = 0; i < split.size(); ++i) {
        const uint32_t idx = static_cast<uint32_t>(i);
        std::vector<float> x(split.item_shape().numel()), y(static_cast<size_t>(split.target_size()));
        split.gather(&idx, 1, x.data(), y.data());
        labels[i] = static_cast<int>(y[0]);
    }
    return labels;
}

}  // namespace

class TestConfusionView : public QObject {
    Q_OBJECT

private slots:
    void a_cell_click_lists_exactly_the_items_of_that_cell() {
        SessionBridge b;
        b.load(gs::load_preset("spiral-tanh"));
        QVERIFY(loaded(b));
        QVERIFY(trained(b, 60));  // two epochs and a bit: a matrix with mistakes
        ConfusionView v;
        v.resize(900, 500);
        v.show();
        v.set_data(*b.data());
        v.set_snapshot(b.snapshot());
        const gs::ConfusionRecord& r = v.record();
        QCOMPARE(r.classes, 2);
        const std::vector<int> labels = split_labels(*b.data()->probe_split);
        QCOMPARE(labels.size(), size_t(250));
        std::set<int> listed;
        for (int t = 0; t < 2; ++t)
            for (int p = 0; p < 2; ++p) {
                QTest::mouseClick(v.matrix(), Qt::LeftButton, {}, v.matrix()->cell_rect(t, p).center());
                QCOMPARE(v.selected_truth(), t);
                QCOMPARE(v.selected_predicted(), p);
                const auto& items = v.gallery()->items();
                QCOMPARE(items.size(), size_t(gs::confusion_count(r, t, p)));
                for (const GalleryItem& g : items) {
                    QCOMPARE(g.label, t);
                    QCOMPARE(labels[static_cast<size_t>(g.item)], t);  // the data's own label
                    QCOMPARE(g.predicted, p);
                    QVERIFY(g.probability >= 0.5f && g.probability <= 1.0f);
                    QVERIFY(listed.insert(g.item).second);  // in one cell only
                }
                for (size_t i = 1; i < items.size(); ++i) QVERIFY(items[i - 1].probability >= items[i].probability);
            }
        QCOMPARE(listed.size(), size_t(250));  // every item in some cell
        QVERIFY(gs::confusion_count(r, 0, 1) + gs::confusion_count(r, 1, 0) > 0);
        // The item's words on its tile.
        QTest::mouseClick(v.matrix(), Qt::LeftButton, {}, v.matrix()->cell_rect(0, 1).center());
        if (!v.gallery()->items().empty()) QVERIFY(v.gallery()->tile_text(0).contains(QStringLiteral("→")));
        // Counts, then each row's shares.
        QCOMPARE(v.matrix()->cell_text(1, 0), QString::number(gs::confusion_count(r, 1, 0)));
        v.findChild<QCheckBox*>()->click();
        QVERIFY(v.normalized());
        for (int t = 0; t < 2; ++t)
            for (int p = 0; p < 2; ++p)
            {
                QString text = v.matrix()->cell_text(t, p);
                QVERIFY(text.endsWith(QLatin1Char('%')));
                text.chop(1);
                const double share = 100.0 * gs::confusion_count(r, t, p) / static_cast<double>(gs::class_total(r, t));
                QVERIFY2(std::abs(text.toInt() - share) <= 0.5 + 1e-3, qPrintable(text));
            }
        // Words: the shared explanation and a sentence about this matrix.
        QCOMPARE(v.explanation(),
                 QString::fromStdString(gs::explanation_text(gs::explanation_of(gs::ExplainedView::Confusion))));
        QVERIFY(v.summary().startsWith(QString::fromStdString(gs::describe_confusion(r))));
        // A click on an item of the gallery asks for it as the probe.
        QSignalSpy chosen(&v, &ConfusionView::itemChosen);
        QTest::mouseClick(v.matrix(), Qt::LeftButton, {}, v.matrix()->cell_rect(0, 0).center());
        QVERIFY(!v.gallery()->items().empty());
        QTest::mouseClick(v.gallery(), Qt::LeftButton, {}, v.gallery()->tile_rect(0).center());
        QCOMPARE(chosen.count(), 1);
        QCOMPARE(chosen.at(0).at(0).toInt(), v.gallery()->items()[0].item);
    }

    void clicking_a_mistake_makes_it_the_probe_on_the_canvas() {
        MainWindow w;
        w.resize(1400, 900);
        w.show();
        QVERIFY(w.open_preset(QStringLiteral("spiral-tanh")));
        QVERIFY(loaded(*w.bridge()));
        QVERIFY(trained(*w.bridge(), 60));
        w.refresh_now();
        LearnedViews* lv = w.learned_views();
        QVERIFY(lv->show_tab(QStringLiteral("mistakes")));
        MistakesView* m = lv->mistakes();
        const auto snap = w.bridge()->snapshot();
        QVERIFY(!snap->mistakes.empty());
        const auto& items = m->gallery()->items();
        QCOMPARE(items.size(), snap->mistakes.size());
        for (size_t i = 0; i < items.size(); ++i) {
            QCOMPARE(items[i].item, snap->mistakes[i].item);
            QVERIFY(items[i].label != items[i].predicted);
            if (i) QVERIFY(items[i - 1].probability >= items[i].probability);
        }
        // The last tile that is not the probe so far.
        int last = m->gallery()->tiles_shown() - 1;
        if (items[static_cast<size_t>(last)].item == w.bridge()->probe()) --last;
        QVERIFY(last >= 0);
        const int item = items[static_cast<size_t>(last)].item;
        QTest::mouseClick(m->gallery(), Qt::LeftButton, {}, m->gallery()->tile_rect(last).center());
        QCOMPARE(w.bridge()->probe(), item);
        QVERIFY(wait_for(
            [&] {
                w.refresh_now();
                return w.bridge()->snapshot()->probe == item;
            },
            20000));
        QCOMPARE(w.bridge()->snapshot()->probe_label, items[static_cast<size_t>(last)].label);
        QCOMPARE(m->chosen(), item);
    }
};

QTEST_MAIN(TestConfusionView)
#include "test_confusion_view.moc"
