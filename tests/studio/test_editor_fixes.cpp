// The network editor against what got in a teacher's way (issue 13): the
// wheel over a field while scrolling the panel, remove-then-insert, changing
// a layer's type in place, messages in the screen's words and advice that
// fits the data, the inspector following an insert, and a narrow dock.
#include <QApplication>
#include <QComboBox>
#include <QContextMenuEvent>
#include <QListView>
#include <QMenu>
#include <QScrollArea>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>
#include <QToolButton>
#include <QUndoStack>
#include <QWheelEvent>

#include "editor/layer_catalog.h"
#include "editor/layer_form.h"
#include "editor/layer_list_model.h"
#include "editor/layer_list_view.h"
#include "editor/network_editor.h"
#include "gradscope/presets.h"
#include "inspector/layer_inspector.h"

using namespace gs::studio;

namespace {

std::vector<std::string> types(const gs::ModelSpec& s) {
    std::vector<std::string> t;
    for (const auto& l : s.layers) t.push_back(l.type);
    return t;
}

// One notch of the wheel (down) over the middle of w, as Qt delivers it.
void wheel_down(QWidget* w) {
    const QPointF at(w->width() / 2.0, w->height() / 2.0);
    QWheelEvent e(at, w->mapToGlobal(at), QPoint(), QPoint(0, -120), Qt::NoButton, Qt::NoModifier,
                  Qt::NoScrollPhase, false);
    QApplication::sendEvent(w, &e);
}

gs::LayerSpec layer(const char* type, int units = 0) {
    gs::LayerSpec l;
    l.type = type;
    l.units = units;
    return l;
}

}  // namespace

class TestEditorFixes : public QObject {
    Q_OBJECT
private slots:
    void theWheelChangesOnlyAFocusedField();
    void removeThenInsertFillsTheGap();
    void aLayersTypeChangesInPlace();
    void theRowMenuChangesTheType();
    void messagesUseTheScreensWords();
    void adviceFitsTheData();
    void theInspectorFollowsAnInsert();
    void fitsANarrowDock();
};

// Scrolling the Network panel passes over the Units box: the value stays.
// Once the field has the focus (a click), the wheel changes it.
void TestEditorFixes::theWheelChangesOnlyAFocusedField() {
    NetworkEditor ed;
    ed.resize(330, 700);
    ed.set_spec(gs::load_preset("spiral-tanh"));
    ed.show();
    ed.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&ed));
    ed.select_layer(0);
    auto* units = qobject_cast<QSpinBox*>(ed.form()->field_widget(LayerField::Units));
    QVERIFY(units);
    ed.layer_view()->setFocus();
    QVERIFY(!units->hasFocus());
    wheel_down(units);
    QCOMPARE(units->value(), 8);
    QCOMPARE(ed.spec().layers[0].units, 8);
    QCOMPARE(units->focusPolicy(), Qt::StrongFocus);  // a click or Tab focuses it, not the wheel
    // The loss combo too.
    auto* loss = ed.findChild<QComboBox*>("loss");
    const int before = loss->currentIndex();
    wheel_down(loss);
    QCOMPARE(loss->currentIndex(), before);
    QCOMPARE(ed.spec().loss, std::string("binary_cross_entropy"));
    // Focused, the wheel is the field's.
    units->setFocus();
    QVERIFY(units->hasFocus());
    wheel_down(units);
    QCOMPARE(units->value(), 7);
    QCOMPARE(ed.spec().layers[0].units, 7);
}

// Dense Tanh Dense Tanh Dense Sigmoid: removing the first Tanh and adding a
// ReLU puts the ReLU where the Tanh was.
void TestEditorFixes::removeThenInsertFillsTheGap() {
    NetworkEditor ed;
    ed.set_spec(gs::load_preset("spiral-tanh"));
    ed.select_layer(1);
    ed.remove_selected();
    QCOMPARE(ed.selected_layer(), 0);
    ed.add_layer("ReLU");
    QCOMPARE(types(ed.spec()), (std::vector<std::string>{"Dense", "ReLU", "Dense", "Tanh", "Dense", "Sigmoid"}));
    QCOMPARE(ed.selected_layer(), 1);
    // The first layer removed: the insert goes first too.
    ed.select_layer(0);
    ed.remove_selected();
    QCOMPARE(ed.selected_layer(), 0);
    ed.add_layer("Dense");
    QCOMPARE(types(ed.spec()), (std::vector<std::string>{"Dense", "ReLU", "Dense", "Tanh", "Dense", "Sigmoid"}));
    QCOMPARE(ed.selected_layer(), 0);
    // ... but only right after the removal: another selection inserts after it again.
    ed.select_layer(1);
    ed.select_layer(0);
    ed.add_layer("Dropout");
    QCOMPARE(ed.spec().layers[1].type, std::string("Dropout"));
}

