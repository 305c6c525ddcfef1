// An experiment, as read from its YAML file: validated, defaults filled, the grid expanded into
// trials. Every name in it (task kind, optimizer, initialisation, ...) is parsed once, here, into
// a typed value; nothing downstream compares strings. See the README's "Experiment files".
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "experiment/length_search.hpp"
#include "experiment/yaml_reader.hpp"

namespace harness {

struct TaskKind;  // tasks/task_kind.hpp: one entry of the task table

// The keys only some task kinds take (the adding task's placement), as the kind's own reader
// parsed them.
class TaskOptions {
 public:
  virtual ~TaskOptions() = default;
  // Adds the options' keys, with their values, to a task's record.
  virtual void write(nlohmann::ordered_json& task) const = 0;
};

struct TaskSpec {
  const TaskKind* kind = nullptr;
  int length = 0;            // T: the sequence length (copy_memory: the delay; lm: the chunk)
  int eval_sequences = 0;    // size of the held-out set, for kinds that generate it
  bool carry_state = false;  // carry the state from batch to batch (kinds whose batches continue)
  std::shared_ptr<const TaskOptions> options;  // null when the kind takes none
};

enum class WeightInit { Glorot, Uniform };
inline constexpr Named<WeightInit> kWeightInitNames[]{{"glorot", WeightInit::Glorot},
                                                      {"uniform", WeightInit::Uniform}};

enum class RecurrentInit { Orthogonal, Identity, Same };
inline constexpr Named<RecurrentInit> kRecurrentInitNames[]{
    {"orthogonal", RecurrentInit::Orthogonal},
    {"identity", RecurrentInit::Identity},
    {"same", RecurrentInit::Same}};

// Element-wise recurrent weights (IndRNN's u): U(0, 1), U(0, 2^(1/T)) — Li et al.'s bound for
// T steps — or 1.
enum class DiagonalInit { Uniform, Bounded, One };
inline constexpr Named<DiagonalInit> kDiagonalInitNames[]{{"uniform", DiagonalInit::Uniform},
                                                          {"bounded", DiagonalInit::Bounded},
                                                          {"one", DiagonalInit::One}};

struct InitSpec {
  WeightInit weights = WeightInit::Glorot;
  double scale = 0.1;  // for uniform: U[−scale, scale]
  RecurrentInit recurrent = RecurrentInit::Orthogonal;
  DiagonalInit diagonal = DiagonalInit::Uniform;
  double forget_bias = 1.0;  // bias of a gate named "f" at initialisation
};

// How a bidirectional layer merges its two directions.
enum class Merge { Concat, Sum };
inline constexpr Named<Merge> kMergeNames[]{{"concat", Merge::Concat}, {"sum", Merge::Sum}};

struct ModelSpec {
  std::string cell;  // a cell some plugin provides
  int hidden = 128;
  int proj = 0;  // P for cells that project (lstmp); 0: the cell's default
  int layers = 1;
  bool bidirectional = false;
  Merge merge = Merge::Concat;  // of the two directions
  double dropout = 0;           // between stacked layers
  bool learn_initial_state = false;
  InitSpec init;
};

struct BackendSpec {
  std::string name = "blas";  // a backend some plugin provides
  int threads = 1;
};

enum class OptimizerKind { Sgd, RmsProp, Adam };
inline constexpr Named<OptimizerKind> kOptimizerNames[]{{"sgd", OptimizerKind::Sgd},
                                                        {"rmsprop", OptimizerKind::RmsProp},
                                                        {"adam", OptimizerKind::Adam}};

struct TrainingSpec {
  OptimizerKind optimizer = OptimizerKind::RmsProp;
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
  // The search over T that chose this trial's T (length_search.hpp), in a search; its
  // `repeat` is then the seed's number, the same at every T.
  std::optional<LengthSearchSpec> search;
};

// The trial's complete spec, every key with its value (defaults included), nested as in the
// experiment file: {"trial", "task": {...}, "model": {...}, "backend": {...}, "training": {...},
// "repeat", "seed"}.
nlohmann::ordered_json to_json(const TrialSpec& trial);

struct ExperimentSpec {
  std::string file;
  std::string name;
  std::string description;
  std::uint64_t seed = 1;
  int repeats = 1;
  // A search over T for every model on every task (its grid point): `trials` then hold the
  // first round, every search's first T with each of its seeds, search by search.
  std::optional<LengthSearchSpec> search;
  std::vector<TrialSpec> trials;
  std::string resolved_yaml;  // the file with every --set applied, as run
};

// Names the spec may refer to besides its own keys: the cells and backends the plugins provide.
struct KnownNames {
  std::vector<std::string> cells;
  std::vector<std::string> backends;
  // When set: what is wrong with a cell at a model's shape (its `proj`), or "" when nothing.
  std::function<std::string(const std::string& cell, int hidden, int proj)> cell_problem;
};

// Reads, validates and expands an experiment. `overrides` are "key.path=value" settings (--set)
// applied before validation. Throws ConfigError.
ExperimentSpec load_experiment(const std::string& file, const std::vector<std::string>& overrides,
                               const KnownNames& known);

// The same from YAML text (`file` only names it in messages).
ExperimentSpec parse_experiment(const std::string& yaml, const std::string& file,
                                const std::vector<std::string>& overrides, const KnownNames& known);

}  // namespace harness
