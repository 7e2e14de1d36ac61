// The tracer of one training step (gradscope/step_trace.h): a StepObserver
// that the Trainer calls from inside its step, after the backward pass and
// after the update, and that copies the layers' tensors into a StepTrace.
// Engine-internal; the Session arms one per trace_next_step().
#pragma once

#include <memory>
#include <string>

#include "gradscope/step_trace.h"
#include "gradscope/trainer.h"

namespace gs {

// Why a spec's network cannot be traced ("" when it can); fills layout (one
// TraceLayer per Dense layer, with its indices, activation and widths) when
// given.
std::string trace_refusal(const ModelSpec& spec, std::vector<TraceLayer>* layout = nullptr);

// Sets one weight or bias of a Dense layer (checked by the caller) and
// returns the value it had: the session's set_parameter and replays of it.
float set_parameter_value(Trainer& trainer, const ParameterEdit& edit);

class StepTracer : public StepObserver {
public:
    StepTracer(const ModelSpec& spec, const StepTraceRequest& request);
    void before_update(Trainer& t, const Tensor& x, const Tensor& y, bool backward) override;
    void after_step(Trainer& t, const StepResult& r) override;
    // The finished trace, or null with why_not() when the step could not be
    // traced (a batch larger than kTraceMaxBatch).
    std::shared_ptr<const StepTrace> take() { return std::move(m_done); }
    const std::string& why_not() const { return m_why_not; }

private:
    void copy_state(Trainer& t, bool after);
    std::shared_ptr<StepTrace> m_trace;
    std::shared_ptr<const StepTrace> m_done;
    std::string m_why_not;
    bool m_skip = false;
};

}  // namespace gs