// Tanh -> ReLU through the form's Type box: one edit, undoable; Dense's
// units survive a trip through Conv2D's filters.
void TestEditorFixes::aLayersTypeChangesInPlace() {
    NetworkEditor ed;
    ed.set_spec(gs::load_preset("spiral-tanh"));
    ed.select_layer(1);
    QComboBox* type = ed.form()->type_box();
    QVERIFY(type);
    QCOMPARE(type->currentText(), QString("Tanh"));
    const int relu = type->findData("ReLU");
    QVERIFY(relu >= 0);
    type->setCurrentIndex(relu);
    emit type->activated(relu);
    QCOMPARE(ed.spec().layers[1].type, std::string("ReLU"));
    QCOMPARE(ed.spec().layers.size(), size_t{6});
    QCOMPARE(ed.selected_layer(), 1);
    QCOMPARE(ed.undo_stack()->undoText(), QString("Change Tanh to ReLU"));
    QVERIFY(ed.is_valid());
    ed.undo_stack()->undo();
    QCOMPARE(ed.spec().layers[1].type, std::string("Tanh"));

    gs::LayerSpec dense = layer("Dense", 8);
    dense.bias = false;
    const gs::LayerSpec conv = convert_layer(dense, "Conv2D");
    QCOMPARE(conv.type, std::string("Conv2D"));
    QCOMPARE(conv.filters, 8);
    QCOMPARE(conv.kernel, 3);
    QVERIFY(!conv.bias);
    const gs::LayerSpec back = convert_layer(conv, "Dense");
    QCOMPARE(back.units, 8);
    gs::LayerSpec pool = layer("MaxPool2D");
    pool.kernel = 3;
    pool.stride = 2;
    QCOMPARE(convert_layer(pool, "AvgPool2D").kernel, 3);
    QCOMPARE(convert_layer(pool, "AvgPool2D").stride, 2);
}

