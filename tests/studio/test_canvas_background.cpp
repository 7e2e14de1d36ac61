// The network canvas composing in the background (set_compose_in_background,
// while a run trains): a snapshot's frame is composed on another thread and
// is the same picture the GUI thread would compose, with the click areas
// that match it; anything else composes at once; a frame overtaken by newer
// snapshots is still shown; a canvas closed mid-job waits for it.
#include <QImage>
#include <QTest>
#include <memory>

#include "canvas/network_canvas.h"
#include "canvas_support.h"

using namespace gs;
using namespace gs::studio;
using namespace gs::studio::testing;

namespace {

// What the canvas shows is what composing on this thread draws, pixel for
// pixel (and after this, it composes at once).
bool shows_what_this_thread_composes(NetworkCanvas& c) {
    const QImage shown = c.grab().toImage().convertToFormat(QImage::Format_ARGB32_Premultiplied);
    c.set_compose_in_background(false);
    const QImage direct = c.render_image(c.size()).convertToFormat(QImage::Format_ARGB32_Premultiplied);
    return shown.size() == direct.size() && shown == direct;
}

// A 1000x600 canvas of the spiral showing `snap`, on screen and painted.
std::unique_ptr<NetworkCanvas> shown_canvas(const Spiral& sp, std::shared_ptr<const Snapshot> snap) {
    auto c = std::make_unique<NetworkCanvas>();
    c->resize(1000, 600);
    c->set_model(sp.spec);
    c->set_data(make_data_view(sp.data));
    c->update_snapshot(std::move(snap));
    c->show();
    if (!QTest::qWaitForWindowExposed(c.get())) return nullptr;
    c->repaint();
    return c;
}

// Turns background composition on and hands the canvas `next`; the paint
// starts a job (its result comes back as an event). True when one runs.
bool start_job(NetworkCanvas& c, std::shared_ptr<const Snapshot> next) {
    c.set_compose_in_background(true);
    c.update_snapshot(std::move(next));
    c.repaint();
    return c.composing_in_background();
}

}  // namespace

class TestCanvasBackground : public QObject {
    Q_OBJECT

private slots:
    // While a run trains, a new snapshot's frame is composed on another
    // thread: the paint shows the last frame and composes nothing itself;
    // the finished frame is the same picture the GUI thread would compose,
    // with the click areas that match it.
    void a_snapshot_s_frame_is_composed_in_the_background() {
        Spiral sp;
        auto first = train_and_snapshot(sp.session, 50, {});
        auto second = train_and_snapshot(sp.session, 50, {});
        QVERIFY(first && second);
        auto canvas = shown_canvas(sp, first);
        QVERIFY(canvas);
        NetworkCanvas& c = *canvas;
        const int before = c.renders();
        QVERIFY(start_job(c, second));
        QCOMPARE(c.renders(), before);
        QTRY_VERIFY(!c.composing_in_background());
        QCOMPARE(c.renders(), before + 1);
        const QRectF neuron = c.neuron_rect(0, 3);
        QVERIFY(!neuron.isEmpty());
        QCOMPARE(c.renders(), before + 1);  // its click areas came with it
        c.grab();
        QCOMPARE(c.renders(), before + 1);  // painted from the adopted frame
        QVERIFY(shows_what_this_thread_composes(c));
        QCOMPARE(c.neuron_rect(0, 3), neuron);
    }

    // Snapshots faster than the composer: the frame it finishes is shown
    // (newer than the last), and the newest snapshot's frame follows.
    void a_frame_overtaken_by_a_snapshot_is_shown_and_the_newest_follows() {
        Spiral sp;
        auto first = train_and_snapshot(sp.session, 30, {});
        auto second = train_and_snapshot(sp.session, 30, {});
        auto third = train_and_snapshot(sp.session, 30, {});
        QVERIFY(first && second && third);
        auto canvas = shown_canvas(sp, first);
        QVERIFY(canvas);
        NetworkCanvas& c = *canvas;
        const int before = c.renders();
        QVERIFY(start_job(c, second));
        c.update_snapshot(third);  // while the second is composed
        c.repaint();               // one job at a time: nothing more yet
        QTRY_VERIFY(c.renders() >= before + 2 && !c.composing_in_background());
        QCOMPARE(c.renders(), before + 2);  // the second's frame, then the third's
        QCOMPARE(c.snapshot_step(), 90L);
        QVERIFY(shows_what_this_thread_composes(c));
    }

    void a_change_other_than_a_snapshot_is_composed_at_once() {
        Spiral sp;
        auto snap = train_and_snapshot(sp.session, 20, {});
        QVERIFY(snap);
        auto canvas = shown_canvas(sp, snap);
        QVERIFY(canvas);
        NetworkCanvas& c = *canvas;
        c.set_compose_in_background(true);
        const int before = c.renders();
        c.select_layer(2);  // a click: the highlight at once
        c.repaint();
        QVERIFY(!c.composing_in_background());
        QCOMPARE(c.renders(), before + 1);
        // A snapshot after the click but before the paint: the click is
        // still owed at once, so the frame is composed here too.
        c.select_layer(0);
        c.update_snapshot(std::make_shared<Snapshot>(*snap));
        c.repaint();
        QVERIFY(!c.composing_in_background());
        QCOMPARE(c.renders(), before + 2);
    }

    void a_canvas_closed_while_composing_goes_quietly() {
        Spiral sp;
        auto snap = train_and_snapshot(sp.session, 20, {});
        QVERIFY(snap);
        auto c = shown_canvas(sp, snap);
        QVERIFY(c);
        QVERIFY(start_job(*c, std::make_shared<Snapshot>(*snap)));
        c.reset();  // waits for the job; its result, posted to the canvas, is dropped
        QCoreApplication::processEvents();
    }
};

QTEST_MAIN(TestCanvasBackground)
#include "test_canvas_background.moc"
