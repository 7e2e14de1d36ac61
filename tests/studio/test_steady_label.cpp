// set_steady_text (window/steady_label.h): a read-out that changes many
// times a second (the step counter in the status bar, the timeline's step)
// keeps its size and does not ask the window to lay out again, where a
// plain QLabel::setText does; a longer text still fits, and a new font
// (presentation mode) sizes it anew.
#include <QFontMetrics>
#include <QHBoxLayout>
#include <QLabel>
#include <QtTest>

#include "window/steady_label.h"

using namespace gs::studio;

namespace {

// Counts the layout requests a widget receives.
struct LayoutRequests : QObject {
    int count = 0;
    bool eventFilter(QObject*, QEvent* e) override {
        if (e->type() == QEvent::LayoutRequest) ++count;
        return false;
    }
};

// A window with the label between two others, shown.
struct Row {
    QWidget top;
    QLabel* label = new QLabel;
    LayoutRequests requests;
    Row() {
        auto* row = new QHBoxLayout(&top);
        row->addWidget(new QLabel(QStringLiteral("Time")));
        row->addWidget(label);
        row->addWidget(new QLabel(QStringLiteral("after")), 1);
        top.show();
        top.installEventFilter(&requests);
    }
};

QString step_text(int step) { return QStringLiteral("Epoch 3 · Step %L1 · %L2 samples/s").arg(step).arg(step * 7); }

}  // namespace

class TestSteadyLabel : public QObject {
    Q_OBJECT
private slots:
    void a_changing_number_neither_relays_out_the_window_nor_resizes_the_label() {
        Row r;
        QVERIFY(QTest::qWaitForWindowExposed(&r.top));
        set_steady_text(r.label, step_text(1000));
        QCoreApplication::processEvents();
        const QSize size = r.label->size();
        r.requests.count = 0;
        for (int step = 1001; step <= 1200; ++step) {
            set_steady_text(r.label, step_text(step));
            QCoreApplication::processEvents();
        }
        QCOMPARE(r.requests.count, 0);
        QCOMPARE(r.label->size(), size);
        QCOMPARE(r.label->text(), step_text(1200));
        // The whole text is in view.
        QVERIFY(r.label->contentsRect().width() >= QFontMetrics(r.label->font()).horizontalAdvance(step_text(1200)));
    }

    void a_plain_set_text_does_relay_out_the_window() {
        // What the above guards against: the same texts through QLabel::setText.
        Row r;
        QVERIFY(QTest::qWaitForWindowExposed(&r.top));
        r.label->setText(step_text(1000));
        QCoreApplication::processEvents();
        r.requests.count = 0;
        for (int step = 1001; step <= 1020; ++step) {
            r.label->setText(step_text(step));
            QCoreApplication::processEvents();
        }
        QVERIFY(r.requests.count >= 20);
    }

    void a_longer_text_widens_the_label_and_a_new_font_sizes_it_anew() {
        Row r;
        QVERIFY(QTest::qWaitForWindowExposed(&r.top));
        set_steady_text(r.label, step_text(5));
        const int narrow = r.label->width();
        const QString longer = step_text(123456789) + QStringLiteral(" · 12:34:56");
        set_steady_text(r.label, longer);
        QCoreApplication::processEvents();
        QVERIFY(r.label->width() > narrow);
        QVERIFY(r.label->contentsRect().width() >= QFontMetrics(r.label->font()).horizontalAdvance(longer));
        // A shorter text keeps the width (no jitter when a number loses a digit).
        const int wide = r.label->width();
        set_steady_text(r.label, step_text(5));
        QCoreApplication::processEvents();
        QCOMPARE(r.label->width(), wide);
        // Twice the font: the height and width follow the new font.
        QFont big = r.label->font();
        big.setPointSizeF(big.pointSizeF() * 2);
        r.label->setFont(big);
        set_steady_text(r.label, step_text(6));
        QCoreApplication::processEvents();
        const QFontMetrics fm(big);
        QVERIFY(r.label->height() >= fm.height());
        QVERIFY(r.label->contentsRect().width() >= fm.horizontalAdvance(step_text(6)));
    }
};

QTEST_MAIN(TestSteadyLabel)
#include "test_steady_label.moc"
