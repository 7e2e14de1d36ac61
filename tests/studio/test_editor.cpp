// The network editor against what a user does: every preset loads valid
// with the engine's shapes and counts at each row; an invalid edit shows the
// engine's message at its layer; the keys, drag and drop (through the
// model's move and drop paths, as the list view calls them), the parameter
// form, undo, read-only mode, and the totals.
#include <QApplication>
#include <QComboBox>
#include <QLineEdit>
#include <QListView>
#include <QMimeData>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>
#include <QUndoStack>

#include "editor/layer_catalog.h"
#include "editor/layer_form.h"
#include "editor/layer_list_model.h"
#include "editor/layer_palette.h"
#include "editor/network_editor.h"
#include "gradscope/presets.h"

using namespace gs::studio;
using Model = LayerListModel;

namespace {

QString role(NetworkEditor& ed, int row, int r) {
    return ed.layer_model()->data(ed.layer_model()->index(row), r).toString();
}

std::vector<std::string> types(const gs::ModelSpec& s) {
    std::vector<std::string> t;
    for (const auto& l : s.layers) t.push_back(l.type);
    return t;
}

// Types a value into a spin box and presses Enter, as a user would.
void type_into(QSpinBox* spin, const QString& text) {
    spin->selectAll();
    QTest::keyClicks(spin, text);
    QTest::keyClick(spin, Qt::Key_Return);
}

}  // namespace

class TestEditor : public QObject {
    Q_OBJECT
private slots:
    void everyPresetLoadsValidWithTheEnginesShapes();
    void removingFlattenShowsTheEnginesMessageAtTheLayer();
    void keyboardMovesRemovesInsertsAndUndoes();
    void dragAndDropMovesAndInsertsThroughTheModel();
    void dropOnTheViewFromThePaletteInserts();
    void editingAParameterChangesTheSpec();
    void outOfRangeAndNonNumbersAreReportedNotCrashes();
    void readOnlyRefusesEdits();
    void inputAndLossEditsValidate();
    void totalsCountParametersAndMemory();
    void restOfTheSpecIsKept();
};

void TestEditor::everyPresetLoadsValidWithTheEnginesShapes() {
    const auto names = gs::preset_names();
    QVERIFY(names.size() >= 6);
    for (const std::string& name : names) {
        const gs::ModelSpec spec = gs::load_preset(name);
        NetworkEditor ed;
        QSignalSpy changed(&ed, &NetworkEditor::specChanged);
        ed.set_spec(spec);
        QCOMPARE(changed.count(), 1);
        QVERIFY2(ed.is_valid(), qPrintable(QString::fromStdString(name) + ": " + ed.problem()));
        QVERIFY(ed.problem().isEmpty());
        QCOMPARE(ed.layer_model()->rowCount(), static_cast<int>(spec.layers.size()));
        std::vector<gs::LayerInfo> info;
        QVERIFY(gs::validate_spec(spec, &info).empty());
        for (size_t i = 0; i < info.size(); ++i) {
            const int r = static_cast<int>(i);
            QCOMPARE(role(ed, r, Model::ShapeRole), QString::fromStdString(info[i].out.str()));
            QCOMPARE(ed.layer_model()->data(ed.layer_model()->index(r), Model::ParamsRole).toULongLong(),
                     static_cast<qulonglong>(info[i].params));
            QVERIFY(role(ed, r, Model::IssueRole).isEmpty());
        }
        QCOMPARE(gs::spec_to_json(ed.spec()), gs::spec_to_json(spec));  // untouched round trip
    }
    // Two values by hand: cnn-fashion's first Conv2D (32 filters, 3x3 on 1x28x28).
    NetworkEditor ed;
    ed.set_spec(gs::load_preset("cnn-fashion"));
    QCOMPARE(role(ed, 0, Model::ShapeRole), QString("32x26x26"));
    QCOMPARE(role(ed, 0, Model::ParamsTextRole), QString("320 params"));
    QCOMPARE(ed.row_text(0), QString("1 Conv2D (32 filters · 3×3) → 32x26x26 · 320 params"));
}