// A right click on a row: "Change type" offers what the layer can become
// in place, and a choice is one undoable edit.
void TestEditorFixes::theRowMenuChangesTheType() {
    NetworkEditor ed;
    ed.resize(300, 600);
    ed.show();
    ed.set_spec(gs::load_preset("spiral-tanh"));  // Dense, Tanh, Dense, Tanh, Dense, Sigmoid
    auto* view = qobject_cast<LayerListView*>(ed.layer_view());
    QVERIFY(view);
    auto choices = [&](int row) {
        std::unique_ptr<QMenu> menu(view->row_menu(row));
        QStringList names;
        if (!menu) return names;
        auto* change = menu->findChild<QMenu*>("change_type");
        if (!change) return names;
        for (QAction* a : change->actions()) names << a->text();
        return names;
    };
    // An activation becomes another activation, never a Dense layer.
    const QStringList act = choices(1);
    QVERIFY2(act.contains("ReLU") && act.contains("Sigmoid") && !act.contains("Tanh") && !act.contains("Dense"),
             qPrintable(act.join(',')));
    QVERIFY2(choices(0).contains("Conv2D") && !choices(0).contains("ReLU"), qPrintable(choices(0).join(',')));

    // A right click on row 1 pops the menu up, for that row.
    const QRect r = view->visualRect(ed.layer_model()->index(1));
    QContextMenuEvent click(QContextMenuEvent::Mouse, r.center(), view->viewport()->mapToGlobal(r.center()));
    QApplication::sendEvent(view->viewport(), &click);
    auto* popup = qobject_cast<QMenu*>(QApplication::activePopupWidget());
    QVERIFY(popup);
    QCOMPARE(ed.selected_layer(), 1);
    auto* change = popup->findChild<QMenu*>("change_type");
    QVERIFY(change && change->isEnabled());
    QAction* relu = change->findChild<QAction*>("ReLU");
    QVERIFY(relu);
    if (const QByteArray dir = qgetenv("GS_EDITOR_SHOTS"); !dir.isEmpty()) {
        popup->setActiveAction(popup->actions().front());
        change->popup(popup->mapToGlobal(QPoint(popup->width(), 0)));
        QCoreApplication::processEvents();
        ed.grab().save(QString::fromLocal8Bit(dir) + "/row-menu-editor.png");
        popup->grab().save(QString::fromLocal8Bit(dir) + "/row-menu.png");
        change->grab().save(QString::fromLocal8Bit(dir) + "/row-menu-change-type.png");
    }
    relu->trigger();
    popup->close();
    QCOMPARE(ed.spec().layers[1].type, std::string("ReLU"));
    QCOMPARE(ed.spec().layers.size(), size_t{6});
    QCOMPARE(ed.undo_stack()->undoText(), QString("Change Tanh to ReLU"));
    QVERIFY(ed.is_valid());
    ed.undo_stack()->undo();
    QCOMPARE(ed.spec().layers[1].type, std::string("Tanh"));

    // Dense 8 -> Conv2D keeps the width as filters; undo brings Dense 8 back.
    const int units = ed.spec().layers[0].units;
    std::unique_ptr<QMenu> menu(view->row_menu(0));
    QAction* conv = menu->findChild<QMenu*>("change_type")->findChild<QAction*>("Conv2D");
    QVERIFY(conv);
    conv->trigger();
    QCOMPARE(ed.spec().layers[0].type, std::string("Conv2D"));
    QCOMPARE(ed.spec().layers[0].filters, units);
    ed.undo_stack()->undo();
    QCOMPARE(ed.spec().layers[0].type, std::string("Dense"));
    QCOMPARE(ed.spec().layers[0].units, units);

    // Flatten has nothing to become; while training the menu edits nothing.
    QVERIFY(type_changes("Flatten").isEmpty());
    ed.set_read_only(true);
    std::unique_ptr<QMenu> locked(view->row_menu(1));
    QVERIFY(!locked->findChild<QMenu*>("change_type")->isEnabled());
}

// What the engine writes for spec files becomes what the screen shows.
void TestEditorFixes::messagesUseTheScreensWords() {
    QCOMPARE(text_for_people("binary cross-entropy needs a two-class set, but three/train has 3 classes — use "
                             "softmax_cross_entropy or mse"),
             QString("binary cross-entropy needs a two-class set, but three has 3 classes — use softmax "
                     "cross-entropy or mean squared error"));
    QCOMPARE(text_for_people("the model expects inputs of [2] but spiral/train has items of [1, 28, 28] — set "
                             "\"input\" to [1, 28, 28]"),
             QString("the model expects inputs of [2] but spiral has items of [1, 28, 28] — set Input to 1x28x28"));
    QCOMPARE(text_for_people("/data/three/train.csv: bad"), QString("/data/three/train.csv: bad"));

    NetworkEditor ed;
    ed.set_spec(gs::load_preset("spiral-tanh"));
    while (ed.layer_model()->rowCount() > 0) {
        ed.select_layer(0);
        ed.remove_selected();
    }
    QVERIFY(!ed.is_valid());
    QVERIFY2(!ed.problem().contains('{') && !ed.problem().contains("\"type\""), qPrintable(ed.problem()));
    QVERIFY(ed.problem().contains("Dense layer"));
    QVERIFY(!ed.banner_text().contains('{'));

    // A 2-unit Dense output under binary cross-entropy: no ids, no JSON in the rows.
    gs::ModelSpec s = gs::load_preset("spiral-tanh");
    s.layers.pop_back();  // no final Sigmoid
    s.layers.back().units = 2;
    ed.set_spec(s);
    QVERIFY(!ed.is_valid());
    for (int r = 0; r < ed.layer_model()->rowCount(); ++r)
        QVERIFY2(!ed.row_text(r).contains('_') && !ed.row_text(r).contains('{'), qPrintable(ed.row_text(r)));
    QVERIFY2(!ed.banner_text().contains('{') && !ed.banner_text().contains("_"), qPrintable(ed.banner_text()));
    QVERIFY(ed.banner_text().contains("a Sigmoid layer"));
}

