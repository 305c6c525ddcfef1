#include "train/training_step.hpp"

#include "train/clipping.hpp"
#include "train/loss.hpp"

namespace harness {

StepMeasures forward_backward(Model<float>& model, const Task& task, const Batch& batch,
                              Matrix<float>& d_outputs) {
  const auto outputs = model.forward(batch.inputs.view(), task.steps(), batch.size);
  StepMeasures measures;
  measures.loss = compute_loss(task.loss(), outputs, batch, &d_outputs, nullptr);
  model.backward(d_outputs.view());
  measures.grad_norm = norm(model.gradients());
  return measures;
}

}  // namespace harness
