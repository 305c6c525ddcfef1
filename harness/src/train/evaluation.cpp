#include "train/evaluation.hpp"

#include "train/loss.hpp"
#include "train/training_step.hpp"

namespace harness {

Score evaluate(Model<float>& model, const Task& task, const std::vector<Batch>& held_out,
               bool carry_state) {
  const bool classification = task.loss() == LossKind::SoftmaxCrossEntropy;
  Score score;
  double readouts = 0, accuracy = 0;
  std::vector<int> predicted;
  model.reset_state();
  for (const auto& batch : held_out) {
    if (carry_state && batch.continues) model.set_initial_state(model.final_state());
    const auto outputs = model.forward(model_input(batch), batch.steps, batch.size);
    const double count = outputs.rows;  // B, or T·B for a readout at every step
    score.loss += compute_loss(task.loss(), outputs, batch, nullptr, &predicted) * count;
    if (classification) accuracy += task.accuracy(predicted, batch) * count;
    readouts += count;
  }
  score.loss /= readouts;
  if (classification) score.accuracy = accuracy / readouts;
  model.reset_state();
  return score;
}

std::vector<double> gradient_profile(Model<float>& model, const Task& task, const Batch& batch) {
  Matrix<float> d_outputs;
  model.reset_state();
  forward_backward(model, task, batch, d_outputs);
  return model.hidden_gradient_norms();
}

}  // namespace harness
