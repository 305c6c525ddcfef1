// Reading an experiment file: --set overrides, then the grid, then every trial's keys read with
// their types and ranges checked. Every error names where it is (file:line:column, or the --set
// that gave the value), the key path, what was expected and what was found.
#include "spec.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <sstream>

namespace harness {

namespace {

// Cells and backends come from plugins: say how to add one.
constexpr const char* kPluginHint =
    " (a plugin's cells and backends are found with --plugin-dir DIR or HARNESS_PLUGIN_PATH)";

// Which element of each list-valued key (a grid axis, by key path) a trial takes.
using GridPoint = std::map<std::string, std::size_t>;

struct Context {
  std::string file;
  std::map<std::string, std::string> overridden;  // key path → the --set that gave it
  const KnownNames& known;
};

std::string location(const Context& ctx, const YAML::Node& node, const std::string& path) {
  for (const auto& [key, setting] : ctx.overridden) {
    if (path == key || path.starts_with(key + ".") || path.starts_with(key + "[")) {
      return "--set " + setting;
    }
  }
  const YAML::Mark mark = node.Mark();
  if (mark.line < 0) return ctx.file;
  return fmt::format("{}:{}:{}", ctx.file, mark.line + 1, mark.column + 1);
}

[[noreturn]] void fail(const Context& ctx, const YAML::Node& node, const std::string& path,
                       const std::string& message) {
  throw ConfigError(fmt::format("{}: {}: {}", location(ctx, node, path), path, message));
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// " ; did you mean 'x'?" for the closest candidate within a few edits, else "".
std::string suggestion(const std::string& word, const std::vector<std::string>& candidates) {
  const std::string* best = nullptr;
  std::size_t best_distance = std::max<std::size_t>(2, (word.size() + 1) / 2) + 1;
  for (const auto& candidate : candidates) {
    const std::size_t d = edit_distance(word, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = &candidate;
    }
  }
  return best ? fmt::format("; did you mean '{}'?", *best) : "";
}

// map[key], or a null node when map is no mapping or has no such key (yaml-cpp's missing-key
// node throws on every question but IsDefined).
YAML::Node child_of(const YAML::Node& map, const std::string& key) {
  if (!map.IsDefined() || !map.IsMap()) return YAML::Node();
  const YAML::Node child = map[key];
  return child.IsDefined() ? child : YAML::Node();
}

std::string scalar_text(const YAML::Node& node) {
  if (node.IsScalar()) return "'" + node.Scalar() + "'";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a mapping";
  return "nothing";
}

// One YAML mapping of the experiment, read key by key.
class MapReader {
 public:
  MapReader(const Context& ctx, YAML::Node map, std::string path, const GridPoint& point)
      : ctx_(ctx), map_(std::move(map)), path_(std::move(path)), point_(point) {}

  // Fails on the first key that is not among `allowed`.
  void only_keys(const std::vector<std::string>& allowed) const {
    if (!map_.IsDefined() || map_.IsNull()) return;
    if (!map_.IsMap()) fail(ctx_, map_, path_, "expected a mapping of keys to values");
    for (const auto& item : map_) {
      const std::string key = item.first.Scalar();
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        fail(ctx_, item.first, child(key),
             fmt::format("unknown key{}; known keys here: {}", suggestion(key, allowed),
                         fmt::join(allowed, ", ")));
      }
    }
  }

  bool has(const std::string& key) const { return map_.IsMap() && map_[key].IsDefined(); }

  std::string child(const std::string& key) const {
    return path_.empty() ? key : path_ + "." + key;
  }
  const YAML::Node& node() const { return map_; }
  const std::string& path() const { return path_; }

  // The value of `key` for this grid point: the chosen element when the value is a list.
  YAML::Node value(const std::string& key) const {
    YAML::Node node = child_of(map_, key);
    const auto axis = point_.find(child(key));
    return axis == point_.end() ? node : node[axis->second];
  }

  MapReader submap(const std::string& key) const {
    return {ctx_, child_of(map_, key), child(key), point_};
  }

  template <class T>
  T scalar(const std::string& key, const char* expected) const {
    const YAML::Node node = value(key);
    if (!node.IsScalar())
      fail(ctx_, node, child(key),
           fmt::format("expected {}, found {}", expected, scalar_text(node)));
    try {
      return node.as<T>();
    } catch (const YAML::BadConversion&) {
      fail(ctx_, node, child(key),
           fmt::format("expected {}, found {}", expected, scalar_text(node)));
    }
  }

  [[noreturn]] void fail_at(const std::string& key, const std::string& message) const {
    fail(ctx_, has(key) ? value(key) : map_, child(key), message);
  }

 private:
  const Context& ctx_;
  YAML::Node map_;
  std::string path_;
  const GridPoint& point_;
};

// Reads a key from the first of several mappings that has it (training settings: a model's, then
// its task's, then the experiment's), checking types and ranges.
class Settings {
 public:
  explicit Settings(std::vector<MapReader> layers) : layers_(std::move(layers)) {}

