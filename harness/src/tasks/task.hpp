// Long-dependency tasks: seeded batches of sequences with their targets, the loss a memoryless
// predictor gets (chance), and when the task counts as solved.
//
// Inputs are time-major (T·B, X), like every sequence in the harness. Targets are either one value
// per sequence (regression, read at the last step), one class per sequence (read at the last
// step), or one class per step.
#pragma once

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "experiment/spec.hpp"
#include "matrix.hpp"

namespace harness {

enum class Readout { LastStep, EveryStep };
enum class LossKind { MeanSquaredError, SoftmaxCrossEntropy };

struct Batch {
  int size = 0;               // B
  Matrix<float> inputs;       // (T·B, X)
  std::vector<float> values;  // regression targets, (B)
  std::vector<int> classes;   // class targets: (B) for LastStep, (T·B) time-major for EveryStep
};

// What a model got right on a batch: loss, and for classification tasks, the task's accuracy.
struct Score {
  double loss = 0;
  double accuracy = -1;  // < 0: not defined for this task
};

class Task {
 public:
  virtual ~Task() = default;
  virtual int input_size() const = 0;   // X
  virtual int output_size() const = 0;  // values or classes per readout
  virtual int steps() const = 0;        // sequence length the model sees
  virtual Readout readout() const = 0;
  virtual LossKind loss() const = 0;
  virtual void sample(std::mt19937_64& rng, int batch, Batch& out) const = 0;
  // The loss of the best predictor that ignores the inputs, from the task's definition.
  virtual double chance_loss() const = 0;
  virtual std::string solved_criterion() const = 0;
  virtual bool solved(const Score& held_out) const = 0;
  // Accuracy as the task defines it (copy memory: over the recalled symbols only), from the
  // model's predicted classes; empty for regression.
  virtual double accuracy(const std::vector<int>& predicted, const Batch& batch) const;
};

std::unique_ptr<Task> make_task(const TaskSpec& spec);

}  // namespace harness
