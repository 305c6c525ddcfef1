// The adding problem (Hochreiter & Schmidhuber 1997): two input channels, a value uniform in
// [0, 1] and a marker that is 1 at exactly two steps; the target is the sum of the two marked
// values, read at the last step, with squared error.
//
// Marker placement, as the literature varies it:
//   halves   one marker in each half (Arjovsky et al. 2016; the default)
//   anywhere two distinct steps anywhere (Bai et al. 2018)
//   pascanu  first in [0, 0.1·T), second in [0.1·T, 0.5·T) (Pascanu et al. 2013, fixed length)
//
// Chance: predicting the mean, 1, leaves Var(U₁ + U₂) = 2 · 1/12 = 1/6.
#pragma once

#include "tasks/task.hpp"
#include "tasks/task_kind.hpp"

namespace harness {

enum class Placement { Halves, Anywhere, Pascanu };
inline constexpr Named<Placement> kPlacementNames[]{{"halves", Placement::Halves},
                                                    {"anywhere", Placement::Anywhere},
                                                    {"pascanu", Placement::Pascanu}};

struct AddingOptions final : TaskOptions {
  Placement placement = Placement::Halves;
  void write(nlohmann::ordered_json& task) const override;
};

extern const TaskKind kAddingTask;

class AddingTask final : public GeneratedTask {
 public:
  AddingTask(int length, Placement placement) : length_(length), placement_(placement) {}

  int input_size() const override { return 2; }
  int output_size() const override { return 1; }
  int steps() const override { return length_; }
  Readout readout() const override { return Readout::LastStep; }
  LossKind loss() const override { return LossKind::MeanSquaredError; }
  void sample(std::mt19937_64& rng, int batch, Batch& out) const override;
  double chance_loss() const override { return 2.0 / 12.0; }
  std::string solved_criterion() const override { return "held-out MSE < chance/10"; }
  bool solved(const Score& held_out) const override { return held_out.loss < chance_loss() / 10; }

  // The two marked steps of one sequence, as the placement rule draws them.
  std::pair<int, int> marker_positions(std::mt19937_64& rng) const;

 private:
  int length_;
  Placement placement_;
};

}  // namespace harness
