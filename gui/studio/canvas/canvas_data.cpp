// Layer groups and class colours for the canvas and the preview.
#include "canvas_data.h"

#include <algorithm>
#include <cmath>

namespace gs::studio {

namespace {

// Layers that change values but not what a column means: drawn as part of
// the column before them.
bool folds(const std::string& type) {
    return type == "ReLU" || type == "LeakyReLU" || type == "Sigmoid" || type == "Tanh" ||
           type == "GELU" || type == "Softmax" || type == "Dropout" || type == "BatchNorm" ||
           type == "Flatten";
}

QString group_title(const gs::LayerSpec& raw) {
    const gs::LayerSpec l = gs::with_defaults(raw);
    if (l.type == "Dense") return QStringLiteral("Dense %1").arg(l.units);
    if (l.type == "Conv2D") return QStringLiteral("Conv %1 %2×%2").arg(l.filters).arg(l.kernel);
    if (l.type == "MaxPool2D") return QStringLiteral("MaxPool %1×%1").arg(l.kernel);
    if (l.type == "AvgPool2D") return QStringLiteral("AvgPool %1×%1").arg(l.kernel);
    return QString::fromStdString(l.type);
}

}  // namespace

std::vector<LayerGroup> group_layers(const gs::ModelSpec& spec, const std::vector<gs::LayerInfo>& info) {
    std::vector<LayerGroup> groups;
    const int n = static_cast<int>(std::min(spec.layers.size(), info.size()));
    for (int i = 0; i < n; ++i) {
        const std::string& type = spec.layers[static_cast<size_t>(i)].type;
        if (folds(type) && !groups.empty()) {
            LayerGroup& g = groups.back();
            g.last = i;
            if (info[static_cast<size_t>(i)].out.rank == info[static_cast<size_t>(g.main)].out.rank) {
                g.shown = i;
                g.out = info[static_cast<size_t>(i)].out;
                g.shown_type = QString::fromStdString(type);
            }
            if (type != "Flatten" && type != "Dropout") {
                g.subtitle += g.subtitle.isEmpty() ? QStringLiteral("+ ") : QStringLiteral(" + ");
                g.subtitle += QString::fromStdString(type);
            }
            continue;
        }
        LayerGroup g;
        g.first = g.last = g.main = g.shown = i;
        g.title = group_title(spec.layers[static_cast<size_t>(i)]);
        g.out = info[static_cast<size_t>(i)].out;
        g.shown_type = QString::fromStdString(type);
        groups.push_back(g);
    }
    return groups;
}

bool is_convolutional(const std::vector<gs::LayerInfo>& info) {
    return std::any_of(info.begin(), info.end(), [](const gs::LayerInfo& l) { return l.out.rank == 3; });
}

QColor class_color(const Theme& theme, int classes, int label) {
    if (classes == 2) return label <= 0 ? theme.negative : theme.positive;
    // Past the palette's eight, darker shades keep classes apart.
    const int i = std::max(label, 0);
    const QColor c = theme.category(i);
    return i < 8 ? c : c.darker(100 + 45 * (i / 8));
}

QString percent_or_dash(double probability) {
    if (!std::isfinite(probability)) return QStringLiteral("—");
    return QStringLiteral("%1%").arg(std::lround(100.0 * probability));
}

QString short_number(double v) {
    if (!std::isfinite(v)) return QStringLiteral("—");
    const double a = std::abs(v);
    if (a == 0) return QStringLiteral("0");
    if (a >= 1e4 || a < 1e-2) return QString::number(v, 'e', 1);
    return QString::number(v, 'g', a >= 10 ? 3 : 2);
}

}  // namespace gs::studio
