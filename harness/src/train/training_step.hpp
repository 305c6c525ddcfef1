// The measuring half of a training step: forward over a batch, the loss against its targets, and
// backward, which leaves ∂L/∂θ in model.gradients(). Clipping and the optimizer come after.
#pragma once

#include "model/model.hpp"
#include "tasks/task.hpp"

namespace harness {

struct StepMeasures {
  double loss = 0;
  double grad_norm = 0;  // ‖∂L/∂θ‖ before any clipping
};

// The batch's inputs as the model reads them: its token ids, or its dense rows.
SequenceInput<float> model_input(const Batch& batch);

// From the model's current initial state; `d_outputs` is the step's ∂L/∂outputs buffer, reused
// across steps.
StepMeasures forward_backward(Model<float>& model, const Task& task, const Batch& batch,
                              Matrix<float>& d_outputs);

}  // namespace harness
