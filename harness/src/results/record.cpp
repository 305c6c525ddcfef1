#include "results/record.hpp"

#include <algorithm>

#include "results/metric_names.hpp"

namespace harness {

std::optional<double> TrialRecord::value(std::string_view metric) const {
  for (auto row = metrics.rbegin(); row != metrics.rend(); ++row) {
    if (row->metric == metric) return row->value;
  }
  return std::nullopt;
}

std::vector<std::pair<int, double>> TrialRecord::series(std::string_view metric) const {
  std::vector<std::pair<int, double>> points;
  for (const auto& row : metrics) {
    if (row.metric == metric) points.emplace_back(row.step, row.value);
  }
  std::stable_sort(points.begin(), points.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  return points;
}

TrialRecord make_record(const TrialResult& r) {
  TrialRecord record;
  record.trial = r.spec.index;
  record.seed = r.spec.seed;
  record.spec = to_json(r.spec);
  record.status = to_string(r.status);
  record.message = r.message;
  record.criterion = r.solved_criterion;
  auto add = [&](int step, std::string_view name, double value) {
    record.metrics.push_back({step, std::string(name), value});
  };
  add(0, metric::kParameters, double(r.parameter_count));
  add(0, metric::kChanceLoss, r.chance_loss);
  add(0, metric::kGradRatioInit, r.grad_ratio_init);
  for (const auto& p : r.curve) {
    add(p.step, metric::kTrainLoss, p.train_loss);
    add(p.step, metric::kEvalLoss, p.eval_loss);
    if (p.eval_accuracy >= 0) add(p.step, metric::kEvalAccuracy, p.eval_accuracy);
    add(p.step, metric::kGradNorm, p.grad_norm);
    add(p.step, metric::kClipRate, p.clip_rate);
  }
  for (const auto& g : r.parameter_grad_norms) {
    add(g.step, metric::parameter_grad_norm(g.parameter), g.norm);
  }
  const int last = r.steps_run;
  add(last, metric::kStepsRun, last);
  // A diverged trial has no final held-out score.
  if (r.status != TrialStatus::Diverged && last > 0) {
    add(last, metric::kFinalEvalLoss, r.eval_loss);
    if (r.eval_accuracy >= 0) add(last, metric::kFinalEvalAccuracy, r.eval_accuracy);
    add(last, metric::kGradRatioFinal, r.grad_ratio_final);
  }
  if (!r.measure.empty()) {
    for (const auto& [name, value] : r.baselines) add(0, metric::baseline(name, r.measure), value);
    if (r.status != TrialStatus::Diverged && last > 0) {
      add(last, metric::final_measure(r.measure), r.eval_measure);
    }
  }
  add(last, metric::kSolved, r.solved ? 1 : 0);
  if (r.steps_to_solve >= 0) add(r.steps_to_solve, metric::kStepsToSolve, r.steps_to_solve);
  add(last, metric::kSequencesPerSecond, r.sequences_per_second);
  add(last, metric::kTimestepsPerSecond, r.timesteps_per_second);
  add(last, metric::kGflops, r.gflops);
  add(last, metric::kWallSeconds, r.wall_seconds);
  add(last, metric::kPeakMemoryMb, r.peak_memory_mb);
  record.profile_init = r.grad_profile_init;
  record.profile_final = r.grad_profile_final;
  record.samples = r.samples;
  return record;
}

}  // namespace harness