  const MapReader* find(const std::string& key) const {
    for (const auto& layer : layers_) {
      if (layer.has(key)) return &layer;
    }
    return nullptr;
  }

  int integer(const std::string& key, int fallback, int min,
              int max = std::numeric_limits<int>::max()) const {
    const MapReader* layer = find(key);
    if (!layer) return fallback;
    const auto value = layer->scalar<long long>(key, "an integer");
    if (value < min || value > max) {
      layer->fail_at(key,
                     max == std::numeric_limits<int>::max()
                         ? fmt::format("must be at least {}, found {}", min, value)
                         : fmt::format("must be between {} and {}, found {}", min, max, value));
    }
    return static_cast<int>(value);
  }

  // A number in (min, max) or [min, max) as `min_inclusive` says.
  double real(const std::string& key, double fallback, double min, bool min_inclusive,
              double max = std::numeric_limits<double>::infinity()) const {
    const MapReader* layer = find(key);
    if (!layer) return fallback;
    const auto value = layer->scalar<double>(key, "a number");
    const bool above = min_inclusive ? value >= min : value > min;
    if (!std::isfinite(value) || !above || value >= max) {
      const std::string low =
          fmt::format("{} {}", min_inclusive ? "at least" : "greater than", min);
      layer->fail_at(key, std::isinf(max) ? fmt::format("must be {}, found {}", low, value)
                                          : fmt::format("must be {} and less than {}, found {}",
                                                        low, max, value));
    }
    return value;
  }

  std::optional<double> optional_positive(const std::string& key) const {
    const MapReader* layer = find(key);
    if (!layer || layer->value(key).IsNull()) return std::nullopt;
    return real(key, 0, 0, false);
  }

  bool boolean(const std::string& key, bool fallback) const {
    const MapReader* layer = find(key);
    return layer ? layer->scalar<bool>(key, "true or false") : fallback;
  }

  // One of `options` (what = "optimizer", "cell", ...); `hint` ends the message for an unknown
  // one.
  std::string choice(const std::string& key, const std::string& fallback,
                     const std::vector<std::string>& options, const char* what,
                     const char* hint = "") const {
    const MapReader* layer = find(key);
    if (!layer) {
      if (fallback.empty())
        layers_.front().fail_at(key,
                                fmt::format("missing; give one of: {}", fmt::join(options, ", ")));
      return fallback;
    }
    const auto value = layer->scalar<std::string>(key, "a name");
    if (std::find(options.begin(), options.end(), value) == options.end()) {
      layer->fail_at(key, fmt::format("unknown {} '{}'{}; available: {}{}", what, value,
                                      suggestion(value, options), fmt::join(options, ", "), hint));
    }
    return value;
  }

