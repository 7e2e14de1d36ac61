// One traced training step (gradscope/step_trace.h) split into the phases a
// class walks through with Next/Back: the forward pass layer by layer, the
// loss, the backward pass layer by layer (from the output back), and the
// update. For each phase: what is written on each neuron and connection,
// and the equations a hovered neuron or connection shows — every number the
// engine's own, formatted by core's equations (gradscope/equations.h).
// Plain functions of the trace, so the tests read exactly what is drawn.
//
// Columns: -1 is the network's input, 0.. the trace's layers (a Dense
// layer and its activation). A connection is (layer, unit, input): from
// `input` of the column before into `unit` of `layer`. item is the example's
// place in the batch, or gs::kBatchMean (-1) for the batch mean.
#pragma once

#include <QString>
#include <QStringList>
#include <vector>

#include "gradscope/equations.h"
#include "gradscope/step_trace.h"

namespace gs::studio {

struct StepPhase {
    enum Kind { Forward, Loss, Backward, Update };
    Kind kind = Forward;
    int layer = 0;  // Forward and Backward: the trace layer the phase computes
};

// F0, F1, ..., Loss, B(last), ..., B0, Update: 2 * layers + 2 phases.
std::vector<StepPhase> step_phases(const StepTrace& t);
// "Forward · layer 2 of 3 (Dense 4 + Tanh)", "Loss", "Backward · layer 1 of 3", "Update".
QString phase_title(const StepTrace& t, const StepPhase& p);
// A sentence on what the phase computes.
QString phase_explanation(const StepTrace& t, const StepPhase& p);

// Whether a column's numbers are part of the picture yet in this phase.
bool forward_reached(const StepPhase& p, int column);
bool backward_reached(const StepPhase& p, int column);

// The number(s) written on a neuron ("z 0.52 · a 0.48", "δ −0.12",
// "b 0.05 → 0.04", the input "0.80"); "" where the phase has none yet.
QString neuron_text(const StepTrace& t, const StepPhase& p, int column, int unit, int item);
// On a connection: the weight (forward), ∂L/∂w (backward, once reached),
// "w → w′" (update).
QString connection_text(const StepTrace& t, const StepPhase& p, int layer, int unit, int input, int item);
// The value a connection is coloured by in this phase (weight, gradient or
// the update's change), unnormalized.
float connection_value(const StepTrace& t, const StepPhase& p, int layer, int unit, int input, int item);

// The equations a hovered neuron (input < 0) or connection shows in this
// phase, with the real numbers; the first line names what is hovered.
QStringList hover_equations(const StepTrace& t, const StepPhase& p, int column, int unit, int input, int item,
                            const QStringList& input_names = {});

// "x₁" for the network's inputs (or the feature label), "h2.3" for neurons.
QString neuron_name(int column, int unit, const QStringList& input_names = {});

}  // namespace gs::studio
