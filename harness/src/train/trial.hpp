// One trial: build the task and model, train, evaluate on the held-out set, and measure. The
// pieces are in their own files: the step (training_step), clipping, evaluation and its schedule,
// throughput; this one puts them in order and decides when a trial has diverged.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "experiment/spec.hpp"
#include "registry.hpp"

namespace harness {

struct CurvePoint {
  int step = 0;
  double train_loss = 0;  // mean over the steps since the previous point
  double eval_loss = 0;   // held-out
  double eval_accuracy = -1;
  double grad_norm = 0;  // global norm before clipping, mean since the previous point
  double clip_rate = 0;  // fraction of steps since the previous point where clipping fired
};

struct ParameterGradientNorm {
  int step = 0;
  std::string parameter;
  double norm = 0;
};

enum class TrialStatus { Complete, Diverged, Interrupted };
const char* to_string(TrialStatus status);

struct TrialResult {
  TrialSpec spec;
  TrialStatus status = TrialStatus::Complete;
  std::string message;  // why it diverged, ...
  std::size_t parameter_count = 0;
  double chance_loss = 0;
  std::string solved_criterion;
  double eval_loss = 0, eval_accuracy = -1;  // final, held-out
  bool solved = false;
  int steps_run = 0;
  int steps_to_solve = -1;  // first evaluation that met the criterion, -1 if none
  std::vector<double> grad_profile_init, grad_profile_final;  // ‖∂L/∂h⟨t⟩‖, t = 1 … T
  double grad_ratio_init = 0;   // ‖∂L/∂h⟨1⟩‖ / ‖∂L/∂h⟨T⟩‖ at initialisation
  double grad_ratio_final = 0;  // the same after training
  std::vector<CurvePoint> curve;
  std::vector<ParameterGradientNorm> parameter_grad_norms;
  double wall_seconds = 0, sequences_per_second = 0, timesteps_per_second = 0, gflops = 0;
  double peak_memory_mb = 0;
};

struct Progress {
  int trial = 0;
  int step = 0, steps = 0;
  double loss = 0;
  double seconds = 0;  // since the trial started
};

// Trains one trial. Checks `stop` every step (Ctrl-C) and then returns Interrupted.
TrialResult run_trial(const TrialSpec& spec, const Registry& plugins, const std::atomic<bool>& stop,
                      const std::function<void(const Progress&)>& progress);

}  // namespace harness
