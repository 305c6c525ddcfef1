#include "results/record.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

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
  add(last, metric::kTrialMemoryMb, r.trial_memory_mb);
  add(0, metric::kEstimatedMemoryMb, r.estimated_memory_mb);
  record.profile_init = r.grad_profile_init;
  record.profile_final = r.grad_profile_final;
  record.samples = r.samples;
  return record;
}

TrialRecord failed_record(const TrialSpec& spec, std::string message) {
  TrialRecord record;
  record.trial = spec.index;
  record.seed = spec.seed;
  record.spec = to_json(spec);
  record.status = "failed";
  record.message = std::move(message);
  return record;
}

namespace {

using Json = nlohmann::ordered_json;

Json number_to_json(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  return value;
}

double number_from_json(const Json& json) {
  if (!json.is_string()) return json.get<double>();
  const auto text = json.get<std::string>();
  if (text == "nan") return std::numeric_limits<double>::quiet_NaN();
  return text == "inf" ? std::numeric_limits<double>::infinity()
                       : -std::numeric_limits<double>::infinity();
}

Json numbers_to_json(const std::vector<double>& values) {
  Json list = Json::array();
  for (const double v : values) list.push_back(number_to_json(v));
  return list;
}

std::vector<double> numbers_from_json(const Json& json) {
  std::vector<double> values;
  for (const auto& v : json) values.push_back(number_from_json(v));
  return values;
}

}  // namespace

nlohmann::ordered_json record_to_json(const TrialRecord& record) {
  Json metrics = Json::array();
  for (const auto& row : record.metrics) {
    metrics.push_back({row.step, row.metric, number_to_json(row.value)});
  }
  return {{"trial", record.trial},
          {"seed", record.seed},
          {"spec", record.spec},
          {"status", record.status},
          {"message", record.message},
          {"criterion", record.criterion},
          {"environment", record.environment},
          {"metrics", metrics},
          {"profile_init", numbers_to_json(record.profile_init)},
          {"profile_final", numbers_to_json(record.profile_final)},
          {"samples", record.samples}};
}

TrialRecord record_from_json(const nlohmann::ordered_json& json) {
  TrialRecord record;
  record.trial = json.at("trial").get<int>();
  record.seed = json.at("seed").get<std::uint64_t>();
  record.spec = json.at("spec");
  record.status = json.at("status").get<std::string>();
  record.message = json.at("message").get<std::string>();
  record.criterion = json.at("criterion").get<std::string>();
  record.environment = json.at("environment").get<std::string>();
  for (const auto& row : json.at("metrics")) {
    record.metrics.push_back(
        {row.at(0).get<int>(), row.at(1).get<std::string>(), number_from_json(row.at(2))});
  }
  record.profile_init = numbers_from_json(json.at("profile_init"));
  record.profile_final = numbers_from_json(json.at("profile_final"));
  record.samples = json.at("samples").get<std::vector<std::string>>();
  return record;
}

}  // namespace harness
