// What the studio knows about each layer type the engine supports: the
// palette order, a sensible new layer of each type, which LayerSpec fields
// apply to it, one-line descriptions, and the text used to show layers,
// shapes, counts and sizes. Pure functions of engine data; no widgets.
#pragma once

#include <QColor>
#include <QString>
#include <QStringList>
#include <cstdint>
#include <vector>

#include "gradscope/spec.h"

namespace gs::studio {

struct Theme;

// A LayerSpec field the editor shows.
enum class LayerField { Units, Filters, Kernel, Stride, Padding, Alpha, Rate, Eps, Momentum, Init, Bias };

// Groups for colour and ordering in the palette.
enum class LayerCategory { Weights, Pooling, Activation, Regularization };

// Every layer type, in palette order (canonical names).
const QStringList& layer_types();
// A new layer of the type, with sensible defaults (Dense 16 units, Conv2D 8
// filters kernel 3 padding 1, ...). init is left empty: "auto" (see resolved_init).
LayerSpec default_layer(const QString& type);
// The fields that apply to the type, in the order the form shows them.
std::vector<LayerField> layer_fields(const std::string& type);
// The JSON name of a field ("units"), as the engine names it in its messages.
QString field_key(LayerField f);
// A label for a form ("Units", "Kernel size").
QString field_label(LayerField f);
// What the field does, for a tooltip.
QString field_help(LayerField f, const std::string& type);
// One line saying what a layer type does (palette tooltips).
QString layer_description(const QString& type);
LayerCategory layer_category(const std::string& type);
// The colour of a category under a theme.
QColor category_color(LayerCategory c, const Theme& theme);
// The initializers the engine accepts.
const QStringList& init_names();
// The initializer the engine would choose for an empty init at layer i (as
// parse_spec does: he_uniform before a rectifier, otherwise xavier_uniform),
// or the layer's own.
std::string resolved_init(const std::vector<LayerSpec>& layers, size_t i);

// A layer of another type in place of `from` (the form's Type choice): the
// new type's defaults, with the fields that still apply carried over (units
// and filters into each other; kernel, stride and padding between Conv2D and
// the pools; init and bias between Dense and Conv2D).
LayerSpec convert_layer(const LayerSpec& from, const QString& type);
// The types a layer can change into in place (the list's "Change type"
// menu), in palette order, without its own: Dense and Conv2D into each
// other, Conv2D and the pools into each other, an activation into any other
// activation, Dropout and BatchNorm into each other; none for Flatten.
QStringList type_changes(const std::string& type);

// An engine message in the words the screen uses: loss ids as the Loss
// combo names them ("softmax_cross_entropy" -> "softmax cross-entropy"),
// JSON snippets as words ({"type": "Sigmoid"} -> "a Sigmoid layer";
// set "input" to [1, 28, 28] -> "set Input to 1x28x28"), and a dataset's
// split name as its name ("three/train" -> "three"). The engine keeps its
// own wording for the CLI and spec files.
QString text_for_people(const QString& engine_message);

// The layer's parameters in a few words: "32 filters · 3×3 · pad 1".
QString layer_summary(const LayerSpec& layer);
// "8x14x14"; "?" for an unknown (rank 0) shape.
QString shape_text(const gs::Shape& s);
// Elements of one item of the shape (0 when unknown).
uint64_t shape_elements(const gs::Shape& s);
// 12345 -> "12,345".
QString grouped(uint64_t v);
// 49380 -> "48 KB" (1024-based, one decimal below 10).
QString bytes_text(double bytes);
// A statistic in a few characters: 3 significant digits, scientific
// notation below 0.001 and from 100,000 ("1.23e-04" -> "1.23e-4").
QString format_field_number(double v);

}  // namespace gs::studio