void TestEditor::removingFlattenShowsTheEnginesMessageAtTheLayer() {
    NetworkEditor ed;
    const gs::ModelSpec original = gs::load_preset("cnn-fashion");
    ed.set_spec(original);
    QCOMPARE(QString::fromStdString(original.layers[8].type), QString("Flatten"));
    ed.select_layer(8);
    ed.remove_selected();
    QVERIFY(!ed.is_valid());
    // The engine's own message, at the Dense layer that now follows the ReLU.
    gs::ModelSpec broken = original;
    broken.layers.erase(broken.layers.begin() + 8);
    const auto issues = gs::validate_spec(broken);
    QCOMPARE(issues.size(), size_t{1});
    QCOMPARE(issues[0].layer, 8);
    const QString msg = "expects a flat input, got 64x3x3 — insert Flatten before it";
    QCOMPARE(QString::fromStdString(issues[0].message), msg);
    QCOMPARE(role(ed, 8, Model::IssueRole), msg);
    QVERIFY(ed.row_text(8).contains(msg));
    QVERIFY(role(ed, 8, Qt::ToolTipRole).contains("expects a flat input, got 64x3x3"));
    QCOMPARE(ed.problem(), "layer 9 (Dense): " + msg);
    QCOMPARE(ed.issues().size(), size_t{1});
    QCOMPARE(role(ed, 8, Model::ShapeRole), QString("?"));  // unknown from there on
    QCOMPARE(role(ed, 7, Model::ShapeRole), QString("64x3x3"));
    QVERIFY(ed.banner_text().isEmpty());  // a layer's problem, not the spec's
    QCOMPARE(ed.selected_layer(), 7);     // the layer before the removed one
    ed.select_layer(8);
    QCOMPARE(ed.form()->message(), msg);  // the selected layer's form says it too

    // Restoring it (insert Flatten after the ReLU) makes it valid again.
    ed.select_layer(7);
    ed.add_layer("Flatten");
    QVERIFY2(ed.is_valid(), qPrintable(ed.problem()));
    QCOMPARE(ed.selected_layer(), 8);
    QCOMPARE(gs::spec_to_json(ed.spec()), gs::spec_to_json(original));
    QVERIFY(role(ed, 9, Model::IssueRole).isEmpty());
    // And undoing twice (the insert, the removal) gives the original too.
    ed.undo_stack()->undo();
    QVERIFY(!ed.is_valid());
    ed.undo_stack()->undo();
    QVERIFY(ed.is_valid());
    QCOMPARE(ed.layer_model()->rowCount(), 13);
}

