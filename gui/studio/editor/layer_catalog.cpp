// The layer catalogue: palette order, defaults, fields and texts per type.
#include "editor/layer_catalog.h"

#include <QRegularExpression>
#include <algorithm>
#include <cmath>

#include "gradscope/names.h"
#include "theme.h"

namespace gs::studio {

const QStringList& layer_types() {
    static const QStringList types = [] {
        QStringList t;
        for (const LayerKindName& k : layer_kind_table()) t << QString::fromLatin1(k.id);
        return t;
    }();
    return types;
}

LayerSpec default_layer(const QString& type) {
    LayerSpec l;
    l.type = canonical_layer_type(type.toStdString());
    if (l.type.empty()) l.type = type.toStdString();
    if (l.type == "Dense") l.units = 16;
    if (l.type == "Conv2D") {
        l.filters = 8;
        l.kernel = 3;
        l.padding = 1;
    }
    if (l.type == "MaxPool2D" || l.type == "AvgPool2D") l.kernel = 2;
    return l;
}

std::vector<LayerField> layer_fields(const std::string& type) {
    using F = LayerField;
    if (type == "Dense") return {F::Units, F::Init, F::Bias};
    if (type == "Conv2D") return {F::Filters, F::Kernel, F::Stride, F::Padding, F::Init, F::Bias};
    if (type == "MaxPool2D" || type == "AvgPool2D") return {F::Kernel, F::Stride, F::Padding};
    if (type == "LeakyReLU") return {F::Alpha};
    if (type == "Dropout") return {F::Rate};
    if (type == "BatchNorm") return {F::Eps, F::Momentum};
    return {};
}

QString field_key(LayerField f) {
    switch (f) {
        case LayerField::Units: return "units";
        case LayerField::Filters: return "filters";
        case LayerField::Kernel: return "kernel";
        case LayerField::Stride: return "stride";
        case LayerField::Padding: return "padding";
        case LayerField::Alpha: return "alpha";
        case LayerField::Rate: return "rate";
        case LayerField::Eps: return "eps";
        case LayerField::Momentum: return "momentum";
        case LayerField::Init: return "init";
        case LayerField::Bias: return "bias";
    }
    return {};
}

QString field_label(LayerField f) {
    switch (f) {
        case LayerField::Units: return "Units";
        case LayerField::Filters: return "Filters";
        case LayerField::Kernel: return "Kernel";
        case LayerField::Stride: return "Stride";
        case LayerField::Padding: return "Padding";
        case LayerField::Alpha: return "Slope (alpha)";
        case LayerField::Rate: return "Drop rate";
        case LayerField::Eps: return "Epsilon";
        case LayerField::Momentum: return "Momentum";
        case LayerField::Init: return "Initializer";
        case LayerField::Bias: return "Bias";
    }
    return {};
}

QString field_help(LayerField f, const std::string& type) {
    const bool pool = type == "MaxPool2D" || type == "AvgPool2D";
    switch (f) {
        case LayerField::Units: return "Outputs of the layer (1 to 16,777,216).";
        case LayerField::Filters: return "Output channels: one learned filter each.";
        case LayerField::Kernel:
            return pool ? "Size of the square window pooled (default 2)."
                        : "Size of the square filter, e.g. 3 for 3x3.";
        case LayerField::Stride:
            return pool ? "Step between windows (default: the kernel size)."
                        : "Step between filter positions (default 1).";
        case LayerField::Padding:
            return pool ? "Zero border added on each side (at most half the kernel)."
                        : "Zero border added on each side; kernel 3 with padding 1 keeps the size.";
        case LayerField::Alpha: return "The slope for negative inputs (0.01 by default).";
        case LayerField::Rate: return "The fraction of units dropped while training, in [0, 1).";
        case LayerField::Eps: return "Added to the variance to avoid dividing by zero.";
        case LayerField::Momentum: return "How fast the running mean and variance follow each batch.";
        case LayerField::Init:
            return "How the weights are drawn at the start. auto: he_uniform before ReLU-like "
                   "layers, otherwise xavier_uniform.";
        case LayerField::Bias: return "Learn one offset per output.";
    }
    return {};
}

QString layer_description(const QString& type) {
    const LayerKindName* k = find_layer_kind(type.toStdString());
    return k ? QString::fromUtf8(k->description) : QString();
}

LayerCategory layer_category(const std::string& type) {
    if (type == "Dense" || type == "Conv2D") return LayerCategory::Weights;
    if (type == "MaxPool2D" || type == "AvgPool2D" || type == "Flatten")
        return LayerCategory::Pooling;
    if (type == "Dropout" || type == "BatchNorm") return LayerCategory::Regularization;
    return LayerCategory::Activation;
}

QColor category_color(LayerCategory c, const Theme& theme) {
    switch (c) {
        case LayerCategory::Weights: return theme.category(0);
        case LayerCategory::Pooling: return theme.category(2);
        case LayerCategory::Activation: return theme.category(1);
        case LayerCategory::Regularization: return theme.category(4);
    }
    return theme.muted;
}

const QStringList& init_names() {
    static const QStringList names = [] {
        QStringList n;
        for (const InitName& i : initializer_table()) n << QString::fromLatin1(i.id);
        return n;
    }();
    return names;
}

std::string resolved_init(const std::vector<LayerSpec>& layers, size_t i) {
    const LayerSpec& l = layers[i];
    if (!l.init.empty()) return l.init;
    std::string next;
    for (size_t k = i + 1; k < layers.size() && next.empty(); ++k) {
        const std::string t = canonical_layer_type(layers[k].type);
        if (t != "BatchNorm" && t != "Dropout") next = t;
    }
    const bool rectifier = next == "ReLU" || next == "LeakyReLU" || next == "GELU";
    return rectifier ? "he_uniform" : "xavier_uniform";
}

LayerSpec convert_layer(const LayerSpec& from, const QString& type) {
    LayerSpec to = default_layer(type);
    const std::string a = canonical_layer_type(from.type), b = to.type;
    auto spatial = [](const std::string& t) { return t == "Conv2D" || t == "MaxPool2D" || t == "AvgPool2D"; };
    const int width = a == "Dense" ? from.units : a == "Conv2D" ? from.filters : 0;
    if (width > 0 && b == "Dense") to.units = width;
    if (width > 0 && b == "Conv2D") to.filters = width;
    if (spatial(a) && spatial(b)) {
        to.kernel = from.kernel;
        to.stride = from.stride;
        to.padding = from.padding;
    }
    if ((a == "Dense" || a == "Conv2D") && (b == "Dense" || b == "Conv2D")) {
        to.init = from.init;
        to.bias = from.bias;
    }
    return to;
}

QStringList type_changes(const std::string& raw) {
    const std::string from = canonical_layer_type(raw);
    auto spatial = [](const std::string& t) { return t == "Conv2D" || t == "MaxPool2D" || t == "AvgPool2D"; };
    QStringList out;
    if (from.empty() || from == "Flatten") return out;
    const LayerCategory c = layer_category(from);
    for (const QString& t : layer_types()) {
        const std::string to = t.toStdString();
        if (to == from || to == "Flatten") continue;
        const bool same = layer_category(to) == c && c != LayerCategory::Pooling;
        if (same || (spatial(from) && spatial(to))) out << t;
    }
    return out;
}

QString text_for_people(const QString& engine_message) {
    QString s = engine_message;
    // Loss ids, as the Loss combo names them.
    for (const LossName& l : loss_table()) {
        const QRegularExpression id(QStringLiteral("(?<![\\w-])%1(?![\\w-])").arg(QRegularExpression::escape(l.id)));
        s.replace(id, QString::fromUtf8(l.label));
    }
    // e.g. {"type": "Dense", "units": 10}: a layer to add from the palette.
    static const QRegularExpression layer_json(
        QStringLiteral("\\{\\s*\"type\"\\s*:\\s*\"([A-Za-z0-9]+)\"[^{}]*\\}"));
    for (QRegularExpressionMatch m = layer_json.match(s); m.hasMatch(); m = layer_json.match(s)) {
        const QString type = m.captured(1);
        const bool vowel = QStringLiteral("AEIOU").contains(type.left(1));
        const QString words = (vowel ? QStringLiteral("an ") : QStringLiteral("a ")) + type + QStringLiteral(" layer");
        s.replace(m.capturedStart(), m.capturedLength(), words);
    }
    s.replace(QStringLiteral("e.g. a Dense layer"), QStringLiteral("e.g. a Dense layer from the palette"));
    // set "input" to [1, 28, 28]: the Input field takes 1x28x28.
    static const QRegularExpression set_input(QStringLiteral("set \"input\" to \\[([0-9,\\s]+)\\]"));
    for (QRegularExpressionMatch m = set_input.match(s); m.hasMatch(); m = set_input.match(s)) {
        const QStringList dims = m.captured(1).split(QLatin1Char(','), Qt::SkipEmptyParts);
        QStringList d;
        for (const QString& x : dims) d << x.trimmed();
        s.replace(m.capturedStart(), m.capturedLength(), QStringLiteral("set Input to ") + d.join(QLatin1Char('x')));
    }
    s.replace(QStringLiteral("\"input\""), QStringLiteral("Input"));
    // A split's internal name ("three/train") is the data's name to a person.
    static const QRegularExpression split(QStringLiteral("(?<![/\\w.-])([\\w.-]+)/(train|test|validation)(?![\\w/]|\\.\\w)"));
    s.replace(split, QStringLiteral("\\1"));
    return s;
}

QString layer_summary(const LayerSpec& layer) {
    const LayerSpec l = with_defaults(layer);
    const std::string t = canonical_layer_type(l.type);
    QStringList parts;
    if (t == "Dense") {
        parts << QString("%1 units").arg(grouped(static_cast<uint64_t>(std::max(l.units, 0))));
        if (!l.bias) parts << "no bias";
    } else if (t == "Conv2D" || t == "MaxPool2D" || t == "AvgPool2D") {
        if (t == "Conv2D")
            parts << QString("%1 filters").arg(grouped(static_cast<uint64_t>(std::max(l.filters, 0))));
        parts << QString("%1×%1").arg(l.kernel);
        if (l.stride != (t == "Conv2D" ? 1 : l.kernel)) parts << QString("stride %1").arg(l.stride);
        if (l.padding) parts << QString("pad %1").arg(l.padding);
        if (t == "Conv2D" && !l.bias) parts << "no bias";
    } else if (t == "LeakyReLU") {
        parts << QString("α %1").arg(static_cast<double>(l.alpha));
    } else if (t == "Dropout") {
        parts << QString("rate %1").arg(static_cast<double>(l.rate));
    } else if (t == "BatchNorm") {
        if (l.momentum != 0.1f) parts << QString("momentum %1").arg(static_cast<double>(l.momentum));
        if (l.eps != 1e-5f) parts << QString("eps %1").arg(static_cast<double>(l.eps));
    }
    return parts.join(" · ");
}

QString shape_text(const gs::Shape& s) {
    if (s.rank <= 0) return "?";
    QStringList d;
    for (int i = 0; i < s.rank; ++i) d << QString::number(s[i]);
    return d.join('x');
}

uint64_t shape_elements(const gs::Shape& s) {
    if (s.rank <= 0) return 0;
    uint64_t n = 1;
    for (int i = 0; i < s.rank; ++i) n *= static_cast<uint64_t>(std::max(s[i], 0));
    return n;
}

QString grouped(uint64_t v) {
    const QString digits = QString::number(v);
    QString out;
    for (int i = 0; i < digits.size(); ++i) {
        if (i && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

QString bytes_text(double bytes) {
    static const char* units[] = {"bytes", "KB", "MB", "GB", "TB"};
    if (bytes < 1024) return QString("%1 bytes").arg(static_cast<qint64>(bytes));
    int u = 0;
    while (bytes >= 1024.0 && u < 4) {
        bytes /= 1024.0;
        ++u;
    }
    return QString("%1 %2").arg(bytes < 10 ? QString::number(bytes, 'f', 1)
                                           : QString::number(std::round(bytes), 'f', 0),
                                units[u]);
}

QString format_field_number(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "∞" : "-∞";
    if (v == 0) return "0";
    const double a = std::abs(v);
    if (a < 1e-3 || a >= 1e5) {
        QString s = QString::number(v, 'e', 2);  // "1.23e-04"
        const int e = s.indexOf('e');
        QString mant = s.left(e), exp = s.mid(e + 1);
        const bool neg = exp.startsWith('-');
        exp = exp.mid(1);
        while (exp.size() > 1 && exp.startsWith('0')) exp = exp.mid(1);
        return mant + "e" + (neg ? "-" : "") + exp;
    }
    return QString::number(v, 'g', 3);
}

}  // namespace gs::studio
