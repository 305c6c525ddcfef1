// Temporal order (Hochreiter & Schmidhuber 1997, experiment 6a, as Pascanu et al. 2013 generate
// it): one-hot over 6 symbols; relevant symbols A or B at one step in [0.1·T, 0.2·T) and one in
// [0.5·T, 0.6·T), distractors c … f everywhere else; classify the order AA, AB, BA, BB at the last
// step with softmax cross-entropy.
//
// Chance: the four classes are equally likely, so ln 4. Solved: held-out accuracy >= 99%.
#pragma once

#include "tasks/task.hpp"
#include "tasks/task_kind.hpp"

namespace harness {

extern const TaskKind kTemporalOrderTask;

class TemporalOrderTask final : public GeneratedTask {
 public:
  explicit TemporalOrderTask(int length) : length_(length) {}

  int input_size() const override { return 6; }
  int output_size() const override { return 4; }
  int steps() const override { return length_; }
  Readout readout() const override { return Readout::LastStep; }
  LossKind loss() const override { return LossKind::SoftmaxCrossEntropy; }
  void sample(std::mt19937_64& rng, int batch, Batch& out) const override;
  double chance_loss() const override;
  std::string solved_criterion() const override { return "held-out accuracy >= 99%"; }
  bool solved(const Score& held_out) const override { return held_out.accuracy >= 0.99; }

  // The windows [first, last) of the two relevant steps.
  std::pair<int, int> first_window() const;
  std::pair<int, int> second_window() const;

 private:
  int length_;
};

}  // namespace harness
