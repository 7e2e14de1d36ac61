// The studio as a user drives it, on the offscreen platform: every preset
// loads and trains, the views receive data, an invalid edit shows the
// engine's message at the layer and disables Play, a project saved and
// reopened is equal, the keyboard shortcuts do what they say, and a
// breakpoint selects the layer responsible.
#include <QAction>
#include <QSpinBox>
#include <QDir>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "bridge/session_bridge.h"
#include "canvas/network_canvas.h"
#include "data/dataset_panel.h"
#include "editor/network_editor.h"
#include "gradscope/data_files.h"
#include "gradscope/presets.h"
#include "plots/gradient_flow.h"
#include "plots/training_plot.h"
#include "window/main_window.h"
#include "window/scripted_run.h"
#include "window/training_controls.h"

using namespace gs::studio;

namespace {

bool ready(MainWindow& w) {
    return wait_for([&] { return !w.bridge()->is_loading() && w.bridge()->has_session(); }, 60000);
}

bool trained(MainWindow& w, long steps) {
    SessionBridge* b = w.bridge();
    return wait_for(
        [&] {
            w.refresh_now();
            return b->steps_done() >= steps && b->state() != gs::SessionState::Running &&
                   static_cast<long>(b->store().loss().total_added()) >= steps;
        },
        120000);
}

bool fashion_installed() { return QDir(QString::fromLatin1(gs::kFashionMnistDir)).exists(); }

}  // namespace

