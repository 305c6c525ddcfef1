// The experiment schema: which keys exist where, their types, ranges and defaults. The reading
// itself (locations, did-you-mean, --set, the grid) is yaml_reader and grid; the tasks' own keys
// come from the task table.
#include "experiment/spec.hpp"

#include <limits>
#include <nlohmann/json.hpp>

#include "experiment/grid.hpp"
#include "file_io.hpp"
#include "tasks/task_kind.hpp"

namespace harness {

namespace {

// More trials than any sweep on one store should hold: the grid's size is checked against it
// before the grid is expanded.
constexpr std::size_t kMaxTrials = 100000;

// Cells and backends come from plugins: say how to add one.
constexpr const char* kPluginHint =
    " (a plugin's cells and backends are found with --plugin-dir DIR or HARNESS_PLUGIN_PATH)";

const std::vector<std::string> kTopKeys{"name",  "description", "seed",    "repeats", "search",
                                        "tasks", "models",      "backend", "training"};
const std::vector<std::string> kSearchKeys{"key",        "from",  "max",   "growth",
                                           "resolution", "seeds", "budget"};
const std::vector<std::string> kTaskKeys{"kind", "T", "eval_sequences", "carry_state", "training"};
const std::vector<std::string> kModelKeys{
    "cell", "hidden",  "proj", "layers", "bidirectional", "merge", "dropout", "learn_initial_state",
    "init", "training"};
const std::vector<std::string> kInitKeys{"weights", "scale", "recurrent", "diagonal",
                                         "forget_bias"};
const std::vector<std::string> kBackendKeys{"name", "threads"};
const std::vector<std::string> kTrainingKeys{
    "optimizer",  "learning_rate", "momentum",        "decay", "beta1",
    "beta2",      "epsilon",       "batch",           "steps", "clip_norm",
    "clip_value", "eval_every",    "stop_when_solved"};

// A key of some other task kind: "applies to the adding task only".
std::string explain_task_key(const std::string& key) {
  std::vector<std::string> owners;
  for (const TaskKind* kind : task_kinds()) {
    if (std::find(kind->own_keys.begin(), kind->own_keys.end(), key) != kind->own_keys.end())
      owners.emplace_back(kind->name);
  }
  if (owners.empty()) return "";
  return fmt::format("applies to the {} task{} only", fmt::join(owners, " and "),
                     owners.size() > 1 ? "s" : "");
}

// `searched`: the search's first T, when a search sets T instead of the task.
TaskSpec read_task(const MapReader& r, const std::filesystem::path& folder,
                   std::optional<int> searched) {
  const Settings s({r});
  std::vector<std::string> kind_names;
  for (const TaskKind* kind : task_kinds()) kind_names.emplace_back(kind->name);
  const std::string name = s.choice("kind", std::nullopt, kind_names, "task");
  TaskSpec task;
  for (const TaskKind* kind : task_kinds()) {
    if (name == kind->name) task.kind = kind;
  }
  std::vector<std::string> keys = kTaskKeys;
  keys.insert(keys.end(), task.kind->own_keys.begin(), task.kind->own_keys.end());
  r.only_keys(keys, explain_task_key);
  if (searched) {
    if (r.has("T")) {
      r.fail_at("T", "the search sets T, from search.from up to search.max; remove T here");
    }
    if (!task.kind->generated) {
      std::vector<std::string> searchable;
      for (const TaskKind* kind : task_kinds()) {
        if (kind->generated) searchable.emplace_back(kind->name);
      }
      r.fail_at("kind", fmt::format("a search over T needs a task whose T is the length of a "
                                    "dependency ({}), not the {} task's chunk of text",
                                    fmt::join(searchable, ", "), task.kind->name));
    }
    if (*searched < task.kind->min_length) {
      r.fail_at("kind", fmt::format("the {} task needs T ≥ {}; set search.from to {} or more",
                                    task.kind->name, task.kind->min_length, task.kind->min_length));
    }
    task.length = *searched;
  } else {
    if (!r.has("T")) r.fail_at("T", "missing: the sequence length T of the task, e.g. T: 100");
    task.length = s.integer("T", 0, task.kind->min_length, 100000);
  }
  if (!task.kind->generated && r.has("eval_sequences")) {
    r.fail_at("eval_sequences", fmt::format("the {} task is scored on its corpus's held-out "
                                            "split, not on generated sequences; remove this key",
                                            task.kind->name));
  }
  task.eval_sequences = s.integer("eval_sequences", 512, 1, 1000000);
  task.carry_state = s.boolean("carry_state", task.kind->batches_continue);
  if (task.carry_state && !task.kind->batches_continue) {
    r.fail_at("carry_state", fmt::format("the {} task's batches are independent sequences: there "
                                         "is no state to carry from one to the next",
                                         task.kind->name));
  }
  if (task.kind->read_options) task.options = task.kind->read_options(s, {folder, task.length});
  return task;
}

ModelSpec read_model(const MapReader& r, const KnownNames& known) {
  r.only_keys(kModelKeys);
  const Settings s({r});
  ModelSpec model;
  model.cell = s.choice("cell", std::nullopt, known.cells, "cell", kPluginHint);
  model.hidden = s.integer("hidden", model.hidden, 1, 65536);
  model.proj = s.integer("proj", model.proj, 0, 65536);
  model.layers = s.integer("layers", model.layers, 1, 64);
  model.bidirectional = s.boolean("bidirectional", model.bidirectional);
  model.merge = s.choice("merge", model.merge, kMergeNames, "merge of the two directions");
  model.dropout = s.real("dropout", model.dropout, 0, true, 1);  // [0, 1): p of dropping a unit
  model.learn_initial_state = s.boolean("learn_initial_state", model.learn_initial_state);
  if (known.cell_problem) {
    if (const std::string problem = known.cell_problem(model.cell, model.hidden, model.proj);
        !problem.empty()) {
      r.fail_at(model.proj > 0 ? "proj" : "cell", fmt::format("cell {}: {}", model.cell, problem));
    }
  }
  if (model.dropout > 0 && model.layers == 1) {
    r.fail_at("dropout",
              "dropout acts between stacked layers, and this model has one; set layers: 2 or more, "
              "or remove dropout");
  }
  if (model.merge != Merge::Concat && !model.bidirectional) {
    r.fail_at("merge",
              "merge says how the two directions of a bidirectional model combine; set "
              "bidirectional: true, or remove merge");
  }
  const MapReader init = r.submap("init");
  init.only_keys(kInitKeys);
  const Settings i({init});
  model.init.weights = i.choice("weights", model.init.weights, kWeightInitNames, "initialisation");
  model.init.scale = i.real("scale", model.init.scale, 0, false);
  model.init.recurrent =
      i.choice("recurrent", model.init.recurrent, kRecurrentInitNames, "recurrent initialisation");
  model.init.diagonal = i.choice("diagonal", model.init.diagonal, kDiagonalInitNames,
                                 "element-wise recurrent initialisation");
  model.init.forget_bias = i.real("forget_bias", model.init.forget_bias, -1e6, false);
  return model;
}

BackendSpec read_backend(const MapReader& r, const KnownNames& known) {
  r.only_keys(kBackendKeys);
  const Settings s({r});
  BackendSpec backend;
  backend.name = s.choice("name", backend.name, known.backends, "backend", kPluginHint);
  backend.threads = s.integer("threads", backend.threads, 1, 1024);
  return backend;
}

TrainingSpec read_training(const Settings& s) {
  TrainingSpec t;
  t.optimizer = s.choice("optimizer", t.optimizer, kOptimizerNames, "optimizer");
  t.learning_rate = s.real("learning_rate", t.learning_rate, 0, false);
  t.momentum = s.real("momentum", t.momentum, 0, true, 1);
  t.decay = s.real("decay", t.decay, 0, true, 1);
  t.beta1 = s.real("beta1", t.beta1, 0, true, 1);
  t.beta2 = s.real("beta2", t.beta2, 0, true, 1);
  t.epsilon = s.real("epsilon", t.epsilon, 0, false);
  t.batch = s.integer("batch", t.batch, 1, 1 << 20);
  t.steps = s.integer("steps", t.steps, 1);
  t.clip_norm = s.optional_positive("clip_norm");
  t.clip_value = s.optional_positive("clip_value");
  t.eval_every = s.integer("eval_every", t.eval_every, 1);
  t.stop_when_solved = s.boolean("stop_when_solved", t.stop_when_solved);
  return t;
}

// The entries of a top-level list of mappings ("tasks", "models").
std::vector<YAML::Node> entries(const YamlSource& source, const YAML::Node& root,
                                const std::string& key, const char* example) {
  const YAML::Node list = child_of(root, key);
  if (list.IsNull()) {
    fail_at_node(source, root, key, fmt::format("missing: a list of {}, e.g.\n{}", key, example));
  }
  if (!list.IsSequence() || list.size() == 0) {
    fail_at_node(source, list, key,
                 fmt::format("expected a non-empty list of {}, e.g.\n{}", key, example));
  }
  return {list.begin(), list.end()};
}

struct SearchSettings {
  LengthSearchSpec spec;
  std::optional<int> budget;  // every trial's training steps
};

std::optional<SearchSettings> read_search(const MapReader& top) {
  if (!top.has("search")) return std::nullopt;
  const MapReader r = top.submap("search");
  if (!r.node().IsMap()) {
    top.fail_at("search",
                "expected a mapping, e.g. search: {from: 10, max: 1000, resolution: 10, "
                "seeds: 3, budget: 6000}");
  }
  r.only_keys(kSearchKeys);
  if (r.has("key") && r.scalar<std::string>("key", "a key") != "T") {
    r.fail_at("key", "only the sequence length T can be searched: key: T");
  }
  const Settings s({r});
  SearchSettings search;
  LengthSearchSpec& spec = search.spec;
  spec.from = s.integer("from", spec.from, 1, 100000);
  spec.max = s.integer("max", std::max(spec.max, spec.from), spec.from, 100000);
  spec.growth = s.real("growth", spec.growth, 1, false);
  spec.resolution = s.integer("resolution", spec.resolution, 1);
  spec.seeds = s.integer("seeds", spec.seeds, 1, 1000);
  if (r.has("budget")) search.budget = s.integer("budget", 0, 1);
  return search;
}

nlohmann::ordered_json optional_json(const std::optional<double>& value) {
  return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json(nullptr);
}

}  // namespace

nlohmann::ordered_json to_json(const TrialSpec& s) {
  nlohmann::ordered_json task{{"kind", s.task.kind->name}, {"T", s.task.length}};
  if (s.task.kind->generated) task["eval_sequences"] = s.task.eval_sequences;
  task["carry_state"] = s.task.carry_state;
  if (s.task.options) s.task.options->write(task);
  const InitSpec& init = s.model.init;
  const TrainingSpec& t = s.training;
  nlohmann::ordered_json json{
      {"trial", s.index},
      {"task", task},
      {"model",
       {{"cell", s.model.cell},
        {"hidden", s.model.hidden},
        {"proj", s.model.proj},
        {"layers", s.model.layers},
        {"bidirectional", s.model.bidirectional},
        {"merge", name_of(kMergeNames, s.model.merge)},
        {"dropout", s.model.dropout},
        {"learn_initial_state", s.model.learn_initial_state},
        {"init",
         {{"weights", name_of(kWeightInitNames, init.weights)},
          {"scale", init.scale},
          {"recurrent", name_of(kRecurrentInitNames, init.recurrent)},
          {"diagonal", name_of(kDiagonalInitNames, init.diagonal)},
          {"forget_bias", init.forget_bias}}}}},
      {"backend", {{"name", s.backend.name}, {"threads", s.backend.threads}}},
      {"training",
       {{"optimizer", name_of(kOptimizerNames, t.optimizer)},
        {"learning_rate", t.learning_rate},
        {"momentum", t.momentum},
        {"decay", t.decay},
        {"beta1", t.beta1},
        {"beta2", t.beta2},
        {"epsilon", t.epsilon},
        {"batch", t.batch},
        {"steps", t.steps},
        {"clip_norm", optional_json(t.clip_norm)},
        {"clip_value", optional_json(t.clip_value)},
        {"eval_every", t.eval_every},
        {"stop_when_solved", t.stop_when_solved}}},
      {"repeat", s.repeat},
      {"seed", s.seed}};
  if (s.search) {
    json["search"] = {{"from", s.search->from},
                      {"max", s.search->max},
                      {"growth", s.search->growth},
                      {"resolution", s.search->resolution},
                      {"seeds", s.search->seeds}};
  }
  return json;
}

ExperimentSpec parse_experiment(const std::string& yaml, const std::string& file,
                                const std::vector<std::string>& overrides,
                                const KnownNames& known) {
  YamlSource source{file, {}};
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::ParserException& e) {
    throw ConfigError(fmt::format("{}:{}:{}: not valid YAML: {}", file, e.mark.line + 1,
                                  e.mark.column + 1, e.msg));
  }
  if (!root.IsMap())
    throw ConfigError(fmt::format("{}: expected a mapping of keys to values at the top", file));
  for (const auto& setting : overrides) apply_override(root, setting, source);

