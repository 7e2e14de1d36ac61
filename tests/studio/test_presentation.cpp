// Fit the classroom: presentation mode laid out for the screen it is on (the
// canvas first, the curves a strip, one compact bar with nothing in its
// overflow), with the screenshot's kind flow and the real F11 flow (the
// window turns to the screen's size after presentation starts); zoom;
// a saved window size and place kept on a smaller screen; a watchable
// default pace for the 2-D sets; runs going on past the preset's epochs;
// toolbar fields that ignore the wheel unless focused.
#include <QAction>
#include <QComboBox>
#include <QDockWidget>
#include <QMenuBar>
#include <QScreen>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QToolBar>
#include <QToolButton>
#include <QtTest>

#include "bridge/session_bridge.h"
#include "canvas/network_canvas.h"
#include "gradscope/presets.h"
#include "plots/training_plot.h"
#include "window/main_window.h"
#include "window/scripted_run.h"
#include "window/training_controls.h"

using namespace gs::studio;

namespace {

bool ready(MainWindow& w) {
    return wait_for([&] { return !w.bridge()->is_loading() && w.bridge()->has_session(); }, 60000);
}

void settle(int ms = 150) { wait_for([] { return false; }, ms); }

// Every control a class needs is shown, inside the bar (not in its "»" overflow).
void expect_compact_bar(MainWindow& w, const QString& where) {
    TrainingControls* bar = w.controls();
    QVERIFY2(bar->isVisible(), qPrintable(where));
    std::vector<std::pair<QString, QWidget*>> shown;
    for (QAction* a : {bar->play_action(), bar->step_action(), bar->reset_action()})
        shown.emplace_back(a->text(), bar->widgetForAction(a));
    for (const char* name : {"speed", "learning_rate", "bar_progress"})
        shown.emplace_back(QString::fromLatin1(name), bar->findChild<QWidget*>(QLatin1String(name)));
    for (const auto& [name, widget] : shown) {
        QVERIFY2(widget, qPrintable(where + ": no " + name));
        QVERIFY2(widget->isVisible(), qPrintable(where + ": " + name + " is not shown"));
        QVERIFY2(widget->parentWidget() == bar && bar->rect().contains(widget->geometry()),
                 qPrintable(where + ": " + name + " is outside the bar"));
    }
    QVERIFY2(bar->findChild<QWidget*>(QStringLiteral("bar_progress"))->property("text").toString().startsWith("Epoch"),
             qPrintable(where));
}

}  // namespace