 private:
  std::vector<MapReader> layers_;
};

const std::vector<std::string> kTopKeys{"name",  "description", "seed",    "repeats",
                                        "tasks", "models",      "backend", "training"};
const std::vector<std::string> kTaskKeys{"kind", "T", "placement", "eval_sequences", "training"};
const std::vector<std::string> kModelKeys{"cell",          "hidden", "layers",
                                          "bidirectional", "init",   "training"};
const std::vector<std::string> kInitKeys{"weights", "scale", "recurrent", "forget_bias"};
const std::vector<std::string> kBackendKeys{"name", "threads"};
const std::vector<std::string> kTrainingKeys{
    "optimizer",  "learning_rate", "momentum",        "decay", "beta1",
    "beta2",      "epsilon",       "batch",           "steps", "clip_norm",
    "clip_value", "eval_every",    "stop_when_solved"};
const std::vector<std::string> kTaskKinds{"adding", "copy_memory", "temporal_order"};

// "a.b[2].c" → the node it names, creating maps on the way (for --set).
void apply_override(YAML::Node root, const std::string& setting, Context& ctx) {
  const auto equals = setting.find('=');
  if (equals == std::string::npos || equals == 0) {
    throw ConfigError(
        fmt::format("--set {}: expected key.path=value, e.g. --set training.steps=500", setting));
  }
  const std::string path = setting.substr(0, equals);
  YAML::Node value;
  try {
    value = YAML::Load(setting.substr(equals + 1));
  } catch (const YAML::Exception& e) {
    throw ConfigError(fmt::format("--set {}: the value is not valid YAML ({})", setting, e.msg));
  }
  // Split into keys and list indices.
  std::vector<std::string> parts;
  std::string part;
  for (char ch : path) {
    if (ch == '.' || ch == '[' || ch == ']') {
      if (!part.empty()) parts.push_back(part);
      part.clear();
    } else {
      part += ch;
    }
  }
  if (!part.empty()) parts.push_back(part);

  std::vector<YAML::Node> chain{root};
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    YAML::Node current = chain.back();
    const bool index =
        !parts[i].empty() && std::all_of(parts[i].begin(), parts[i].end(), ::isdigit);
    if (index) {
      const std::size_t n = std::stoul(parts[i]);
      if (!current.IsSequence() || n >= current.size()) {
        throw ConfigError(fmt::format("--set {}: there is no element {} there", setting, n));
      }
      chain.push_back(current[n]);
    } else {
      chain.push_back(current[parts[i]]);
    }
  }
  chain.back()[parts.back()] = value;
  std::string canonical;
  for (const auto& p : parts) {
    const bool index = std::all_of(p.begin(), p.end(), ::isdigit);
    canonical += index ? "[" + p + "]" : (canonical.empty() ? p : "." + p);
  }
  ctx.overridden[canonical] = setting;
}

// Every list-valued key under `map` (at `path`) is a grid axis.
void collect_axes(const YAML::Node& map, const std::string& path,
                  std::vector<std::pair<std::string, std::size_t>>& axes) {
  if (!map.IsMap()) return;
  for (const auto& item : map) {
    const std::string key = path.empty() ? item.first.Scalar() : path + "." + item.first.Scalar();
    if (item.second.IsSequence() && item.second.size() > 0) {
      axes.emplace_back(key, item.second.size());
    } else if (item.second.IsMap()) {
      collect_axes(item.second, key, axes);
    }
  }
}

// The cross product of the axes' indices.
std::vector<GridPoint> expand(const std::vector<std::pair<std::string, std::size_t>>& axes) {
  std::vector<GridPoint> points{GridPoint{}};
  for (const auto& [path, size] : axes) {
    std::vector<GridPoint> next;
    for (const auto& point : points) {
      for (std::size_t i = 0; i < size; ++i) {
        GridPoint p = point;
        p[path] = i;
        next.push_back(std::move(p));
      }
    }
    points = std::move(next);
  }
  return points;
}

TaskSpec read_task(const MapReader& r) {
  r.only_keys(kTaskKeys);
  const Settings s({r});
  TaskSpec task;
  task.kind = s.choice("kind", "", kTaskKinds, "task");
  if (!r.has("T")) r.fail_at("T", "missing: the sequence length T of the task, e.g. T: 100");
  // Adding needs room for two markers; temporal order for its two windows (0.1·T … 0.6·T).
  const int min_length = task.kind == "adding" ? 2 : task.kind == "temporal_order" ? 10 : 1;
  task.length = s.integer("T", 0, min_length, 100000);
  if (r.has("placement") && task.kind != "adding") {
    r.fail_at("placement", "applies to the adding task only");
  }
  task.placement = s.choice("placement", "halves", {"halves", "anywhere", "pascanu"}, "placement");
  task.eval_sequences = s.integer("eval_sequences", 512, 1, 1000000);
  return task;
}

ModelSpec read_model(const MapReader& r, const Context& ctx) {
  r.only_keys(kModelKeys);
  const Settings s({r});
  ModelSpec model;
  model.cell = s.choice("cell", "", ctx.known.cells, "cell", kPluginHint);
  model.hidden = s.integer("hidden", model.hidden, 1, 65536);
  model.layers = s.integer("layers", model.layers, 1, 64);
  model.bidirectional = s.boolean("bidirectional", model.bidirectional);
  const MapReader init = r.submap("init");
  init.only_keys(kInitKeys);
  const Settings i({init});
  model.init.weights =
      i.choice("weights", model.init.weights, {"glorot", "uniform"}, "initialisation");
  model.init.scale = i.real("scale", model.init.scale, 0, false);
  model.init.recurrent = i.choice("recurrent", model.init.recurrent,
                                  {"orthogonal", "identity", "same"}, "recurrent initialisation");
  model.init.forget_bias = i.real("forget_bias", model.init.forget_bias, -1e6, false);
  return model;
}

TrainingSpec read_training(const Settings& s) {
  TrainingSpec t;
  t.optimizer = s.choice("optimizer", t.optimizer, {"sgd", "rmsprop", "adam"}, "optimizer");
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
std::vector<YAML::Node> entries(const Context& ctx, const YAML::Node& root, const std::string& key,
                                const char* example) {
  const YAML::Node list = child_of(root, key);
  if (list.IsNull()) {
    fail(ctx, root, key, fmt::format("missing: a list of {}, e.g.\n{}", key, example));
  }
  if (!list.IsSequence() || list.size() == 0) {
    fail(ctx, list, key, fmt::format("expected a non-empty list of {}, e.g.\n{}", key, example));
  }
  return {list.begin(), list.end()};
}

}  // namespace

ExperimentSpec parse_experiment(const std::string& yaml, const std::string& file,
                                const std::vector<std::string>& overrides,
                                const KnownNames& known) {
  Context ctx{file, {}, known};
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::ParserException& e) {
    throw ConfigError(fmt::format("{}:{}:{}: not valid YAML: {}", file, e.mark.line + 1,
                                  e.mark.column + 1, e.msg));
  }
  if (!root.IsMap())
    throw ConfigError(fmt::format("{}: expected a mapping of keys to values at the top", file));
  for (const auto& setting : overrides) apply_override(root, setting, ctx);