  const GridPoint no_grid;
  const MapReader top(source, root, "", no_grid);
  top.only_keys(kTopKeys);
  ExperimentSpec spec;
  spec.file = file;
  if (!top.has("name"))
    fail_at_node(source, root, "name", "missing: a name for the experiment, e.g. name: long_dep");
  spec.name = top.scalar<std::string>("name", "a name");
  if (spec.name.empty() ||
      spec.name.find_first_not_of(
          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") !=
          std::string::npos) {
    top.fail_at("name", "use letters, digits, '_', '-' and '.' only (it names the results folder)");
  }
  if (top.has("description")) spec.description = top.scalar<std::string>("description", "a text");
  const Settings top_settings({top});
  spec.seed = static_cast<std::uint64_t>(top_settings.integer("seed", 1, 0));
  spec.repeats = top_settings.integer("repeats", 1, 1, 1000);
  const auto search = read_search(top);
  if (search) {
    if (top.has("repeats")) {
      top.fail_at("repeats",
                  "a search tries search.seeds seeds at every T; remove repeats (or set "
                  "search.seeds)");
    }
    spec.search = search->spec;
    spec.repeats = search->spec.seeds;
  }

  const auto tasks = entries(source, root, "tasks", "tasks:\n  - {kind: adding, T: [50, 100]}");
  const auto models =
      entries(source, root, "models", "models:\n  - {cell: [rnn_tanh, lstm], hidden: 128}");

  int index = 0;
  for (std::size_t t = 0; t < tasks.size(); ++t) {
    for (std::size_t m = 0; m < models.size(); ++m) {
      const std::string task_path = fmt::format("tasks[{}]", t);
      const std::string model_path = fmt::format("models[{}]", m);
      std::vector<GridAxis> axes;
      collect_axes(tasks[t], task_path, axes);
      collect_axes(models[m], model_path, axes);
      collect_axes(child_of(root, "backend"), "backend", axes);
      collect_axes(child_of(root, "training"), "training", axes);
      // Checked before expanding, so that a mistyped grid cannot exhaust the memory.
      const std::size_t points = grid_size(axes);
      if (points > (kMaxTrials - static_cast<std::size_t>(index)) / spec.repeats) {
        throw ConfigError(fmt::format(
            "{}: {} × {} makes a grid of {} points (× {} repeats), past the limit of {} trials "
            "an experiment may have; split the sweep into several experiments",
            file, task_path, model_path,
            points == std::numeric_limits<std::size_t>::max() ? "uncountably many"
                                                              : std::to_string(points),
            spec.repeats, kMaxTrials));
      }
      for (const auto& point : expand(axes)) {
        const MapReader task_reader(source, tasks[t], task_path, point);
        const MapReader model_reader(source, models[m], model_path, point);
        const std::vector<MapReader> training_layers{
            model_reader.submap("training"), task_reader.submap("training"),
            MapReader(source, child_of(root, "training"), "training", point)};
        for (const auto& layer : training_layers) layer.only_keys(kTrainingKeys);

        TrialSpec trial;
        trial.task = read_task(task_reader, std::filesystem::path(file).parent_path(),
                               search ? std::optional(search->spec.from) : std::nullopt);
        trial.model = read_model(model_reader, known);
        if (trial.task.carry_state && trial.model.bidirectional) {
          model_reader.fail_at("bidirectional",
                               fmt::format("a bidirectional model cannot carry its state from one "
                                           "chunk to the next; set {}.carry_state: false",
                                           task_path));
        }
        trial.backend =
            read_backend(MapReader(source, child_of(root, "backend"), "backend", point), known);
        trial.training = read_training(Settings(training_layers));
        if (search && search->budget) {
          for (const auto& layer : training_layers) {
            if (layer.has("steps")) {
              layer.fail_at("steps",
                            "search.budget gives every trial's training steps; remove "
                            "steps here, or search.budget");
            }
          }
          trial.training.steps = *search->budget;
        }
        trial.search = spec.search;
        for (int repeat = 0; repeat < spec.repeats; ++repeat) {
          trial.index = index++;
          trial.repeat = repeat;
          // Repeats differ in seed; the same trial of the same experiment always gets the same one.
          trial.seed = spec.seed * 1000003ULL + static_cast<std::uint64_t>(trial.index);
          spec.trials.push_back(trial);
        }
      }
    }
  }
  spec.resolved_yaml = YAML::Dump(root);
  return spec;
}

ExperimentSpec load_experiment(const std::string& file, const std::vector<std::string>& overrides,
                               const KnownNames& known) {
  const auto text = read_whole_file(file);
  if (!text) {
    throw ConfigError(fmt::format("{}: cannot read the experiment file (does it exist?)", file));
  }
  return parse_experiment(*text, file, overrides, known);
}

}  // namespace harness
