// An experiment, as read from its YAML file: validated, defaults filled, the grid expanded into
// trials. See the README's "Experiment files" for the format.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace harness {

// A user error in an experiment: "file:line:column: key.path: what is wrong and how to fix it".
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct TaskSpec {
  std::string kind;        // adding | copy_memory | temporal_order
  int length = 0;          // T: adding and temporal order sequence length; copy_memory delay
  std::string placement;   // adding: halves | anywhere | pascanu
  int eval_sequences = 0;  // size of the held-out set
};

struct InitSpec {
  std::string weights = "glorot";        // glorot | uniform
  double scale = 0.1;                    // for uniform: U[−scale, scale]
  std::string recurrent = "orthogonal";  // orthogonal | identity | same (as the input weights)
  double forget_bias = 1.0;              // LSTM forget-gate bias at initialisation
};

struct ModelSpec {
  std::string cell;
  int hidden = 128;
  int layers = 1;
  bool bidirectional = false;
  InitSpec init;
};

struct BackendSpec {
  std::string name = "blas";
  int threads = 1;
};

struct TrainingSpec {
  std::string optimizer = "rmsprop";  // sgd | rmsprop | adam
  double learning_rate = 1e-3;
  double momentum = 0.9;  // sgd
  double decay = 0.9;     // rmsprop: running average of squared gradients
  double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;  // adam (epsilon also for rmsprop)
  int batch = 32;
  int steps = 1000;
  std::optional<double> clip_norm;   // clip the global gradient norm to this
  std::optional<double> clip_value;  // clip every gradient element to [−v, v]
  int eval_every = 100;
  bool stop_when_solved = true;
};

struct TrialSpec {
  int index = 0;   // position in the experiment, from 0
  int repeat = 0;  // which of the experiment's repeats
  std::uint64_t seed = 0;
  TaskSpec task;
  ModelSpec model;
  BackendSpec backend;
  TrainingSpec training;
};

struct ExperimentSpec {
  std::string file;
  std::string name;
  std::string description;
  std::uint64_t seed = 1;
  int repeats = 1;
  std::vector<TrialSpec> trials;
  std::string resolved_yaml;  // the file with every --set applied, as run
};

// Names the spec may refer to besides its own keys: the cells and backends the plugins provide.
struct KnownNames {
  std::vector<std::string> cells;
  std::vector<std::string> backends;
};

// Reads, validates and expands an experiment. `overrides` are "key.path=value" settings (--set)
// applied before validation. Throws ConfigError.
ExperimentSpec load_experiment(const std::string& file, const std::vector<std::string>& overrides,
                               const KnownNames& known);

// The same from YAML text (`file` only names it in messages).
ExperimentSpec parse_experiment(const std::string& yaml, const std::string& file,
                                const std::vector<std::string>& overrides, const KnownNames& known);

}  // namespace harness
