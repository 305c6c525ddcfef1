#include "tasks/adding.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace harness {

const TaskKind kAddingTask{
    .name = "adding",
    .min_length = 2,  // room for the two markers
    .own_keys = {"placement"},
    .read_options = [](const Settings& task,
                       const TaskContext&) -> std::shared_ptr<const TaskOptions> {
      auto options = std::make_shared<AddingOptions>();
      options->placement =
          task.choice("placement", options->placement, kPlacementNames, "placement");
      return options;
    },
    .make = [](const TaskSpec& spec) -> std::unique_ptr<Task> {
      return std::make_unique<AddingTask>(spec.length, options_of<AddingOptions>(spec).placement);
    }};

void AddingOptions::write(nlohmann::ordered_json& task) const {
  task["placement"] = name_of(kPlacementNames, placement);
}

namespace {
// Uniform integer in [first, last), with last > first.
int uniform_int(std::mt19937_64& rng, int first, int last) {
  return std::uniform_int_distribution<int>(first, last - 1)(rng);
}
}  // namespace

std::pair<int, int> AddingTask::marker_positions(std::mt19937_64& rng) const {
  const int T = length_;
  if (placement_ == Placement::Anywhere) {
    const int first = uniform_int(rng, 0, T);
    int second = uniform_int(rng, 0, T - 1);
    if (second >= first) ++second;  // distinct from the first
    return {std::min(first, second), std::max(first, second)};
  }
  if (placement_ == Placement::Pascanu) {
    const int split = std::clamp(T / 10, 1, T - 1);
    const int end = std::max(split + 1, T / 2);
    return {uniform_int(rng, 0, split), uniform_int(rng, split, end)};
  }
  const int half = std::max(1, T / 2);  // halves
  return {uniform_int(rng, 0, half), uniform_int(rng, half, T)};
}

void AddingTask::sample(std::mt19937_64& rng, int batch, Batch& out) const {
  std::uniform_real_distribution<float> value(0.0f, 1.0f);
  out.size = batch;
  out.steps = steps();
  out.inputs.resize(length_ * batch, 2);
  out.values.assign(batch, 0.0f);
  out.classes.clear();
  for (int b = 0; b < batch; ++b) {
    for (int t = 0; t < length_; ++t) {
      out.inputs(t * batch + b, 0) = value(rng);
      out.inputs(t * batch + b, 1) = 0.0f;
    }
    const auto [first, second] = marker_positions(rng);
    for (int t : {first, second}) {
      out.inputs(t * batch + b, 1) = 1.0f;
      out.values[b] += out.inputs(t * batch + b, 0);
    }
  }
}

}  // namespace harness
