#include "train/evaluation.hpp"

#include <algorithm>

#include "train/loss.hpp"

namespace harness {

namespace {
constexpr int kEvalBatch = 256;                                  // sequences per forward pass
constexpr std::uint64_t kHeldOutStream = 0x9e3779b97f4a7c15ULL;  // separates its seed
}  // namespace

std::vector<Batch> held_out_set(const Task& task, int sequences, std::uint64_t seed) {
  std::mt19937_64 rng(seed ^ kHeldOutStream);
  std::vector<Batch> batches;
  for (int left = sequences; left > 0; left -= kEvalBatch) {
    batches.emplace_back();
    task.sample(rng, std::min(left, kEvalBatch), batches.back());
  }
  return batches;
}

Score evaluate(Model<float>& model, const Task& task, const std::vector<Batch>& held_out) {
  const bool classification = task.loss() == LossKind::SoftmaxCrossEntropy;
  Score score;
  double sequences = 0, accuracy = 0;
  std::vector<int> predicted;
  for (const auto& batch : held_out) {
    const auto outputs = model.forward(batch.inputs.view(), task.steps(), batch.size);
    score.loss += compute_loss(task.loss(), outputs, batch, nullptr, &predicted) * batch.size;
    if (classification) accuracy += task.accuracy(predicted, batch) * batch.size;
    sequences += batch.size;
  }
  score.loss /= sequences;
  if (classification) score.accuracy = accuracy / sequences;
  return score;
}

std::vector<double> gradient_profile(Model<float>& model, const Task& task, const Batch& batch) {
  Matrix<float> d_outputs;
  const auto outputs = model.forward(batch.inputs.view(), task.steps(), batch.size);
  compute_loss(task.loss(), outputs, batch, &d_outputs, nullptr);
  model.backward(d_outputs.view());
  return model.hidden_gradient_norms();
}

}  // namespace harness
