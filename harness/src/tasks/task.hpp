// Tasks: batches of sequences with their targets, the held-out set, the loss a memoryless
// predictor gets (chance), and when the task counts as solved.
//
// Inputs are time-major, like every sequence in the harness: dense rows (T·B, X), or token ids
// (T·B) standing for one-hot rows of width X. Targets are either one value per sequence
// (regression, read at the last step), one class per sequence (read at the last step), or one
// class per step.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "experiment/spec.hpp"
#include "matrix.hpp"

namespace harness {

enum class Readout { LastStep, EveryStep };
enum class LossKind { MeanSquaredError, SoftmaxCrossEntropy };

struct Batch {
  int size = 0;               // B
  int steps = 0;              // T of this batch (a language model's last chunk may be shorter)
  Matrix<float> inputs;       // (T·B, X), for dense inputs
  std::vector<int> tokens;    // (T·B) token ids, for token inputs; −1 is a zero input
  std::vector<float> values;  // regression targets, (B)
  std::vector<int> classes;   // class targets: (B) for LastStep, (T·B) time-major for EveryStep
  bool continues = false;     // continues the previous batch of its series (a carried state fits)
};

// What a model got right on a batch: loss, and for classification tasks, the task's accuracy.
struct Score {
  double loss = 0;
  double accuracy = -1;  // < 0: not defined for this task
};

struct Corpus;  // text/corpus.hpp

// How large a held-out set is, known without making it.
struct HeldOutSize {
  int largest_batch = 0;     // sequences in its largest batch
  std::size_t elements = 0;  // its inputs and targets, 4 bytes each
};

// A measure a task reports besides the loss (a language model's bits per character), derived
// from the held-out loss in nats per readout.
struct HeldOutMeasure {
  std::string_view name;  // metric_names.hpp
  double (*from_loss)(double nats);
};

class Task {
 public:
  virtual ~Task() = default;
  virtual int input_size() const = 0;   // X (for token inputs, how many tokens there are)
  virtual int output_size() const = 0;  // values or classes per readout
  virtual int steps() const = 0;        // sequence length the model sees
  virtual Readout readout() const = 0;
  virtual LossKind loss() const = 0;
  virtual bool token_input() const { return false; }

  // The next training batch of `batch` sequences.
  virtual void training_batch(std::mt19937_64& rng, int batch, Batch& out) = 0;
  // The held-out set: `sequences` for tasks that generate them (from their own random stream,
  // seeded from `seed`); a corpus's fixed held-out split otherwise.
  virtual std::vector<Batch> held_out_set(int sequences, std::uint64_t seed) const = 0;
  virtual HeldOutSize held_out_size(int sequences) const = 0;

  // The loss of the best predictor that ignores the inputs, from the task's definition.
  virtual double chance_loss() const = 0;
  virtual std::string solved_criterion() const = 0;
  virtual bool solved(const Score& held_out) const = 0;
  // Accuracy as the task defines it (copy memory: over the recalled symbols only), from the
  // model's predicted classes; empty for regression.
  virtual double accuracy(const std::vector<int>& predicted, const Batch& batch) const;

  // What the task reports besides the loss, and its baselines in that measure (name → value).
  virtual std::optional<HeldOutMeasure> measure() const { return std::nullopt; }
  virtual std::vector<std::pair<std::string, double>> baselines() const { return {}; }
  // The text a language model reads (its vocabulary and level), or null.
  virtual const Corpus* corpus() const { return nullptr; }
};

// A task that generates its sequences: training batches and the held-out set are independent
// draws from `sample`, the held-out set from a stream of its own.
class GeneratedTask : public Task {
 public:
  virtual void sample(std::mt19937_64& rng, int batch, Batch& out) const = 0;
  void training_batch(std::mt19937_64& rng, int batch, Batch& out) override {
    sample(rng, batch, out);
  }
  std::vector<Batch> held_out_set(int sequences, std::uint64_t seed) const override;
  HeldOutSize held_out_size(int sequences) const override;
};

std::unique_ptr<Task> make_task(const TaskSpec& spec);

}  // namespace harness
