// The tables of named things (see gradscope/names.h), and state_name, the id
// of a session state (gradscope/session_types.h). Each table is built once,
// on first use.
#include "gradscope/names.h"

namespace gs {

const std::vector<OptimizerName>& optimizer_table() {
    static const std::vector<OptimizerName> t = {
        {OptimizerKind::Sgd, "sgd", "SGD",
         "Stochastic gradient descent, with optional momentum and Nesterov momentum."},
        {OptimizerKind::Adam, "adam", "Adam",
         "A step per weight from running means of the gradient and of its square."},
        {OptimizerKind::AdamW, "adamw", "AdamW",
         "Adam with the weight decay applied to the weights directly, not through the gradient."},
        {OptimizerKind::RmsProp, "rmsprop", "RMSProp",
         "A step per weight from a running mean of the squared gradient."},
    };
    return t;
}

const std::vector<ScheduleName>& schedule_table() {
    static const std::vector<ScheduleName> t = {
        {ScheduleKind::Constant, "constant", "constant", "The learning rate stays as set."},
        {ScheduleKind::Step, "step", "step decay",
         "Multiplies the learning rate by gamma every step_size steps."},
        {ScheduleKind::Exponential, "exponential", "exponential decay",
         "Multiplies the learning rate by gamma every step."},
        {ScheduleKind::Cosine, "cosine", "cosine",
         "Half a cosine from the learning rate down to min_lr over total_steps."},
    };
    return t;
}

const std::vector<LossName>& loss_table() {
    static const std::vector<LossName> t = {
        {{LossKind::SoftmaxCrossEntropy, "softmax_cross_entropy", "softmax cross-entropy",
          "Classification with one output per class."},
         {"cross_entropy"}},
        {{LossKind::BinaryCrossEntropy, "binary_cross_entropy", "binary cross-entropy",
          "Two classes, with one Sigmoid output."},
         {"bce"}},
        {{LossKind::MeanSquaredError, "mse", "mean squared error",
          "Regression: the mean of the squared differences."},
         {}},
    };
    return t;
}

// Condition breakpoints first: "use loss_above, grad_norm_above,
// dead_fraction_above or nonfinite".
const std::vector<BreakpointName>& breakpoint_table() {
    static const std::vector<BreakpointName> t = {
        {{BreakpointKind::LossAbove, "loss_above", "loss above",
          "Pauses after a step whose loss rises above the threshold."},
         "loss"},
        {{BreakpointKind::GradNormAbove, "grad_norm_above", "gradient norm above",
          "Pauses after a step whose global gradient norm rises above the threshold."},
         "gradient norm"},
        {{BreakpointKind::DeadFractionAbove, "dead_fraction_above", "dead fraction above",
          "Pauses when a ReLU layer's fraction of dead units rises above the threshold."},
         "dead fraction"},
        {{BreakpointKind::Nonfinite, "nonfinite", "non-finite value",
          "Pauses at the first NaN or infinity, naming the layer and the pass."},
         ""},
    };
    return t;
}

const std::vector<LayerKindName>& layer_kind_table() {
    using K = LayerKind;
    static const std::vector<LayerKindName> t = {
        {{K::Dense, "Dense", "Dense",
          "Fully connected: every output sees every input. Needs a flat input."},
         {"units", "init", "bias"}},
        {{K::Conv2D, "Conv2D", "Conv2D", "2-D convolution: learned filters slid over an image."},
         {"filters", "kernel", "stride", "padding", "init", "bias"}},
        {{K::MaxPool2D, "MaxPool2D", "MaxPool2D",
          "Keeps the largest value of each window: halves height and width by default."},
         {"kernel", "stride", "padding"}},
        {{K::AvgPool2D, "AvgPool2D", "AvgPool2D",
          "Averages each window: halves height and width by default."},
         {"kernel", "stride", "padding"}},
        {{K::Flatten, "Flatten", "Flatten",
          "Turns channels x height x width into one flat vector (before Dense)."},
         {}},
        {{K::ReLU, "ReLU", "ReLU", "max(0, x): the usual activation."}, {}},
        {{K::LeakyReLU, "LeakyReLU", "LeakyReLU",
          "Like ReLU, with a small slope below 0 so units cannot die."},
         {"alpha"}},
        {{K::Sigmoid, "Sigmoid", "Sigmoid",
          "Squashes to (0, 1); the last layer for binary cross-entropy."},
         {}},
        {{K::Tanh, "Tanh", "Tanh", "Squashes to (-1, 1)."}, {}},
        {{K::GELU, "GELU", "GELU", "A smooth ReLU used by transformers."}, {}},
        {{K::Softmax, "Softmax", "Softmax",
          "Turns scores into class probabilities (needs a flat input)."},
         {}},
        {{K::Dropout, "Dropout", "Dropout",
          "Zeroes a random fraction of units while training, against overfitting."},
         {"rate"}},
        {{K::BatchNorm, "BatchNorm", "BatchNorm",
          "Normalizes each feature or channel over the batch, then scales and shifts."},
         {"eps", "momentum"}},
    };
    return t;
}

const std::vector<InitName>& initializer_table() {
    static const std::vector<InitName> t = {
        {InitKind::HeUniform, "he_uniform", "He uniform",
         "Uniform in ±sqrt(6 / fan_in): for ReLU-like layers."},
        {InitKind::HeNormal, "he_normal", "He normal",
         "Normal with std sqrt(2 / fan_in): for ReLU-like layers."},
        {InitKind::XavierUniform, "xavier_uniform", "Xavier uniform",
         "Uniform in ±sqrt(6 / (fan_in + fan_out)): for tanh, sigmoid and linear layers."},
        {InitKind::XavierNormal, "xavier_normal", "Xavier normal",
         "Normal with std sqrt(2 / (fan_in + fan_out))."},
        {InitKind::LecunUniform, "lecun_uniform", "LeCun uniform", "Uniform in ±sqrt(3 / fan_in)."},
        {InitKind::LecunNormal, "lecun_normal", "LeCun normal", "Normal with std sqrt(1 / fan_in)."},
        {InitKind::Zeros, "zeros", "zeros", "All zeros: every unit starts (and stays) alike."},
    };
    return t;
}

const std::vector<HyperparameterName>& hyperparameter_table() {
    using H = Hyperparameter;
    static const std::vector<HyperparameterName> t = {
        {H::Lr, "lr", "learning rate", "The optimizer's step size, above 0."},
        {H::Momentum, "momentum", "momentum",
         "How much of the last update carries into the next, in [0, 1)."},
        {H::WeightDecay, "weight_decay", "weight decay",
         "Pulls the weights toward zero every step; at least 0."},
        {H::ClipNorm, "clip_norm", "gradient clipping",
         "Clips the gradients to this global L2 norm (0: off)."},
        {H::BatchSize, "batch_size", "batch size", "Items per training step, 1 to 65,536."},
        {H::StepsPerSecond, "steps_per_second", "speed",
         "Paces a run for watching, in steps per second (0: as fast as it goes)."},
    };
    return t;
}

const std::vector<SessionStateName>& session_state_table() {
    using S = SessionState;
    static const std::vector<SessionStateName> t = {
        {S::Idle, "idle", "idle", "Made or reset; nothing trained since."},
        {S::Running, "running", "running", "Training."},
        {S::Paused, "paused", "paused", "Between two steps; resume, step or reset."},
        {S::Stopped, "stopped", "stopped",
         "Finished, stopped early or told to stop; reset to start again."},
        {S::Failed, "failed", "failed", "An error the run cannot go on from; reset to start again."},
    };
    return t;
}

// Labels as the studio writes them on input neurons (UTF-8).
const std::vector<InputFeatureName>& input_feature_table() {
    using F = InputFeature;
    static const std::vector<InputFeatureName> t = {
        {F::X1, "x1", "x₁", "The point's first coordinate."},
        {F::X2, "x2", "x₂", "The point's second coordinate."},
        {F::X1Squared, "x1^2", "x₁²", "The first coordinate squared."},
        {F::X2Squared, "x2^2", "x₂²", "The second coordinate squared."},
        {F::X1TimesX2, "x1*x2", "x₁x₂", "The product of the two coordinates."},
        {F::SinX1, "sin(x1)", "sin x₁", "The sine of the first coordinate."},
        {F::SinX2, "sin(x2)", "sin x₂", "The sine of the second coordinate."},
    };
    return t;
}

const std::vector<LessonViewName>& lesson_view_table() {
    using V = LessonView;
    static const std::vector<LessonViewName> t = {
        {V::Canvas, "canvas", "network", "The network drawn with its neurons and heatmaps."},
        {V::Curves, "curves", "loss and accuracy", "The loss and accuracy curves."},
        {V::GradientFlow, "gradient-flow", "gradient flow",
         "The gradient's size in every layer, output to input."},
        {V::Inspector, "inspector", "inspector", "One layer's statistics and histograms."},
        {V::Data, "data", "data", "The dataset and its plot."},
        {V::Toolbar, "toolbar", "training controls",
         "Play, pause, step, reset, the learning rate and the speed."},
        {V::Editor, "editor", "network editor", "The list of layers and their settings."},
    };
    return t;
}

std::string spelled_out(const std::vector<std::string>& ids, const char* last) {
    std::string out;
    for (size_t i = 0; i < ids.size(); ++i) {
        if (i) out += i + 1 == ids.size() ? last : ", ";
        out += ids[i];
    }
    return out;
}

const LossName* find_loss(std::string_view id_or_alias) {
    for (const LossName& e : loss_table()) {
        if (id_or_alias == e.id) return &e;
        for (const std::string& a : e.aliases)
            if (id_or_alias == a) return &e;
    }
    return nullptr;
}

const char* id_of(OptimizerKind k) { return entry_of(optimizer_table(), k).id; }
const char* id_of(ScheduleKind k) { return entry_of(schedule_table(), k).id; }
const char* id_of(LossKind k) { return entry_of(loss_table(), k).id; }
const char* id_of(BreakpointKind k) { return entry_of(breakpoint_table(), k).id; }
const char* id_of(LayerKind k) { return entry_of(layer_kind_table(), k).id; }
const char* id_of(InitKind k) { return entry_of(initializer_table(), k).id; }
const char* id_of(Hyperparameter k) { return entry_of(hyperparameter_table(), k).id; }
const char* id_of(SessionState k) { return entry_of(session_state_table(), k).id; }
const char* id_of(InputFeature k) { return entry_of(input_feature_table(), k).id; }
const char* id_of(LessonView k) { return entry_of(lesson_view_table(), k).id; }
const char* label_of(OptimizerKind k) { return entry_of(optimizer_table(), k).label; }
const char* label_of(ScheduleKind k) { return entry_of(schedule_table(), k).label; }
const char* label_of(LossKind k) { return entry_of(loss_table(), k).label; }
const char* label_of(BreakpointKind k) { return entry_of(breakpoint_table(), k).label; }
const char* label_of(LayerKind k) { return entry_of(layer_kind_table(), k).label; }
const char* label_of(InitKind k) { return entry_of(initializer_table(), k).label; }
const char* label_of(Hyperparameter k) { return entry_of(hyperparameter_table(), k).label; }
const char* label_of(SessionState k) { return entry_of(session_state_table(), k).label; }
const char* label_of(InputFeature k) { return entry_of(input_feature_table(), k).label; }
const char* label_of(LessonView k) { return entry_of(lesson_view_table(), k).label; }

const char* state_name(SessionState s) { return id_of(s); }

}  // namespace gs
