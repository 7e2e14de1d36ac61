// The training state: everything a Trainer needs to go on exactly as it
// would have. One definition, used by checkpoints (gradscope/io.h, on disk)
// and by a session's restore points (in memory):
//
//   tensors   every parameter, every buffer (BatchNorm's running
//             statistics) and the optimizer's state (momentum, moments),
//             in state_tensors() order, named as checkpoints name them;
//   progress  the step, the epoch and the place in it, the optimizer's
//             update count (Adam's bias correction);
//   settings  the hyperparameters that can change while a run goes on
//             (optimizer, schedule, batch size) and whether it shuffles.
//
// The random numbers of a run are counters, not generator states: an epoch's
// order is drawn from (seed, epoch), dropout masks from (seed, step, layer),
// augmentation from (seed, the item's place in the run). So the progress
// above is the random-number state too, and the batch the loader has
// prefetched is dropped on restore and made again from the same place.
//
// Tensors move through the Backend interface (download, upload), so a state
// captured on any backend is plain host floats.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "gradscope/spec.h"
#include "gradscope/tensor.h"

namespace gs {

class Trainer;
class Model;
class Optimizer;

// How far a run got (docs/checkpoint.md: step, epoch, epoch_position,
// optimizer_steps).
struct TrainingProgress {
    long step = 0;              // global steps taken
    int epoch = 0;              // the epoch in progress, 0-based
    size_t epoch_position = 0;  // items of that epoch already trained on
    long optimizer_steps = 0;   // updates the optimizer made (Adam's bias correction)
};

// The settings a run trains with that may change while it goes on.
struct TrainingSettings {
    OptimizerSpec optimizer;
    ScheduleSpec schedule;
    int batch_size = 0;
    bool shuffle = true;
};

// The state on the host.
struct TrainingState {
    TrainingProgress progress;
    TrainingSettings settings;
    std::vector<float> values;  // every state tensor, concatenated in state_tensors() order
};

// The one list of a state's tensors: parameters, then buffers, then the
// optimizer's state tensors ("optim.<param>.<state>"); without an optimizer,
// the model's alone.
std::vector<std::pair<std::string, Tensor*>> state_tensors(Model& model, Optimizer* optimizer);

TrainingProgress progress_of(Trainer& trainer);
// Sets the progress (the prefetched batch is dropped; the next step takes
// the batch at that place).
void set_progress(Trainer& trainer, const TrainingProgress& progress);
TrainingSettings settings_of(Trainer& trainer);
// Applies settings between steps. Another optimizer type starts from zero
// state (as Session::set_optimizer); allocates only for another optimizer
// type or a batch larger than any before.
void apply_settings(Trainer& trainer, const TrainingSettings& settings);
// The trainer's spec with the settings in effect now (what a checkpoint's
// "spec" records).
ModelSpec live_spec(Trainer& trainer);

// Floats of the state with the optimizer the trainer has now, and the most
// any optimizer needs (two state tensors per parameter): what a restore
// point reserves.
size_t state_floats(Trainer& trainer);
size_t max_state_floats(Trainer& trainer);

// The state's tensors of one trainer, looked up once: capturing and
// restoring through it allocates nothing. It looks them up again (and
// allocates then) only when the optimizer type has changed since.
class StateLayout {
public:
    // The tensors of trainer's state now (refreshed if the optimizer changed).
    const std::vector<Tensor*>& tensors(Trainer& trainer);
    size_t floats(Trainer& trainer);

private:
    std::string m_optimizer;  // the optimizer type the list is for
    const Trainer* m_trainer = nullptr;
    std::vector<Tensor*> m_tensors;
    size_t m_floats = 0;
};

// Copies the state into values[0..n) (capacity floats there) and returns n,
// or 0 if it does not fit. Nothing allocated.
size_t capture_state(Trainer& trainer, StateLayout& layout, TrainingProgress& progress,
                     TrainingSettings& settings, float* values, size_t capacity);
// Puts a captured state back: settings first (the optimizer type decides
// which tensors there are), then the tensors, then the progress. Throws
// gs::Error if count is not the size the settings imply.
void restore_state(Trainer& trainer, StateLayout& layout, const TrainingProgress& progress,
                   const TrainingSettings& settings, const float* values, size_t count);
// The same with a TrainingState (values resized to fit: allocates when it grows).
void capture_state(Trainer& trainer, TrainingState& state);
void restore_state(Trainer& trainer, const TrainingState& state);

}  // namespace gs
