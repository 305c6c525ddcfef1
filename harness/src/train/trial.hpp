// One trial: build the task and model, train, evaluate on the held-out set, and measure. The
// pieces are in their own files: the step (training_step), clipping, evaluation and its schedule,
// throughput; this one puts them in order and decides when a trial has diverged.
#pragma once

#include <atomic>
#include <filesystem>
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
  double peak_memory_mb = 0;       // the process's peak resident set
  double trial_memory_mb = 0;      // that peak above the resident set at the trial's start
  double estimated_memory_mb = 0;  // memory_estimate.hpp, before the trial started
  // Tasks with a measure besides the loss (language models): its name, its final held-out value,
  // and the task's baselines in it; samples of the trained model's text.
  std::string measure;
  double eval_measure = 0;
  std::vector<std::pair<std::string, double>> baselines;
  std::vector<std::string> samples;
};

struct Progress {
  int trial = 0;
  int step = 0, steps = 0;
  double loss = 0;
  double seconds = 0;  // since the trial started
};

struct TrialOptions {
  const std::atomic<bool>* stop = nullptr;        // checked every step (Ctrl-C)
  std::function<void(const Progress&)> progress;  // called after every step, if set
  std::filesystem::path checkpoint;               // where to save the trained model, if set
};

// Samples a trained language model writes at the end: kSamples texts of kSampleLength tokens at
// temperature kSampleTemperature, with seeds 1 … kSamples, each after reading the training split's
// last sentence.
inline constexpr int kSamples = 3;
inline constexpr int kSampleLength = 200;
inline constexpr double kSampleTemperature = 0.8;

// Trains one trial; returns Interrupted when stopped.
TrialResult run_trial(const TrialSpec& spec, const Registry& plugins, const TrialOptions& options);

}  // namespace harness
