#include "train/memory_estimate.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "model/model.hpp"
#include "tasks/task.hpp"
#include "train/optimizer.hpp"

namespace harness {

namespace {
constexpr double kScalar = sizeof(float);  // trials train in single precision
}

std::string readable_bytes(double bytes) {
  constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  int unit = 0;
  while (bytes >= 1024 && unit + 1 < int(std::size(kUnits))) {
    bytes /= 1024;
    ++unit;
  }
  return fmt::format("{:.{}f} {}", bytes, bytes < 10 && unit > 0 ? 1 : 0, kUnits[unit]);
}

std::string MemoryEstimate::describe() const {
  return fmt::format("{} (parameters and gradients {}, optimizer {}, buffers {}, data {})",
                     readable_bytes(total()), readable_bytes(parameters), readable_bytes(optimizer),
                     readable_bytes(buffers), readable_bytes(data));
}

namespace {

// The model a trial trains, counted at the largest batch it runs.
struct SizedTrial {
  std::unique_ptr<Task> task;
  int T = 0, B = 0;
  HeldOutSize held_out;
  ModelFootprint model;
};

SizedTrial size_trial(const TrialSpec& trial, const Registry& plugins) {
  SizedTrial sized{.task = make_task(trial.task)};
  const Task& task = *sized.task;
  const auto cell = plugins.make_cell(trial.model.cell);
  const auto backend = plugins.make_backend(trial.backend.name, {.threads = trial.backend.threads});
  sized.held_out = task.held_out_size(trial.task.eval_sequences);
  sized.T = task.steps();
  sized.B = trial.training.batch;
  sized.model =
      Model<float>::footprint(*cell, *backend, model_shape(trial.model, task), sized.T,
                              std::max(sized.B, sized.held_out.largest_batch), task.token_input());
  return sized;
}

}  // namespace

MemoryEstimate estimate_trial_memory(const TrialSpec& trial, const Registry& plugins) {
  const SizedTrial sized = size_trial(trial, plugins);
  const Task& task = *sized.task;
  const int T = sized.T, B = sized.B, batch = std::max(B, sized.held_out.largest_batch);
  const bool tokens = task.token_input();
  const HeldOutSize& held_out = sized.held_out;
  const ModelFootprint& model = sized.model;

  const double rows = double(T) * B;
  const double readouts = task.readout() == Readout::EveryStep ? rows : B;
  const double training_batch = rows * (tokens ? 1 : task.input_size()) + readouts;
  const double d_outputs =
      double(task.readout() == Readout::EveryStep ? T * batch : batch) * task.output_size();
  MemoryEstimate estimate;
  estimate.parameters = 2 * kScalar * double(model.parameters);
  estimate.optimizer =
      kScalar * double(model.parameters) * optimizer_state_per_parameter(trial.training.optimizer);
  estimate.buffers = kScalar * double(model.buffers);
  estimate.data = kScalar * (double(held_out.elements) + training_batch + d_outputs);
  return estimate;
}

double expected_work(const TrialSpec& trial, const Registry& plugins) {
  const SizedTrial sized = size_trial(trial, plugins);
  return 3.0 * double(sized.model.parameters) * sized.B * sized.T * trial.training.steps;
}

}  // namespace harness
