// Measuring a model without training it: the held-out set, the held-out score, the gradient
// profile ‖∂L/∂h⟨t⟩‖, and when during training to evaluate.
#pragma once

#include <cstdint>
#include <vector>

#include "model/model.hpp"
#include "tasks/task.hpp"

namespace harness {

// The held-out set: `sequences` drawn from their own random stream (seeded from the trial's seed),
// so that they never overlap the training batches' draws.
std::vector<Batch> held_out_set(const Task& task, int sequences, std::uint64_t seed);

// Loss (and accuracy, for classification) over the whole held-out set.
Score evaluate(Model<float>& model, const Task& task, const std::vector<Batch>& held_out);

// ‖∂L/∂h⟨t⟩‖ for t = 1 … T on one batch, leaving the weights as they are.
std::vector<double> gradient_profile(Model<float>& model, const Task& task, const Batch& batch);

// Evaluate every `every` steps and after the last one.
struct EvaluationSchedule {
  int every = 1;
  int steps = 1;
  bool due(int step) const { return step % every == 0 || step == steps; }
};

}  // namespace harness
