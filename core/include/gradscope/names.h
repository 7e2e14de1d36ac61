// The named things of Gradscope, one table each, written once: optimizers,
// learning-rate schedules, losses, breakpoints, layer kinds, initializers,
// the hyperparameters a session takes while it runs, session states, the
// input features of 2-D data and the views a lesson's callout points at.
// The spec reader, the engine, the command line and the front ends all read
// these tables instead of keeping lists of their own.
//
// Every entry has the id used in files and commands ("adamw"), the enum
// value code switches on, a label for people ("AdamW") and a one-line
// description. Table order is the order lists are shown and spelled out in
// messages ("use sgd, adam, adamw or rmsprop").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "gradscope/session_types.h"

namespace gs {

enum class OptimizerKind { Sgd, Adam, AdamW, RmsProp };
enum class ScheduleKind { Constant, Step, Exponential, Cosine };
enum class LossKind { SoftmaxCrossEntropy, BinaryCrossEntropy, MeanSquaredError };
enum class BreakpointKind { LossAbove, GradNormAbove, DeadFractionAbove, Nonfinite };
enum class LayerKind {
    Dense, Conv2D, MaxPool2D, AvgPool2D, Flatten, ReLU, LeakyReLU,
    Sigmoid, Tanh, GELU, Softmax, Dropout, BatchNorm
};
enum class InitKind { HeUniform, HeNormal, XavierUniform, XavierNormal, LecunUniform, LecunNormal, Zeros };
enum class Hyperparameter { Lr, Momentum, WeightDecay, ClipNorm, BatchSize, StepsPerSecond };
// Inputs computed from a point (x1, x2) of a 2-D set (DataSpec::features),
// as in TensorFlow Playground; values in gradscope/input_features.h.
enum class InputFeature { X1, X2, X1Squared, X2Squared, X1TimesX2, SinX1, SinX2 };
// The parts of the studio a lesson's callout can point at (gradscope/lesson.h).
enum class LessonView { Canvas, Curves, GradientFlow, Inspector, Data, Toolbar, Editor };

// One entry of a table.
template <typename Kind>
struct NameEntry {
    Kind kind;
    const char* id;           // in files and commands: "adamw"
    const char* label;        // for people: "AdamW"
    const char* description;  // one line for people
};

using OptimizerName = NameEntry<OptimizerKind>;
using ScheduleName = NameEntry<ScheduleKind>;
using InitName = NameEntry<InitKind>;
using HyperparameterName = NameEntry<Hyperparameter>;
using SessionStateName = NameEntry<SessionState>;
using InputFeatureName = NameEntry<InputFeature>;
using LessonViewName = NameEntry<LessonView>;

struct LossName : NameEntry<LossKind> {
    std::vector<std::string> aliases;  // other ids a spec may use ("bce")
};

struct BreakpointName : NameEntry<BreakpointKind> {
    const char* quantity;  // what the threshold is compared with ("gradient norm"); "" for nonfinite
};

struct LayerKindName : NameEntry<LayerKind> {
    std::vector<std::string> fields;  // its fields in a spec, besides "type"
};

const std::vector<OptimizerName>& optimizer_table();
const std::vector<ScheduleName>& schedule_table();
const std::vector<LossName>& loss_table();
const std::vector<BreakpointName>& breakpoint_table();
const std::vector<LayerKindName>& layer_kind_table();
const std::vector<InitName>& initializer_table();
const std::vector<HyperparameterName>& hyperparameter_table();
const std::vector<SessionStateName>& session_state_table();
const std::vector<InputFeatureName>& input_feature_table();
const std::vector<LessonViewName>& lesson_view_table();

// ---- Looking things up -------------------------------------------------------

// The entry whose id is exactly id, or null.
template <typename Entry>
const Entry* find_name(const std::vector<Entry>& table, std::string_view id) {
    for (const Entry& e : table)
        if (id == e.id) return &e;
    return nullptr;
}

// The entry of a kind (every kind has one).
template <typename Entry, typename Kind>
const Entry& entry_of(const std::vector<Entry>& table, Kind kind) {
    for (const Entry& e : table)
        if (e.kind == kind) return e;
    return table.front();  // unreachable: the tables cover their enums
}

// Every id of a table, in its order.
template <typename Entry>
std::vector<std::string> name_ids(const std::vector<Entry>& table) {
    std::vector<std::string> ids;
    ids.reserve(table.size());
    for (const Entry& e : table) ids.emplace_back(e.id);
    return ids;
}

// The ids spelled out for a message: "sgd, adam, adamw or rmsprop".
std::string spelled_out(const std::vector<std::string>& ids, const char* last = " or ");
template <typename Entry>
std::string name_list(const std::vector<Entry>& table, const char* last = " or ") {
    return spelled_out(name_ids(table), last);
}

inline const OptimizerName* find_optimizer(std::string_view id) { return find_name(optimizer_table(), id); }
inline const ScheduleName* find_schedule(std::string_view id) { return find_name(schedule_table(), id); }
inline const BreakpointName* find_breakpoint(std::string_view id) { return find_name(breakpoint_table(), id); }
inline const LayerKindName* find_layer_kind(std::string_view id) { return find_name(layer_kind_table(), id); }
inline const InitName* find_initializer(std::string_view id) { return find_name(initializer_table(), id); }
inline const HyperparameterName* find_hyperparameter(std::string_view id) {
    return find_name(hyperparameter_table(), id);
}
inline const InputFeatureName* find_input_feature(std::string_view id) {
    return find_name(input_feature_table(), id);
}
inline const LessonViewName* find_lesson_view(std::string_view id) {
    return find_name(lesson_view_table(), id);
}
// A loss by its id or one of its aliases ("bce"), exactly as written.
const LossName* find_loss(std::string_view id_or_alias);

// The id and the label of a kind.
const char* id_of(OptimizerKind k);
const char* id_of(ScheduleKind k);
const char* id_of(LossKind k);
const char* id_of(BreakpointKind k);
const char* id_of(LayerKind k);
const char* id_of(InitKind k);
const char* id_of(Hyperparameter k);
const char* id_of(SessionState k);
const char* id_of(InputFeature k);
const char* id_of(LessonView k);
const char* label_of(OptimizerKind k);
const char* label_of(ScheduleKind k);
const char* label_of(LossKind k);
const char* label_of(BreakpointKind k);
const char* label_of(LayerKind k);
const char* label_of(InitKind k);
const char* label_of(Hyperparameter k);
const char* label_of(SessionState k);
const char* label_of(InputFeature k);
const char* label_of(LessonView k);

}  // namespace gs
