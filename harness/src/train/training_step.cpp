#include "train/training_step.hpp"

#include "train/clipping.hpp"
#include "train/loss.hpp"

namespace harness {

SequenceInput<float> model_input(const Batch& batch) {
  if (!batch.tokens.empty()) return std::span<const int>(batch.tokens);
  return batch.inputs.view();
}

StepMeasures forward_backward(Model<float>& model, const Task& task, const Batch& batch,
                              Matrix<float>& d_outputs) {
  const auto outputs = model.forward(model_input(batch), batch.steps, batch.size);
  StepMeasures measures;
  measures.loss = compute_loss(task.loss(), outputs, batch, &d_outputs, nullptr);
  model.backward(d_outputs.view());
  measures.grad_norm = norm(model.gradients());
  return measures;
}

}  // namespace harness
