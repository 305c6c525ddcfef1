#include "task.hpp"

#include "tasks/task_kind.hpp"

#include <algorithm>

namespace harness {

double Task::accuracy(const std::vector<int>& predicted, const Batch& batch) const {
  if (batch.classes.empty()) return -1;
  std::size_t right = 0;
  for (std::size_t i = 0; i < predicted.size(); ++i) right += predicted[i] == batch.classes[i];
  return double(right) / double(predicted.size());
}

namespace {
constexpr int kHeldOutBatch = 256;                               // sequences per batch
constexpr std::uint64_t kHeldOutStream = 0x9e3779b97f4a7c15ULL;  // separates its seed
}  // namespace

std::vector<Batch> GeneratedTask::held_out_set(int sequences, std::uint64_t seed) const {
  std::mt19937_64 rng(seed ^ kHeldOutStream);
  std::vector<Batch> batches;
  for (int left = sequences; left > 0; left -= kHeldOutBatch) {
    batches.emplace_back();
    sample(rng, std::min(left, kHeldOutBatch), batches.back());
  }
  return batches;
}

HeldOutSize GeneratedTask::held_out_size(int sequences) const {
  const std::size_t T = steps();
  const std::size_t inputs = T * (token_input() ? 1 : input_size());
  const std::size_t targets = readout() == Readout::EveryStep ? T : 1;
  return {std::min(sequences, kHeldOutBatch), std::size_t(sequences) * (inputs + targets)};
}

std::unique_ptr<Task> make_task(const TaskSpec& spec) {
  return spec.kind->make(spec);
}

}  // namespace harness