class TestMainWindow : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void every_preset_loads_and_trains_50_steps_into_every_view() {
        for (const std::string& name : gs::preset_names()) {
            MainWindow w;
            w.resize(1400, 900);
            w.show();
            QVERIFY(w.open_preset(QString::fromStdString(name)));
            const gs::ModelSpec spec = gs::load_preset(name);
            const bool needs_files = spec.data.name == "cifar10" ||
                                     (spec.data.name == "fashion-mnist" && !fashion_installed());
            QVERIFY(wait_for([&] { return !w.bridge()->is_loading(); }, 60000));
            if (needs_files) {
                // Its files are not here: the panel says so in words, Play says why it is off.
                QVERIFY2(!w.bridge()->has_session(), name.c_str());
                QVERIFY(w.data_panel()->status_is_error());
                QVERIFY(!w.controls()->play_action()->isEnabled());
                QVERIFY(w.controls()->play_action()->toolTip().startsWith(QStringLiteral("Cannot train: ")));
                continue;
            }
            QVERIFY2(ready(w), name.c_str());
            QVERIFY(w.controls()->play_action()->isEnabled());
            QVERIFY(w.bridge()->step(50));
            QVERIFY2(trained(w, 50), name.c_str());
            QVERIFY(wait_for([&] {
                w.refresh_now();
                return w.canvas()->snapshot_step() == 50;
            }, 30000));
            QCOMPARE(w.training_plot()->train_point_count(), 50);
            QVERIFY(!w.gradient_flow()->bar_layers().empty());
            int measured = 0;
            for (double v : w.gradient_flow()->mean_bar_values()) measured += std::isfinite(v) && v > 0;
            QVERIFY2(measured > 0, name.c_str());
            if (spec.input.numel() == 2) {
                QVERIFY2(w.canvas()->neuron_heatmaps() > 0, name.c_str());
                QCOMPARE(w.canvas()->neuron_heatmaps_with_data(), w.canvas()->neuron_heatmaps());
                QVERIFY(w.canvas()->decision_boundary_drawn());
            }
            if (w.canvas()->is_convolutional()) {
                QVERIFY(w.canvas()->has_probe_image());
                QVERIFY(!w.canvas()->feature_maps_shown().empty());
            }
            QVERIFY(w.controls()->progress_text().contains(QStringLiteral("Step 50")));
        }
    }

    void an_invalid_edit_shows_the_engine_message_and_disables_play() {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.open_preset(QStringLiteral("cnn-fashion")));
        gs::ModelSpec s = w.editor()->spec();
        int flatten = -1;
        for (size_t i = 0; i < s.layers.size(); ++i)
            if (s.layers[i].type == "Flatten") flatten = static_cast<int>(i);
        QVERIFY(flatten > 0);
        w.editor()->select_layer(flatten);
        w.editor()->remove_selected();
        QVERIFY(!w.editor()->is_valid());
        const auto issues = gs::validate_spec(w.editor()->spec());
        QVERIFY(!issues.empty());
        const QString message = QString::fromStdString(issues.front().message);
        QVERIFY2(w.editor()->row_text(issues.front().layer).contains(message),
                 qPrintable(w.editor()->row_text(issues.front().layer)));
        QAction* play = w.controls()->play_action();
        QVERIFY(!play->isEnabled());
        QVERIFY2(play->toolTip().contains(message), qPrintable(play->toolTip()));
        // Edit > Undo (Ctrl+Z) puts the Flatten back; the network trains again.
        w.canvas()->setFocus();
        QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier);
        QVERIFY(w.editor()->is_valid());
        QCOMPARE(w.editor()->spec().layers[static_cast<size_t>(flatten)].type, std::string("Flatten"));
        QVERIFY(wait_for([&] { return play->isEnabled(); }, 60000));
    }

    void a_saved_project_reopens_equal() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("p.gradscope"));
        MainWindow w;
        w.show();
        QVERIFY(w.open_preset(QStringLiteral("spiral-tanh")));
        QVERIFY(ready(w));
        w.training_plot()->set_smoothing(0.9);
        // The learning rate as a user changes it: in the toolbar.
        auto* lr = w.controls()->findChild<QDoubleSpinBox*>(QStringLiteral("learning_rate"));
        QVERIFY(lr);
        lr->setValue(0.02);
        QCOMPARE(w.bridge()->spec().optimizer.lr, 0.02f);
        w.controls()->set_speed(100);  // as choosing "100 steps/s" does
        QCOMPARE(w.bridge()->steps_per_second(), 100.0);
        QVERIFY(w.bridge()->set_breakpoint(QStringLiteral("loss_above"), 5));
        Project saved_state;
        QVERIFY(w.save_project_as(path));
        saved_state = w.current_project();
        QCOMPARE(saved_state.spec.optimizer.lr, 0.02f);

        MainWindow v;
        v.show();
        QVERIFY(v.open_project(path));
        const Project reopened = v.current_project();
        QCOMPARE(QString::fromStdString(gs::spec_to_json(reopened.spec)),
                 QString::fromStdString(gs::spec_to_json(saved_state.spec)));
        QCOMPARE(reopened.view.smoothing, 0.9);
        QCOMPARE(reopened.steps_per_second, 100.0);
        QCOMPARE(reopened.breakpoints.at("loss_above"), 5.0);
        QCOMPARE(v.controls()->speed(), 100.0);
        QCOMPARE(reopened.backend, saved_state.backend);
        QCOMPARE(v.project_path(), path);
        // A broken project is refused in words and changes nothing.
        QFile bad(dir.filePath(QStringLiteral("bad.gradscope")));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("{ not json");
        bad.close();
        QString why;
        QVERIFY(!v.open_project(bad.fileName(), &why));
        QVERIFY(why.contains(QStringLiteral("not valid JSON")));
        QCOMPARE(v.project_path(), path);
    }

    void keyboard_shortcuts_do_what_they_say() {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.open_preset(QStringLiteral("spiral-tanh")));
        QVERIFY(ready(w));
        SessionBridge* b = w.bridge();
        w.canvas()->setFocus();
        QTest::keyClick(&w, Qt::Key_S);
        QVERIFY(trained(w, 1));
        QCOMPARE(b->steps_done(), 1L);
        QTest::keyClick(&w, Qt::Key_Right);
        QVERIFY(trained(w, 2));
        QCOMPARE(b->steps_done(), 2L);
        QTest::keyClick(&w, Qt::Key_Right, Qt::ShiftModifier);  // to the end of the epoch
        const long per_epoch = static_cast<long>(
            (b->data()->train_size + b->spec().batch_size - 1) / b->spec().batch_size);
        QVERIFY(trained(w, per_epoch));
        QCOMPARE(b->steps_done(), per_epoch);
        QTest::keyClick(&w, Qt::Key_Space);
        QVERIFY(wait_for([&] { return b->state() == gs::SessionState::Running && b->steps_done() > per_epoch; }, 5000));
        QTest::keyClick(&w, Qt::Key_Space);
        QVERIFY(wait_for([&] { return b->state() == gs::SessionState::Paused; }, 5000));
        QVERIFY(b->steps_done() > per_epoch);
        QTest::keyClick(&w, Qt::Key_R);
        QVERIFY(wait_for([&] { return b->steps_done() == 0 && b->state() == gs::SessionState::Idle; }, 5000));
        QTest::keyClick(&w, Qt::Key_F11);
        QVERIFY(w.presentation());
        QVERIFY(w.theme().font_scale > 1.0);
        QTest::keyClick(&w, Qt::Key_Escape);
        QVERIFY(!w.presentation());
        QTest::keyClick(&w, Qt::Key_G);
        QVERIFY(w.canvas()->show_gradients());
        QTest::keyClick(&w, Qt::Key_T);
        QVERIFY(w.canvas()->show_test_points());
    }

    void a_breakpoint_pauses_says_why_and_selects_the_layer() {
        MainWindow w;
        w.show();
        gs::ModelSpec s = gs::load_preset("mlp-fashion");
        s.data.name = "synthetic";
        s.data.samples = 256;
        s.data.test_fraction = 0;
        s.optimizer.lr = 1e30f;
        s.optimizer.momentum = 0;
        w.open_spec(s);
        QVERIFY(ready(w));
        QVERIFY(w.bridge()->play());
        QVERIFY(wait_for([&] {
            w.refresh_now();
            return !w.bridge()->last_break().kind.empty();
        }, 30000));
        const gs::BreakInfo& k = w.bridge()->last_break();
        QCOMPARE(k.kind, std::string("nonfinite"));
        QCOMPARE(w.bridge()->state(), gs::SessionState::Paused);
        const int layer = QString::fromStdString(k.layer).section(QLatin1Char(' '), 1, 1).toInt() - 1;
        QVERIFY(layer >= 0);
        QCOMPARE(w.selected_layer(), layer);
        QCOMPARE(w.editor()->selected_layer(), layer);
        QVERIFY(w.banner_text().contains(QString::fromStdString(k.message)));
    }

    void leaving_a_data_field_unchanged_keeps_the_run() {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.open_preset(QStringLiteral("spiral-tanh")));
        QVERIFY(ready(w));
        QVERIFY(w.bridge()->step(10));
        QVERIFY(trained(w, 10));
        auto* points = w.data_panel()->findChild<QSpinBox*>();
        QVERIFY(points);
        points->setFocus();
        w.canvas()->setFocus();  // focus out, nothing changed
        wait_for([] { return false; }, 600);
        QCOMPARE(w.bridge()->steps_done(), 10L);
        // A real change does start over, shortly after the arrows stop.
        points->setValue(points->value() + 100);
        QVERIFY(wait_for([&] { return w.bridge()->steps_done() == 0 && w.bridge()->has_session() &&
                                      w.bridge()->spec().data.samples == points->value(); }, 10000));
    }

    void regression_data_under_a_sigmoid_output_draws() {
        // Targets outside the output's range once indexed past the colour table.
        MainWindow w;
        w.resize(1200, 800);
        w.show();
        gs::ModelSpec s = gs::load_preset("spiral-tanh");
        s.data.name = "plane";
        s.loss = "mse";
        w.open_spec(s);
        QVERIFY(ready(w));
        QVERIFY(w.bridge()->step(30));
        QVERIFY(trained(w, 30));
        QVERIFY(wait_for([&] {
            w.refresh_now();
            return w.canvas()->snapshot_step() == 30;
        }, 30000));
        QVERIFY(!w.canvas()->render_image(QSize(900, 600)).isNull());
        QVERIFY(w.canvas()->decision_boundary_drawn());
    }

    void screenshot_mode_writes_the_window() {
        QTemporaryDir dir;
        const QString png = dir.filePath(QStringLiteral("shot.png"));
        MainWindow w;
        QCOMPARE(screenshot_run(w, QStringLiteral("spiral-tanh"), 200, png, QSize(1200, 800)), QString());
        QImage img(png);
        QCOMPARE(img.size(), QSize(1200, 800));
        // Not blank: the canvas and plots put many colours on it.
        QSet<QRgb> colours;
        for (int y = 0; y < img.height(); y += 7)
            for (int x = 0; x < img.width(); x += 7) colours.insert(img.pixel(x, y));
        QVERIFY2(colours.size() > 50, qPrintable(QString::number(colours.size())));
        QVERIFY(!screenshot_run(w, QStringLiteral("no-such-preset"), 1, png).isEmpty());
    }
};

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