void TestEditor::keyboardMovesRemovesInsertsAndUndoes() {
    NetworkEditor ed;
    ed.set_spec(gs::load_preset("spiral-tanh"));  // Dense Tanh Dense Tanh Dense Sigmoid
    QListView* view = ed.layer_view();
    QSignalSpy changed(&ed, &NetworkEditor::specChanged);
    ed.select_layer(0);
    QTest::keyClick(view, Qt::Key_Down, Qt::ControlModifier);
    QCOMPARE(types(ed.spec()), (std::vector<std::string>{"Tanh", "Dense", "Dense", "Tanh", "Dense", "Sigmoid"}));
    QCOMPARE(ed.selected_layer(), 1);
    QCOMPARE(changed.count(), 1);
    // Tanh first is fine for the engine: it keeps the shape (2).
    QCOMPARE(role(ed, 0, Model::ShapeRole), QString("2"));
    QTest::keyClick(view, Qt::Key_Up, Qt::ControlModifier);
    QCOMPARE(types(ed.spec())[0], std::string("Dense"));
    QCOMPARE(ed.selected_layer(), 0);
    QTest::keyClick(view, Qt::Key_Up, Qt::ControlModifier);  // already first: nothing
    QCOMPARE(changed.count(), 2);

    ed.select_layer(3);
    QTest::keyClick(view, Qt::Key_Delete);
    QCOMPARE(types(ed.spec()), (std::vector<std::string>{"Dense", "Tanh", "Dense", "Dense", "Sigmoid"}));
    QCOMPARE(ed.selected_layer(), 2);  // the layer before: an insert fills the gap
    ed.layer_palette()->set_current_type("ReLU");
    QTest::keyClick(view, Qt::Key_Insert);
    QCOMPARE(types(ed.spec()), (std::vector<std::string>{"Dense", "Tanh", "Dense", "ReLU", "Dense", "Sigmoid"}));
    QCOMPARE(ed.selected_layer(), 3);
    ed.select_layer(4);
    ed.layer_palette()->set_current_type("Dense");
    QTest::keyClick(view, Qt::Key_N, Qt::ControlModifier);
    QCOMPARE(ed.spec().layers[5].type, std::string("Dense"));
    QCOMPARE(ed.spec().layers[5].units, 16);  // the palette's default
    QCOMPARE(ed.selected_layer(), 5);
    // A new Dense before a rectifier would get he_uniform; before Sigmoid, xavier.
    QCOMPARE(ed.spec().layers[5].init, std::string("xavier_uniform"));
    QCOMPARE(ed.spec().layers[2].init, std::string("xavier_uniform"));  // kept as given

    QTest::keyClick(view, Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(ed.spec().layers.size(), size_t{6});
    QTest::keyClick(view, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
    QCOMPARE(ed.spec().layers.size(), size_t{7});
    for (int i = 0; i < 10; ++i) QTest::keyClick(view, Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(gs::spec_to_json(ed.spec()), gs::spec_to_json(gs::load_preset("spiral-tanh")));

    // Enter puts the focus in the selected layer's first field.
    ed.show();
    ed.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&ed));
    ed.select_layer(0);
    view->setFocus();
    QTest::keyClick(view, Qt::Key_Return);
    QWidget* units = ed.form()->field_widget(LayerField::Units);
    QWidget* focus = QApplication::focusWidget();
    QVERIFY(focus);
    QVERIFY(focus == units || focus->parentWidget() == units);
}

void TestEditor::dragAndDropMovesAndInsertsThroughTheModel() {
    NetworkEditor ed;
    ed.set_spec(gs::load_preset("xor-sigmoid"));  // Dense Sigmoid Dense Sigmoid
    Model* m = ed.layer_model();
    QSignalSpy changed(&ed, &NetworkEditor::specChanged);
    // What QListView does on an internal drop: moveRows (row 0 to before row 3).
    QVERIFY(m->moveRows({}, 0, 1, {}, 3));
    QCOMPARE(types(ed.spec()), (std::vector<std::string>{"Sigmoid", "Dense", "Dense", "Sigmoid"}));
    QCOMPARE(changed.count(), 1);
    QVERIFY(!m->moveRows({}, 1, 1, {}, 2));  // onto itself
    // Dragged rows as mime data, dropped at the top.
    std::unique_ptr<QMimeData> rows(m->mimeData({m->index(2)}));
    QVERIFY(rows->hasFormat(Model::kRowsMime));
    m->dropMimeData(rows.get(), Qt::MoveAction, 0, 0, {});
    QCOMPARE(types(ed.spec()), (std::vector<std::string>{"Dense", "Sigmoid", "Dense", "Sigmoid"}));
    QCOMPARE(ed.spec().layers[0].units, 3);  // the first Dense (3 units), moved back
    // A type from the palette, dropped between rows 1 and 2.
    QMimeData type;
    type.setData(Model::kTypeMime, "Dropout");
    QVERIFY(m->canDropMimeData(&type, Qt::CopyAction, 2, 0, {}));
    QVERIFY(m->dropMimeData(&type, Qt::CopyAction, 2, 0, {}));
    QCOMPARE(ed.spec().layers[2].type, std::string("Dropout"));
    QCOMPARE(ed.spec().layers[2].rate, 0.5f);
    QCOMPARE(ed.selected_layer(), 2);
    // Dropped on a row: after it.
    type.setData(Model::kTypeMime, "BatchNorm");
    QVERIFY(m->dropMimeData(&type, Qt::CopyAction, -1, -1, m->index(0)));
    QCOMPARE(ed.spec().layers[1].type, std::string("BatchNorm"));
    // Something that is not a layer type is refused.
    type.setData(Model::kTypeMime, "Dence");
    QVERIFY(!m->dropMimeData(&type, Qt::CopyAction, 0, 0, {}));
    QCOMPARE(ed.spec().layers.size(), size_t{6});
    QCOMPARE(changed.count(), 4);
    QVERIFY(ed.undo_stack()->count() == 4);
}

void TestEditor::dropOnTheViewFromThePaletteInserts() {
    NetworkEditor ed;
    ed.resize(330, 700);
    ed.set_spec(gs::load_preset("spiral-tanh"));
    ed.show();
    QVERIFY(QTest::qWaitForWindowExposed(&ed));
    QListView* view = ed.layer_view();
    // A drop below the last row, as the palette's drag delivers it.
    QMimeData data;
    data.setData(Model::kTypeMime, "GELU");
    const QPoint below(20, view->visualRect(ed.layer_model()->index(5)).bottom() + 10);
    QDragEnterEvent enter(below, Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(view->viewport(), &enter);
    QDragMoveEvent move(below, Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(view->viewport(), &move);
    QDropEvent drop(below, Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(view->viewport(), &drop);
    QCOMPARE(ed.spec().layers.size(), size_t{7});
    QCOMPARE(ed.spec().layers[6].type, std::string("GELU"));
    QVERIFY(!ed.is_valid());  // binary cross-entropy wants a final Sigmoid
    QVERIFY(ed.banner_text().startsWith("loss: binary cross-entropy expects a final Sigmoid"));
}

void TestEditor::editingAParameterChangesTheSpec() {
    NetworkEditor ed;
    ed.set_spec(gs::load_preset("spiral-tanh"));
    ed.select_layer(0);
    auto* units = qobject_cast<QSpinBox*>(ed.form()->field_widget(LayerField::Units));
    QVERIFY(units);
    QCOMPARE(units->value(), 8);
    QVERIFY(!ed.form()->field_widget(LayerField::Filters));  // only Dense's fields
    QVERIFY(!ed.form()->field_widget(LayerField::Rate));
    QSignalSpy changed(&ed, &NetworkEditor::specChanged);
    type_into(units, "32");
    QCOMPARE(changed.count(), 1);
    QCOMPARE(ed.spec().layers[0].units, 32);
    QCOMPARE(role(ed, 0, Model::ParamsTextRole), QString("96 params"));   // 2*32 + 32
    QCOMPARE(role(ed, 2, Model::ParamsTextRole), QString("264 params"));  // 32*8 + 8
    QCOMPARE(role(ed, 0, Model::ShapeRole), QString("32"));
    QVERIFY(ed.is_valid());
    // The same widget stays (the focus is not lost while editing).
    QCOMPARE(ed.form()->field_widget(LayerField::Units), units);
    ed.undo_stack()->undo();
    QCOMPARE(ed.spec().layers[0].units, 8);
    QCOMPARE(units->value(), 8);

    // Conv2D fields on cnn-fashion: padding 1 keeps 28x28.
    ed.set_spec(gs::load_preset("cnn-fashion"));
    ed.select_layer(0);
    auto* padding = qobject_cast<QSpinBox*>(ed.form()->field_widget(LayerField::Padding));
    QVERIFY(padding);
    type_into(padding, "1");
    QCOMPARE(ed.spec().layers[0].padding, 1);
    QCOMPARE(role(ed, 0, Model::ShapeRole), QString("32x28x28"));
    QCOMPARE(role(ed, 2, Model::ShapeRole), QString("32x14x14"));
    QVERIFY(ed.is_valid());
}

void TestEditor::outOfRangeAndNonNumbersAreReportedNotCrashes() {
    NetworkEditor ed;
    ed.set_spec(gs::load_preset("spiral-tanh"));
    ed.select_layer(2);
    auto* units = qobject_cast<QSpinBox*>(ed.form()->field_widget(LayerField::Units));
    type_into(units, "0");
    QVERIFY(!ed.is_valid());
    QCOMPARE(role(ed, 2, Model::IssueRole), QString("units: must be between 1 and 16,777,216, got 0"));
    QCOMPARE(ed.problem(), QString("layer 3 (Dense): units: must be between 1 and 16,777,216, got 0"));
    QVERIFY(units->styleSheet().contains("border"));  // the field is marked
    type_into(units, "2000000000");
    QCOMPARE(role(ed, 2, Model::IssueRole),
             QString("units: must be between 1 and 16,777,216, got 2,000,000,000"));
    type_into(units, "8");
    QVERIFY(ed.is_valid());
    QVERIFY(units->styleSheet().isEmpty());

    // A Dropout's rate: a word is refused with a message; 1.5 reaches the engine.
    ed.add_layer("Dropout");
    QCOMPARE(ed.selected_layer(), 3);
    auto* rate = qobject_cast<QLineEdit*>(ed.form()->field_widget(LayerField::Rate));
    QVERIFY(rate);
    QCOMPARE(rate->text(), QString("0.5"));
    const int edits = ed.undo_stack()->count();
    rate->setText("half");
    emit rate->editingFinished();
    QCOMPARE(ed.spec().layers[3].rate, 0.5f);
    QCOMPARE(ed.undo_stack()->count(), edits);
    QVERIFY(ed.form()->message().contains("'half' is not a number"));
    QCOMPARE(rate->text(), QString("0.5"));
    rate->setText("1.5");
    emit rate->editingFinished();
    QCOMPARE(ed.spec().layers[3].rate, 1.5f);
    QVERIFY(!ed.is_valid());
    QVERIFY(role(ed, 3, Model::IssueRole).startsWith("rate: must be"));
    QVERIFY(role(ed, 3, Model::IssueRole).endsWith("got 1.5"));
}

void TestEditor::readOnlyRefusesEdits() {
    NetworkEditor ed;
    ed.set_spec(gs::load_preset("spiral-tanh"));
    ed.select_layer(1);
    QSignalSpy changed(&ed, &NetworkEditor::specChanged);
    ed.set_read_only(true);
    QVERIFY(ed.is_read_only());
    QVERIFY(ed.notice_text().contains("Training is running"));
    QTest::keyClick(ed.layer_view(), Qt::Key_Delete);
    QTest::keyClick(ed.layer_view(), Qt::Key_Down, Qt::ControlModifier);
    QTest::keyClick(ed.layer_view(), Qt::Key_Insert);
    QVERIFY(!ed.layer_model()->moveRows({}, 0, 1, {}, 3));
    QMimeData type;
    type.setData(Model::kTypeMime, "ReLU");
    QVERIFY(!ed.layer_model()->dropMimeData(&type, Qt::CopyAction, 0, 0, {}));
    QVERIFY(!ed.form()->field_widget(LayerField::Units) ||
            !ed.form()->field_widget(LayerField::Units)->isEnabled());
    QCOMPARE(changed.count(), 0);
    QCOMPARE(ed.spec().layers.size(), size_t{6});
    QCOMPARE(ed.selected_layer(), 1);  // selecting still works: the inspector follows it
    ed.select_layer(0);
    QVERIFY(!ed.form()->field_widget(LayerField::Units)->isEnabled());
    ed.set_read_only(false);
    QVERIFY(ed.notice_text().isEmpty());
    QVERIFY(ed.form()->field_widget(LayerField::Units)->isEnabled());
    QTest::keyClick(ed.layer_view(), Qt::Key_Delete);
    QCOMPARE(ed.spec().layers.size(), size_t{5});
}

void TestEditor::inputAndLossEditsValidate() {
    NetworkEditor ed;
    ed.set_spec(gs::load_preset("spiral-tanh"));
    auto* input = ed.findChild<QLineEdit*>("input");
    QVERIFY(input);
    QCOMPARE(input->text(), QString("2"));
    input->setText("1x28");
    emit input->editingFinished();
    QVERIFY(!ed.is_valid());
    QVERIFY(ed.banner_text().startsWith("input: expects [features] or [channels, height, width]"));
    input->setText("nonsense");
    emit input->editingFinished();
    QCOMPARE(ed.spec().input.rank, 2);  // unchanged by text that is not a shape
    input->setText("[2]");
    emit input->editingFinished();
    QVERIFY(ed.is_valid());
    QVERIFY(ed.banner_text().isEmpty());
    ed.set_input_locked(true, "fixed by the spiral dataset");
    QVERIFY(input->isReadOnly());
    QCOMPARE(input->toolTip(), QString("fixed by the spiral dataset"));
    // The loss: softmax cross-entropy needs 2 classes; this network has 1 output.
    auto* loss = ed.findChild<QComboBox*>("loss");
    QVERIFY(loss);
    const int i = loss->findData("softmax_cross_entropy");
    QVERIFY(i >= 0);
    loss->setCurrentIndex(i);
    emit loss->activated(i);
    QCOMPARE(ed.spec().loss, std::string("softmax_cross_entropy"));
    QVERIFY(!ed.is_valid());
    QVERIFY(ed.problem().startsWith("loss: softmax cross-entropy expects a flat output of at least 2 classes, got 1"));
    ed.undo_stack()->undo();
    QCOMPARE(ed.spec().loss, std::string("binary_cross_entropy"));
    QVERIFY(ed.is_valid());
}

void TestEditor::totalsCountParametersAndMemory() {
    NetworkEditor ed;
    ed.set_spec(gs::load_preset("spiral-tanh"));  // sgd without momentum
    // 2*8+8 + 8*8+8 + 8+1 = 105 parameters, 420 bytes; gradients double it.
    QCOMPARE(ed.totals_text().section('\n', 0, 1),
             QString("105 parameters · 420 bytes weights\n~840 bytes with gradients"));
    gs::ModelSpec cnn = gs::load_preset("cnn-fashion");  // adam: two more slots
    ed.set_spec(cnn);
    size_t params = 0;
    std::vector<gs::LayerInfo> info;
    gs::validate_spec(cnn, &info);
    for (const auto& l : info) params += l.params;
    QCOMPARE(params, size_t{93322});
    QVERIFY(ed.totals_text().startsWith("93,322 parameters · 365 KB weights\n~1.4 MB with "
                                        "gradients and Adam state\nLayer outputs: "));
    QCOMPARE(bytes_text(93322.0 * 4), QString("365 KB"));
    QCOMPARE(grouped(1234567), QString("1,234,567"));
}

void TestEditor::restOfTheSpecIsKept() {
    gs::ModelSpec s = gs::load_preset("mlp-fashion");
    s.optimizer.lr = 0.123f;
    s.batch_size = 77;
    s.data.limit = 999;
    NetworkEditor ed;
    ed.set_spec(s);
    ed.select_layer(0);
    ed.add_layer("Dropout");
    const gs::ModelSpec out = ed.spec();
    QCOMPARE(out.optimizer.lr, 0.123f);
    QCOMPARE(out.batch_size, 77);
    QCOMPARE(out.data.limit, 999);
    QCOMPARE(out.data.name, std::string("fashion-mnist"));
    QCOMPARE(out.layers.size(), s.layers.size() + 1);
    QCOMPARE(out.layers[1].type, std::string("Dropout"));
}

QTEST_MAIN(TestEditor)
#include "test_editor.moc"
