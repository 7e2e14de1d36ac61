// Data-aware checks and suggestions for the editor; see data_fit.h.
#include "editor/data_fit.h"

#include <QStringList>

#include "gradscope/names.h"

namespace gs::studio {

namespace {

enum class Loss { Softmax, Binary, Mse, Other };

Loss loss_of(const ModelSpec& spec) {
    const LossName* l = find_loss(spec.loss);
    if (!l) return Loss::Other;
    switch (l->kind) {
        case LossKind::SoftmaxCrossEntropy: return Loss::Softmax;
        case LossKind::BinaryCrossEntropy: return Loss::Binary;
        case LossKind::MeanSquaredError: return Loss::Mse;
    }
    return Loss::Other;
}

std::string type_at(const ModelSpec& spec, size_t i) { return canonical_layer_type(spec.layers[i].type); }

// Units of the last Dense layer (-1: none).
int last_dense_units(const ModelSpec& spec) {
    for (size_t i = spec.layers.size(); i-- > 0;)
        if (type_at(spec, i) == "Dense") return spec.layers[i].units;
    return -1;
}

bool ends_with(const ModelSpec& spec, const char* type) {
    return !spec.layers.empty() && type_at(spec, spec.layers.size() - 1) == type;
}

// "a", "a and b", "a, b, and c".
QString join_words(const QStringList& parts) {
    if (parts.size() <= 1) return parts.value(0);
    if (parts.size() == 2) return parts[0] + QStringLiteral(" and ") + parts[1];
    return parts.mid(0, parts.size() - 1).join(QStringLiteral(", ")) + QStringLiteral(", and ") + parts.back();
}

// What to change so that the model trains on k classes (k >= 3) or on a
// regression target of t values (k == 0).
QString suggestion(const ModelSpec& spec, int k, int t) {
    QStringList do_this;
    const int units = last_dense_units(spec);
    const int want = k > 0 ? k : t;
    if (units != want) do_this << QStringLiteral("make the last Dense layer %1 unit%2").arg(want).arg(want == 1 ? "" : "s");
    const Loss loss = loss_of(spec);
    if (k > 0) {
        if (ends_with(spec, "Sigmoid")) do_this << QStringLiteral("replace the Sigmoid with Softmax");
        if (loss != Loss::Softmax) do_this << QStringLiteral("use softmax cross-entropy");
    } else {
        if (ends_with(spec, "Softmax") || ends_with(spec, "Sigmoid"))
            do_this << QStringLiteral("remove the final %1").arg(QString::fromStdString(type_at(spec, spec.layers.size() - 1)));
        if (loss != Loss::Mse) do_this << QStringLiteral("use mean squared error");
    }
    return join_words(do_this);
}

QString what_the_data_is(const DataFacts& d) {
    const QString who = d.name.isEmpty() ? QStringLiteral("the data") : QStringLiteral("the data (%1)").arg(d.name);
    if (d.classes > 0) return QStringLiteral("%1 has %2 classes").arg(who).arg(d.classes);
    return QStringLiteral("%1 is a regression set with %2 target value%3")
        .arg(who)
        .arg(d.target_size)
        .arg(d.target_size == 1 ? "" : "s");
}

}  // namespace

QString data_fit_problem(const ModelSpec& spec, const std::vector<LayerInfo>& info, const DataFacts& d) {
    if (!d.known() || spec.layers.empty() || info.size() != spec.layers.size()) return {};
    const Shape out = info.back().out;
    if (out.rank == 0) return {};  // shapes unknown: the engine's issue comes first
    const long n = static_cast<long>(out.numel());
    const Loss loss = loss_of(spec);
    const int k = d.classes;
    QString change;
    if (k >= 3) {
        if (loss == Loss::Binary || ((loss == Loss::Softmax || loss == Loss::Mse) && n != k)) change = suggestion(spec, k, 0);
    } else if (k == 2) {
        if (loss == Loss::Softmax && n != 2)
            change = QStringLiteral("make the last Dense layer 2 units, or use binary cross-entropy with 1 unit and a final Sigmoid");
        else if (loss == Loss::Mse && n != 1 && n != 2)
            change = QStringLiteral("make the last Dense layer 1 unit");
    } else if (k == 0) {
        if (loss == Loss::Softmax || loss == Loss::Binary || n != d.target_size) change = suggestion(spec, 0, d.target_size);
    }
    if (change.isEmpty()) return {};
    return what_the_data_is(d) + QStringLiteral(": ") + change;
}

QString with_data_suggestion(const QString& message, const ModelSpec& spec, const DataFacts& d) {
    if (!d.known() || d.classes == 2) return message;
    // The engine's advice for a 1-unit output under softmax cross-entropy
    // assumes two classes.
    const QString generic = QStringLiteral(" — for two classes use binary cross-entropy with a final Sigmoid");
    const int at = message.indexOf(generic);
    if (at < 0) return message;
    const QString change = suggestion(spec, d.classes, d.target_size);
    if (change.isEmpty()) return message.left(at);
    QString what = what_the_data_is(d);
    what.replace(0, 1, what.at(0).toLower());
    return message.left(at) + QStringLiteral(" — ") + what + QStringLiteral(": ") + change;
}

}  // namespace gs::studio
