// The canvas's layer titles when the columns are narrow (issue 13): a line
// of parts ("Dense 1 · output", "26×26 ×32 · max 3.1") loses its detail
// before the layer's name, and every column's head shows in full as its
// tooltip.
#include <QTest>

#include "canvas/canvas_view.h"
#include "canvas/network_canvas.h"
#include "gradscope/presets.h"

using namespace gs::studio;

class TestCanvasTitles : public QObject {
    Q_OBJECT

private slots:
    void theDetailGoesBeforeTheName() {
        QFont font;
        font.setPointSize(10);
        const QFontMetricsF fm(font);
        const QString title = QStringLiteral("Dense 1"), line = title + QStringLiteral(" · output");
        auto w = [&](const QString& s) { return fm.horizontalAdvance(s); };
        QCOMPARE(fit_parts(line, fm, w(line) + 1), line);
        // Room for the name and a few letters of the detail.
        const QString some = fit_parts(line, fm, w(line) - 1);
        QVERIFY2(some.startsWith(title + QStringLiteral(" · ")) && some.endsWith(QChar(0x2026)), qPrintable(some));
        // Room for the name alone: the whole name, not "Dense …".
        QCOMPARE(fit_parts(line, fm, w(title) + 2), title);
        // Less than the name: only then is the name cut.
        const QString cut = fit_parts(line, fm, w(title) * 0.6);
        QVERIFY2(cut.endsWith(QChar(0x2026)) && w(cut) <= w(title) * 0.6, qPrintable(cut));
        // A detail line keeps its shape before its statistics.
        const QString detail = QStringLiteral("26×26 ×32 · max 3.1");
        QCOMPARE(fit_parts(detail, fm, w(QStringLiteral("26×26 ×32")) + 2), QStringLiteral("26×26 ×32"));
        // A title's numbers go before its name, word by word.
        QCOMPARE(fit_parts(QStringLiteral("Conv 32 3×3"), fm, w(QStringLiteral("Conv 32")) + 1), QStringLiteral("Conv 32"));
        QCOMPARE(fit_parts(QStringLiteral("Conv 32 3×3"), fm, w(QStringLiteral("Conv")) + 1), QStringLiteral("Conv"));
        // Not a name first ("+ ReLU", "64 units"): elided as before.
        QVERIFY(fit_parts(QStringLiteral("64 units"), fm, w(QStringLiteral("64 un"))).endsWith(QChar(0x2026)));
        // Text that fits is left alone.
        QCOMPARE(fit_parts(QStringLiteral("Convolution"), fm, w(QStringLiteral("Convolution")) + 1),
                 QStringLiteral("Convolution"));
    }

    // Every column's head in full as its tooltip, however narrow the canvas.
    void everyColumnShowsItsHeadInFull() {
        for (const char* preset : {"cnn-fashion", "spiral-tanh"}) {
            NetworkCanvas canvas;
            canvas.resize(420, 360);
            canvas.set_model(gs::load_preset(preset));
            const QImage img = canvas.render_image(canvas.size());
            QVERIFY(!img.isNull());
            if (const QByteArray dir = qgetenv("GS_CANVAS_SHOTS"); !dir.isEmpty())
                img.save(QString::fromLocal8Bit(dir) + QStringLiteral("/titles-%1.png").arg(preset));
            const gs::ModelSpec spec = gs::load_preset(preset);
            int tips = 0;
            for (int layer = 0; layer < static_cast<int>(spec.layers.size()); ++layer) {
                const QRect r = canvas.layer_rect(layer);
                if (r.isEmpty()) continue;
                const QString tip = canvas.tooltip_at(r.center());
                QVERIFY2(!tip.isEmpty(), qPrintable(QStringLiteral("%1 layer %2").arg(preset).arg(layer)));
                ++tips;
            }
            QVERIFY2(tips >= 3, preset);
            QVERIFY(canvas.tooltip_at(QPoint(-10, -10)).isEmpty());
        }
        // The conv columns' tips hold the whole detail line ("8×28×28"-like shapes).
        NetworkCanvas conv;
        conv.resize(420, 360);
        conv.set_model(gs::load_preset("cnn-fashion"));
        conv.render_image(conv.size());
        const QString first = conv.tooltip_at(conv.layer_rect(0).center());
        QVERIFY2(first.startsWith(QStringLiteral("Conv")) && first.contains(QChar(0x00D7)) && first.contains('\n'),
                 qPrintable(first));
        // The spiral's last column: its name and what folds into it.
        NetworkCanvas dense;
        dense.resize(420, 360);
        const gs::ModelSpec spiral = gs::load_preset("spiral-tanh");
        dense.set_model(spiral);
        dense.render_image(dense.size());
        const int last = static_cast<int>(spiral.layers.size()) - 1;
        const QString out = dense.tooltip_at(dense.layer_rect(last).center());
        QVERIFY2(out.startsWith(QStringLiteral("Dense")) && out.contains(QStringLiteral("\n+ Sigmoid")), qPrintable(out));
    }
};

QTEST_MAIN(TestCanvasTitles)
#include "test_canvas_titles.moc"