// spiral-tanh's Dense 1 + Sigmoid on a 3-class CSV.
void TestEditorFixes::adviceFitsTheData() {
    NetworkEditor ed;
    ed.set_spec(gs::load_preset("spiral-tanh"));
    QVERIFY(ed.data_problem().isEmpty());
    ed.set_data_facts(3, 1, "three/train");
    QVERIFY(ed.is_valid());  // the engine alone decides what may train
    const QString p = ed.data_problem();
    QVERIFY2(p.contains("3 classes") && p.contains("3 units") && p.contains("Softmax") &&
                 p.contains("softmax cross-entropy"),
             qPrintable(p));
    QVERIFY(p.contains("(three)"));
    QVERIFY(ed.banner_text().contains(p));
    // Loss switched to softmax cross-entropy: the engine's "for two classes
    // use binary cross-entropy" gives way to what fits 3 classes.
    auto* loss = ed.findChild<QComboBox*>("loss");
    const int sce = loss->findData("softmax_cross_entropy");
    loss->setCurrentIndex(sce);
    emit loss->activated(sce);
    QVERIFY(!ed.is_valid());
    const QString q = ed.problem();
    QVERIFY2(!q.contains("for two classes") && !q.contains("binary") && !q.contains('_'), qPrintable(q));
    QVERIFY2(q.contains("3 units") && q.contains("Softmax"), qPrintable(q));
    // Fixed as advised: Dense 3 + Softmax. Nothing left to say.
    gs::ModelSpec fixed = ed.spec();
    fixed.layers[4].units = 3;
    fixed.layers[5].type = "Softmax";
    ed.set_spec(fixed);
    QVERIFY(ed.is_valid());
    QVERIFY(ed.data_problem().isEmpty());
    // Two classes: the engine's two-class advice stands.
    ed.set_data_facts(2, 1, "spiral/train");
    fixed.layers[4].units = 1;
    ed.set_spec(fixed);
    QVERIFY(ed.problem().contains("for two classes use binary cross-entropy"));
    // Regression data under a classification loss.
    ed.set_spec(gs::load_preset("spiral-tanh"));
    ed.set_data_facts(0, 1, "line/train");
    QVERIFY2(ed.data_problem().contains("regression") && ed.data_problem().contains("mean squared error"),
             qPrintable(ed.data_problem()));
}

// Wired as the main window wires them: the inspector shows the layer just
// inserted, not "No layer selected".
void TestEditorFixes::theInspectorFollowsAnInsert() {
    NetworkEditor ed;
    LayerInspector insp;
    connect(&ed, &NetworkEditor::specChanged, &insp, [&] { insp.set_model(ed.spec()); });
    connect(&ed, &NetworkEditor::layerSelected, &insp, &LayerInspector::show_layer);
    ed.set_spec(gs::load_preset("spiral-tanh"));
    ed.select_layer(5);
    ed.add_layer("ReLU");
    QCOMPARE(ed.selected_layer(), 6);
    QVERIFY2(insp.title_text().startsWith("Layer 7"), qPrintable(insp.title_text()));
}

// In a dock as narrow as a 1280x720 screen leaves, the editor is laid out
// no wider than what shows.
void TestEditorFixes::fitsANarrowDock() {
    QScrollArea dock;
    dock.setWidgetResizable(true);
    dock.setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto* ed = new NetworkEditor;
    dock.setWidget(ed);
    dock.resize(210, 800);
    dock.show();
    ed->set_spec(gs::load_preset("cnn-fashion"));
    ed->select_layer(0);
    QCoreApplication::processEvents();
    QVERIFY2(ed->width() <= dock.viewport()->width(),
             qPrintable(QString("content %1 px wide in a viewport of %2 px").arg(ed->width()).arg(dock.viewport()->width())));
    // The Network dock of a 1280x720 window: each button shows its word or
    // its symbol whole ("Remove" or "✕"), never a word cut at both ends.
    dock.resize(190, 800);
    QCoreApplication::processEvents();
    for (QToolButton* b : ed->findChildren<QToolButton*>()) {
        if (!b->isVisible() || b->text().isEmpty()) continue;
        QVERIFY2(b->fontMetrics().horizontalAdvance(b->text()) + 6 <= b->width(),
                 qPrintable(QString("'%1' in %2 px").arg(b->text()).arg(b->width())));
    }
}

QTEST_MAIN(TestEditorFixes)
#include "test_editor_fixes.moc"
