// Copy memory (Arjovsky et al. 2016): remember 10 symbols over a delay of T steps.
//
// Input, T + 20 steps, one-hot over 10 categories: 10 symbols drawn from the first 8, T − 1
// blanks (category 8), a delimiter (category 9), 10 blanks. Target at every step: blank for the
// first T + 10 steps, then the 10 symbols. Loss: softmax cross-entropy averaged over all steps.
//
// Chance (memoryless): blanks are certain, each recalled symbol is one of 8, so the loss is
// 10 · ln 8 / (T + 20). Solved: at least 99% of the recalled symbols right on the held-out set.
#pragma once

#include "tasks/task.hpp"
#include "tasks/task_kind.hpp"

namespace harness {

extern const TaskKind kCopyMemoryTask;

class CopyMemoryTask final : public GeneratedTask {
 public:
  static constexpr int kSymbols = 8;  // categories 0 … 7
  static constexpr int kBlank = 8;
  static constexpr int kDelimiter = 9;
  static constexpr int kCopyLength = 10;

  explicit CopyMemoryTask(int delay) : delay_(delay) {}

  int input_size() const override { return 10; }
  int output_size() const override { return 10; }
  int steps() const override { return delay_ + 2 * kCopyLength; }
  Readout readout() const override { return Readout::EveryStep; }
  LossKind loss() const override { return LossKind::SoftmaxCrossEntropy; }
  void sample(std::mt19937_64& rng, int batch, Batch& out) const override;
  double chance_loss() const override;
  std::string solved_criterion() const override { return "recalled symbols >= 99% right"; }
  bool solved(const Score& held_out) const override { return held_out.accuracy >= 0.99; }
  double accuracy(const std::vector<int>& predicted, const Batch& batch) const override;

 private:
  int delay_;
};

}  // namespace harness
