#include "tasks/copy_memory.hpp"

#include <cmath>

namespace harness {

const TaskKind kCopyMemoryTask{.name = "copy_memory",
                               .min_length = 1,
                               .make = [](const TaskSpec& spec) -> std::unique_ptr<Task> {
                                 return std::make_unique<CopyMemoryTask>(spec.length);
                               }};

double CopyMemoryTask::chance_loss() const {
  return kCopyLength * std::log(double(kSymbols)) / double(steps());
}

void CopyMemoryTask::sample(std::mt19937_64& rng, int batch, Batch& out) const {
  const int T = steps();
  std::uniform_int_distribution<int> symbol(0, kSymbols - 1);
  out.size = batch;
  out.steps = steps();
  out.inputs.resize(T * batch, 10);
  out.inputs.fill(0.0f);
  out.values.clear();
  out.classes.assign(T * batch, kBlank);
  for (int b = 0; b < batch; ++b) {
    auto input = [&](int t, int category) { out.inputs(t * batch + b, category) = 1.0f; };
    for (int k = 0; k < kCopyLength; ++k) {
      const int s = symbol(rng);
      input(k, s);
      out.classes[(T - kCopyLength + k) * batch + b] = s;  // recalled at the end
    }
    for (int t = kCopyLength; t < T; ++t)
      input(t, t == delay_ + kCopyLength - 1 ? kDelimiter : kBlank);
  }
}

// Only the last 10 steps hold symbols to recall.
double CopyMemoryTask::accuracy(const std::vector<int>& predicted, const Batch& batch) const {
  const int first = (steps() - kCopyLength) * batch.size;
  std::size_t right = 0;
  for (std::size_t i = first; i < predicted.size(); ++i) right += predicted[i] == batch.classes[i];
  return double(right) / double(predicted.size() - first);
}

}  // namespace harness