class TestPresentation : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
    }
    void cleanup() { QSettings().clear(); }

    void presentation_fits_the_projectors_screen() {
        const QList<QSize> screens = {{1280, 720}, {1366, 768}, {1920, 1080}};
        for (const QSize size : screens) {
            for (bool real_f11 : {false, true}) {
                const QString where = QStringLiteral("%1x%2 %3").arg(size.width()).arg(size.height())
                                          .arg(real_f11 ? QStringLiteral("F11") : QStringLiteral("screenshot"));
                MainWindow w;
                // The screenshot's flow sizes first; a real F11 makes the
                // window the screen's size only after presentation started.
                w.resize(real_f11 ? QSize(1440, 900) : size);
                w.show();
                w.set_presentation(true, false);
                if (real_f11) w.resize(size);
                QVERIFY(w.open_preset(QStringLiteral("spiral-tanh")));
                QVERIFY(ready(w));
                QVERIFY(w.bridge()->step(200));
                QVERIFY(wait_for([&] {
                    w.refresh_now();
                    return w.bridge()->steps_done() == 200 && w.bridge()->state() != gs::SessionState::Running;
                }, 60000));
                settle();
                QCOMPARE(w.size(), size);
                QVERIFY2(w.canvas()->height() >= 0.55 * w.height(),
                         qPrintable(QStringLiteral("%1: canvas %2 of %3").arg(where).arg(w.canvas()->height()).arg(w.height())));
                auto* plot_dock = w.findChild<QDockWidget*>(QStringLiteral("dock_plot"));
                QVERIFY(plot_dock->isVisible() && plot_dock->height() >= 140);
                QVERIFY(w.training_plot()->compact());
                QVERIFY(!w.menuBar()->isVisible());
                expect_compact_bar(w, where);
                // The keys still work with the menu bar hidden (T: test points).
                w.canvas()->setFocus();
                QTest::keyClick(&w, Qt::Key_T);
                QVERIFY2(w.canvas()->show_test_points(), qPrintable(where));
                QTest::keyClick(&w, Qt::Key_Escape);
                QVERIFY(!w.presentation());
                QVERIFY(w.menuBar()->isVisible());
                QVERIFY(!w.training_plot()->compact());
            }
        }
    }

    void ctrl_plus_zooms_and_ctrl_0_restores() {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        const double base = w.theme().font_scale;
        w.canvas()->setFocus();
        QTest::keyClick(&w, Qt::Key_Plus, Qt::ControlModifier);
        QVERIFY2(std::abs(w.theme().font_scale - base * 1.1) < 1e-9, qPrintable(QString::number(w.theme().font_scale)));
        QCOMPARE(w.training_plot()->theme().font_scale, w.theme().font_scale);
        QTest::keyClick(&w, Qt::Key_Equal, Qt::ControlModifier);
        QTest::keyClick(&w, Qt::Key_Minus, Qt::ControlModifier);
        QVERIFY(std::abs(w.theme().font_scale - base * 1.1) < 1e-9);
        // Remembered for the next window.
        MainWindow v;
        QVERIFY(std::abs(v.zoom() - 1.1) < 1e-9);
        QTest::keyClick(&w, Qt::Key_0, Qt::ControlModifier);
        QCOMPARE(w.theme().font_scale, base);
        // In presentation mode too, on top of its larger text.
        w.set_presentation(true, false);
        const double pres = w.theme().font_scale;
        w.set_zoom(1.5);
        QVERIFY(std::abs(w.theme().font_scale - pres * 1.5) < 1e-9);
    }

    // Bug 13a: a size and place saved on a larger screen stay on this one.
    void a_saved_geometry_is_kept_on_the_screen() {
        {
            MainWindow a;
            a.resize(1500, 950);
            a.move(60, 30);
            a.show();
            QVERIFY(a.close());
        }
        MainWindow b;
        b.show();
        settle();
        const QRect avail = b.screen()->availableGeometry();
        QVERIFY2(avail.contains(b.frameGeometry()),
                 qPrintable(QStringLiteral("window %1,%2 %3x%4 on a screen of %5x%6")
                                .arg(b.frameGeometry().x()).arg(b.frameGeometry().y())
                                .arg(b.frameGeometry().width()).arg(b.frameGeometry().height())
                                .arg(avail.width()).arg(avail.height())));
    }

    void the_2d_sets_open_at_a_watchable_pace() {
        MainWindow w;
        w.show();
        QVERIFY(w.open_preset(QStringLiteral("spiral-tanh")));
        QCOMPARE(w.controls()->speed(), 1000.0);
        QCOMPARE(w.bridge()->steps_per_second(), 1000.0);
        QVERIFY(w.open_preset(QStringLiteral("mlp-fashion")));  // not 2-D: full speed
        QCOMPARE(w.controls()->speed(), 0.0);
        auto* speed = w.controls()->findChild<QComboBox*>(QStringLiteral("speed"));
        for (double v : {2000.0, 3000.0, 5000.0}) QVERIFY(speed->findData(v) >= 0);
        // A pace not in the list is added, not turned into "full".
        w.controls()->set_speed(1500);
        QCOMPARE(w.controls()->speed(), 1500.0);
        // A project keeps its own.
        QTemporaryDir dir;
        // The pace counts as work: going on discards it.
        w.set_discard_question([](const QString&) { return QMessageBox::Discard; });
        QVERIFY(w.open_preset(QStringLiteral("xor-sigmoid")));
        w.controls()->set_speed(2000);
        const QString path = dir.filePath(QStringLiteral("p.gradscope"));
        QVERIFY(w.save_project_as(path));
        MainWindow v;
        QVERIFY(v.open_project(path));
        QCOMPARE(v.controls()->speed(), 2000.0);
        QCOMPARE(v.bridge()->steps_per_second(), 2000.0);
    }

    void training_goes_on_past_the_presets_epochs() {
        MainWindow w;
        w.show();
        gs::ModelSpec s = gs::load_preset("spiral-tanh");
        s.epochs = 2;
        w.open_spec(s);
        QVERIFY(ready(w));
        w.controls()->set_speed(0);
        QVERIFY(w.bridge()->play());
        const long per_epoch = 25;
        QVERIFY(wait_for([&] {
            w.refresh_now();
            return w.bridge()->steps_done() > 4 * per_epoch;
        }, 30000));
        QCOMPARE(w.bridge()->state(), gs::SessionState::Running);
        QVERIFY(w.bridge()->pause());
        QVERIFY(wait_for([&] { return w.bridge()->state() == gs::SessionState::Paused; }, 5000));
        w.refresh_now();
        QVERIFY(w.controls()->step_action()->isEnabled());
        QVERIFY(w.controls()->play_action()->isEnabled());
        QVERIFY(w.training_plot()->marker_labels().contains(QStringLiteral("end of the spec's epochs")));
    }

    // Bug 3, the toolbar's part: the wheel over an unfocused field does not edit it.
    void toolbar_fields_take_the_wheel_only_when_focused() {
        MainWindow w;
        w.show();
        QVERIFY(w.open_preset(QStringLiteral("spiral-tanh")));
        QVERIFY(ready(w));
        auto* lr = w.controls()->findChild<QDoubleSpinBox*>(QStringLiteral("learning_rate"));
        auto* speed = w.controls()->findChild<QComboBox*>(QStringLiteral("speed"));
        w.canvas()->setFocus();
        const double before = lr->value();
        const int at = speed->currentIndex();
        for (QWidget* field : std::initializer_list<QWidget*>{lr, speed}) {
            QWheelEvent wheel(QPointF(field->width() / 2, field->height() / 2), field->mapToGlobal(QPointF(5, 5)),
                              QPoint(), QPoint(0, -120), Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
            QApplication::sendEvent(field, &wheel);
        }
        QCOMPARE(lr->value(), before);
        QCOMPARE(speed->currentIndex(), at);
        QCOMPARE(w.bridge()->spec().optimizer.lr, static_cast<float>(before));
    }
};

QTEST_MAIN(TestPresentation)
#include "test_presentation.moc"
