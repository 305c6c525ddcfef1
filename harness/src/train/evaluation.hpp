// Measuring a model without training it: the held-out score, the gradient profile ‖∂L/∂h⟨t⟩‖,
// and when during training to evaluate.
#pragma once

#include <vector>

#include "model/model.hpp"
#include "tasks/task.hpp"

namespace harness {

// Loss (and accuracy, for classification) over the whole held-out set, averaged over its readouts.
// With `carry_state`, each batch starts from the state the one before it ended in (a corpus read
// chunk by chunk); otherwise from zeros.
Score evaluate(Model<float>& model, const Task& task, const std::vector<Batch>& held_out,
               bool carry_state);

// ‖∂L/∂h⟨t⟩‖ for t = 1 … T on one batch from the zero state, leaving the weights as they are.
std::vector<double> gradient_profile(Model<float>& model, const Task& task, const Batch& batch);

// Evaluate every `every` steps and after the last one.
struct EvaluationSchedule {
  int every = 1;
  int steps = 1;
  bool due(int step) const { return step % every == 0 || step == steps; }
};

}  // namespace harness