  const GridPoint no_grid;
  const MapReader top(ctx, root, "", no_grid);
  top.only_keys(kTopKeys);
  ExperimentSpec spec;
  spec.file = file;
  if (!top.has("name"))
    fail(ctx, root, "name", "missing: a name for the experiment, e.g. name: long_dep");
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

  const auto tasks = entries(ctx, root, "tasks", "tasks:\n  - {kind: adding, T: [50, 100]}");
  const auto models =
      entries(ctx, root, "models", "models:\n  - {cell: [rnn_tanh, lstm], hidden: 128}");
  const std::vector<std::string> backend_names = known.backends;

  int index = 0;
  for (std::size_t t = 0; t < tasks.size(); ++t) {
    for (std::size_t m = 0; m < models.size(); ++m) {
      const std::string task_path = fmt::format("tasks[{}]", t);
      const std::string model_path = fmt::format("models[{}]", m);
      std::vector<std::pair<std::string, std::size_t>> axes;
      collect_axes(tasks[t], task_path, axes);
      collect_axes(models[m], model_path, axes);
      collect_axes(child_of(root, "backend"), "backend", axes);
      collect_axes(child_of(root, "training"), "training", axes);
      for (const auto& point : expand(axes)) {
        const MapReader task_reader(ctx, tasks[t], task_path, point);
        const MapReader model_reader(ctx, models[m], model_path, point);
        const MapReader backend_reader(ctx, child_of(root, "backend"), "backend", point);
        const std::vector<MapReader> training_layers{
            model_reader.submap("training"), task_reader.submap("training"),
            MapReader(ctx, child_of(root, "training"), "training", point)};
        for (const auto& layer : training_layers) layer.only_keys(kTrainingKeys);
        backend_reader.only_keys(kBackendKeys);

        TrialSpec trial;
        trial.task = read_task(task_reader);
        trial.model = read_model(model_reader, ctx);
        const Settings backend({backend_reader});
        trial.backend.name =
            backend.choice("name", trial.backend.name, backend_names, "backend", kPluginHint);
        trial.backend.threads = backend.integer("threads", 1, 1, 1024);
        trial.training = read_training(Settings(training_layers));
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
  std::ifstream in(file);
  if (!in) {
    throw ConfigError(fmt::format("{}: cannot read the experiment file (does it exist?)", file));
  }
  std::stringstream text;
  text << in.rdbuf();
  return parse_experiment(text.str(), file, overrides, known);
}

}  // namespace harness
