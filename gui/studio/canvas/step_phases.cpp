// The phases of a traced step and what each shows (see step_phases.h).
#include "canvas/step_phases.h"

namespace gs::studio {

namespace {

QString num(double v) { return QString::fromStdString(format_number(v, 2)); }
QString q(const std::string& s) { return QString::fromStdString(s); }

void add(QStringList& out, const std::string& line) {
    if (!line.empty()) out << q(line);
}

QString layer_kind(const TraceLayer& l) {
    QString s = QStringLiteral("Dense %1").arg(l.units);
    if (!l.activation_type.empty()) s += QStringLiteral(" + ") + q(l.activation_type);
    return s;
}

}  // namespace

std::vector<StepPhase> step_phases(const StepTrace& t) {
    std::vector<StepPhase> out;
    const int n = static_cast<int>(t.layers.size());
    for (int l = 0; l < n; ++l) out.push_back({StepPhase::Forward, l});
    out.push_back({StepPhase::Loss, n - 1});
    for (int l = n - 1; l >= 0; --l) out.push_back({StepPhase::Backward, l});
    out.push_back({StepPhase::Update, 0});
    return out;
}

QString phase_title(const StepTrace& t, const StepPhase& p) {
    const int n = static_cast<int>(t.layers.size());
    switch (p.kind) {
    case StepPhase::Forward:
        return QStringLiteral("Forward · layer %1 of %2 (%3)")
            .arg(p.layer + 1).arg(n).arg(layer_kind(t.layers[static_cast<size_t>(p.layer)]));
    case StepPhase::Loss: return QStringLiteral("Loss · %1").arg(q(t.loss));
    case StepPhase::Backward:
        return QStringLiteral("Backward · layer %1 of %2 (%3)")
            .arg(p.layer + 1).arg(n).arg(layer_kind(t.layers[static_cast<size_t>(p.layer)]));
    case StepPhase::Update:
        return QStringLiteral("Update · %1, lr %2").arg(q(t.optimizer.type), num(t.lr));
    }
    return {};
}

QString phase_explanation(const StepTrace& t, const StepPhase& p) {
    switch (p.kind) {
    case StepPhase::Forward:
        return QStringLiteral("Each neuron sums its weighted inputs plus its bias (z = Σ wᵢxᵢ + b), "
                              "then applies its activation (a = f(z)).");
    case StepPhase::Loss:
        return QStringLiteral("The loss compares the output with the target: mean over the batch %1.")
            .arg(num(t.loss_mean));
    case StepPhase::Backward:
        return QStringLiteral("δ = ∂L/∂z flows back from the layer above; each connection's gradient "
                              "is ∂L/∂w = δ·x.");
    case StepPhase::Update:
        return t.updated ? QStringLiteral("Every weight moves against its gradient: w ← w − lr·∂L/∂w "
                                          "(the batch mean is what updates).")
                         : QStringLiteral("No update: ") + q(t.note);
    }
    return {};
}

bool forward_reached(const StepPhase& p, int column) {
    if (column < 0) return true;
    return p.kind != StepPhase::Forward || column <= p.layer;
}

bool backward_reached(const StepPhase& p, int column) {
    if (p.kind == StepPhase::Update) return true;
    return p.kind == StepPhase::Backward && column >= p.layer;
}

QString neuron_text(const StepTrace& t, const StepPhase& p, int column, int unit, int item) {
    if (column < 0) return num(t.input.at(item, unit));
    const TraceLayer& l = t.layers[static_cast<size_t>(column)];
    if (p.kind == StepPhase::Update) {
        if (l.bias_before.empty()) return {};
        return QStringLiteral("b %1 → %2")
            .arg(num(l.bias_before[static_cast<size_t>(unit)]), num(l.bias_after[static_cast<size_t>(unit)]));
    }
    if (backward_reached(p, column)) return QStringLiteral("δ %1").arg(num(l.dz.at(item, unit)));
    if (!forward_reached(p, column)) return {};
    const QString z = num(l.z.at(item, unit));
    if (l.activation_type.empty()) return QStringLiteral("z %1").arg(z);
    return QStringLiteral("z %1 · a %2").arg(z, num(l.a.at(item, unit)));
}

float connection_value(const StepTrace& t, const StepPhase& p, int layer, int unit, int input, int item) {
    const TraceLayer& l = t.layers[static_cast<size_t>(layer)];
    const size_t k = static_cast<size_t>(unit) * static_cast<size_t>(l.inputs) + static_cast<size_t>(input);
    if (p.kind == StepPhase::Update) return l.weight_after[k] - l.weight_before[k];
    if (backward_reached(p, layer)) return t.weight_grad(static_cast<size_t>(layer), item, unit, input);
    return l.weight_before[k];
}

QString connection_text(const StepTrace& t, const StepPhase& p, int layer, int unit, int input, int item) {
    const TraceLayer& l = t.layers[static_cast<size_t>(layer)];
    const size_t k = static_cast<size_t>(unit) * static_cast<size_t>(l.inputs) + static_cast<size_t>(input);
    if (p.kind == StepPhase::Update)
        return QStringLiteral("%1 → %2").arg(num(l.weight_before[k]), num(l.weight_after[k]));
    if (backward_reached(p, layer))
        return QStringLiteral("∂L/∂w %1").arg(num(t.weight_grad(static_cast<size_t>(layer), item, unit, input)));
    return QStringLiteral("w %1").arg(num(l.weight_before[k]));
}

QString neuron_name(int column, int unit, const QStringList& input_names) {
    if (column < 0) {
        if (unit < input_names.size()) return input_names[unit];
        return QStringLiteral("x%1").arg(unit + 1);
    }
    return QStringLiteral("neuron %1 of layer %2").arg(unit + 1).arg(column + 1);
}

QStringList hover_equations(const StepTrace& t, const StepPhase& p, int column, int unit, int input, int item,
                            const QStringList& input_names) {
    QStringList out;
    const QString who = item < 0 ? QStringLiteral("batch mean") : QStringLiteral("example %1").arg(item + 1);
    if (column < 0) {
        out << QStringLiteral("%1 (input, %2)").arg(neuron_name(-1, unit, input_names), who);
        out << QStringLiteral("x = %1").arg(num(t.input.at(item, unit)));
        return out;
    }
    const size_t l = static_cast<size_t>(column);
    if (input < 0) {
        out << QStringLiteral("%1 (%2)").arg(neuron_name(column, unit), who);
        if (p.kind == StepPhase::Update) {
            for (const std::string& s : update_equations(t, l, unit, -1)) add(out, s);
        } else if (backward_reached(p, column)) {
            add(out, output_gradient_equation(t, l, unit, item));
            add(out, delta_equation(t, l, unit, item));
            add(out, bias_gradient_equation(t, l, unit, item));
        } else if (forward_reached(p, column)) {
            add(out, pre_activation_equation(t, l, unit, item));
            add(out, activation_equation(t, l, unit, item));
            if (p.kind == StepPhase::Loss && l + 1 == t.layers.size()) add(out, loss_equation(t, item));
        } else {
            out << QStringLiteral("not computed yet in this phase");
        }
        return out;
    }
    const QString from = column == 0 ? neuron_name(-1, input, input_names)
                                     : QStringLiteral("neuron %1 of layer %2").arg(input + 1).arg(column);
    out << QStringLiteral("connection %1 → %2 (%3)").arg(from, neuron_name(column, unit), who);
    if (p.kind == StepPhase::Update) {
        for (const std::string& s : update_equations(t, l, unit, input)) add(out, s);
    } else if (backward_reached(p, column)) {
        add(out, weight_gradient_equation(t, l, unit, input, item));
    } else {
        const auto lines = connection_equations(t, l, unit, input, item);
        if (!lines.empty()) add(out, lines.front());
    }
    return out;
}

}  // namespace gs::studio
