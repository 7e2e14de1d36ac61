// Issue 21: the window's first frame never waits for CUDA. BackendProbe lists
// the CPU at once and CUDA as "still looking for a driver", probes every
// backend on a thread of its own, and says probed() on the GUI thread with
// what the engine's registry found; the window's backend chooser follows.
#include <QComboBox>
#include <QSignalSpy>
#include <QtTest>

#include "bridge/backends.h"
#include "gradscope/backend.h"
#include "window/main_window.h"
#include "window/training_controls.h"

using namespace gs::studio;

namespace {

bool same(const std::vector<gs::BackendInfo>& a, const std::vector<gs::BackendInfo>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (a[i].name != b[i].name || a[i].label != b[i].label || a[i].usable != b[i].usable ||
            a[i].reason != b[i].reason)
            return false;
    return true;
}

}  // namespace

class TestBackendProbe : public QObject {
    Q_OBJECT

private slots:
    void the_cpu_at_once_the_rest_from_another_thread() {
        BackendProbe probe;
        // Nothing of the full probe can have arrived: it comes through the
        // event loop, which has not run.
        QVERIFY(!probe.done());
        QVERIFY(same(probe.backends(), gs::probe_backends_quickly()));
        QCOMPARE(probe.backends().front().name, std::string("cpu"));
        QVERIFY(probe.backends().front().usable);
        bool looking = false;
        for (const auto& b : probe.backends())
            looking |= b.name == "cuda" && !b.usable && b.reason == "still looking for a driver";
        QVERIFY(looking);

        QSignalSpy spy(&probe, &BackendProbe::probed);
        QVERIFY(spy.wait(20000));
        QVERIFY(probe.done());
        QVERIFY(same(probe.backends(), gs::probe_backends()));
        for (const auto& b : probe.backends()) QVERIFY(b.reason != "still looking for a driver");
    }

    void the_window_lists_the_cpu_first_and_cuda_once_probed() {
        MainWindow w;
        auto* box = w.findChild<QComboBox*>(QStringLiteral("backend"));
        QVERIFY(box);
        QCOMPARE(box->itemData(0).toString(), QStringLiteral("cpu"));
        QCOMPARE(box->currentData().toString(), QStringLiteral("cpu"));
        BackendProbe* probe = w.backend_probe();
        if (!probe->done()) {
            QSignalSpy spy(probe, &BackendProbe::probed);
            QVERIFY(spy.wait(20000));
        }
        const auto all = gs::probe_backends();
        QCOMPARE(box->count(), static_cast<int>(all.size()));
        for (int i = 0; i < box->count(); ++i) {
            QCOMPARE(box->itemData(i).toString(), QString::fromStdString(all[static_cast<size_t>(i)].name));
            if (!all[static_cast<size_t>(i)].usable)
                QCOMPARE(box->itemData(i, Qt::ToolTipRole).toString(),
                         QString::fromStdString(all[static_cast<size_t>(i)].reason));
        }
        QCOMPARE(box->currentData().toString(), QStringLiteral("cpu"));
    }
};

QTEST_MAIN(TestBackendProbe)
#include "test_backend_probe.moc"
