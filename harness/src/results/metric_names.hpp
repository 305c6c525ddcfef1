// The names of the metric rows (run, trial, step, metric, value) a trial leaves in the store: the
// one list that the store, the exports and the summary all use.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace harness::metric {

// At every evaluation, at its step; the training values are means since the previous one.
inline constexpr std::string_view kTrainLoss = "train_loss";
inline constexpr std::string_view kEvalLoss = "eval_loss";          // held-out
inline constexpr std::string_view kEvalAccuracy = "eval_accuracy";  // classification tasks only
inline constexpr std::string_view kGradNorm = "grad_norm";          // global, before clipping
inline constexpr std::string_view kClipRate = "clip_rate";          // steps clipped / steps
// ‖∂L/∂θ‖ of one parameter: "grad_norm.<parameter name>".
inline std::string parameter_grad_norm(std::string_view parameter) {
  return std::string(kGradNorm) + "." + std::string(parameter);
}

// Once per trial, at step 0 (before training).
inline constexpr std::string_view kParameters = "parameters";
inline constexpr std::string_view kChanceLoss = "chance_loss";
inline constexpr std::string_view kGradRatioInit = "grad_ratio_init";  // ‖∂L/∂h⟨1⟩‖/‖∂L/∂h⟨T⟩‖

// Once per trial, at the last step run.
inline constexpr std::string_view kFinalEvalLoss = "final.eval_loss";
inline constexpr std::string_view kFinalEvalAccuracy = "final.eval_accuracy";
inline constexpr std::string_view kSolved = "solved";                // 1 or 0
inline constexpr std::string_view kStepsToSolve = "steps_to_solve";  // only when solved
inline constexpr std::string_view kStepsRun = "steps";
inline constexpr std::string_view kGradRatioFinal = "grad_ratio_final";
inline constexpr std::string_view kSequencesPerSecond = "sequences_per_s";
inline constexpr std::string_view kTimestepsPerSecond = "timesteps_per_s";
inline constexpr std::string_view kGflops = "gflops";
inline constexpr std::string_view kWallSeconds = "wall_s";
inline constexpr std::string_view kPeakMemoryMb = "peak_memory_mb";
inline constexpr std::string_view kTrialMemoryMb = "trial_memory_mb";
inline constexpr std::string_view kEstimatedMemoryMb = "estimated_memory_mb";

// Language models: the held-out measure besides the loss, at the end ("final.<measure>"), and
// each n-gram baseline in it at step 0 ("baseline.<n>-gram.<measure>").
inline constexpr std::string_view kBitsPerChar = "bits_per_char";
inline constexpr std::string_view kPerplexity = "perplexity";
inline std::string final_measure(std::string_view measure) {
  return "final." + std::string(measure);
}
inline std::string baseline(std::string_view name, std::string_view measure) {
  return "baseline." + std::string(name) + "." + std::string(measure);
}
inline constexpr std::string_view kBaselinePrefix = "baseline.";
// The baseline a metric name is in `measure` ("3-gram" for "baseline.3-gram.bits_per_char"), or
// nothing when it is no baseline in that measure.
inline std::optional<std::string> baseline_in(std::string_view name, std::string_view measure) {
  if (!name.starts_with(kBaselinePrefix)) return std::nullopt;
  name.remove_prefix(kBaselinePrefix.size());
  if (name.size() <= measure.size() + 1 || !name.ends_with(measure) ||
      name[name.size() - measure.size() - 1] != '.') {
    return std::nullopt;
  }
  return std::string(name.substr(0, name.size() - measure.size() - 1));
}

}  // namespace harness::metric
