#include "results/export.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <nlohmann/json.hpp>

#include "file_io.hpp"
#include "results/critical_length.hpp"
#include "results/metric_names.hpp"
#include "results/summary.hpp"
#include "train/trial.hpp"

namespace harness {

namespace fs = std::filesystem;

namespace {

// The columns that tell trials apart in the long CSV files: the trial and the keys that vary.
struct TrialKeys {
  std::vector<std::string> names;
  std::vector<std::vector<std::string>> values;  // per trial, in run order

  explicit TrialKeys(const SummaryTable& table) {
    names = default_columns(table);
    std::erase_if(names, [&](const std::string& name) {
      return name != "trial" && !table.columns[*table.find(name)].from_spec;
    });
    for (const auto& row : table.rows) {
      auto& v = values.emplace_back();
      for (const auto& name : names) v.push_back(row[*table.find(name)]);
    }
  }
  std::string header() const { return fmt::format("{}", fmt::join(names, ",")); }
  std::string of(std::size_t trial) const {
    return fmt::format("{}", fmt::join(values[trial], ","));
  }
};

std::string curves_csv(const RunRecord& run, const TrialKeys& keys) {
  using namespace metric;
  const std::string_view columns[]{kTrainLoss, kEvalLoss, kEvalAccuracy, kGradNorm, kClipRate};
  std::string out = fmt::format("{},step,{}\n", keys.header(), fmt::join(columns, ","));
  for (std::size_t i = 0; i < run.trials.size(); ++i) {
    const auto& trial = run.trials[i];
    std::map<int, std::vector<std::string>> by_step;
    for (std::size_t c = 0; c < std::size(columns); ++c) {
      for (const auto& [step, value] : trial.series(columns[c])) {
        auto& fields = by_step.try_emplace(step, std::size(columns)).first->second;
        fields[c] = fmt::format("{:.6g}", value);
      }
    }
    for (const auto& [step, fields] : by_step) {
      out += fmt::format("{},{},{}\n", keys.of(i), step, fmt::join(fields, ","));
    }
  }
  return out;
}

std::string grad_profile_csv(const RunRecord& run, const TrialKeys& keys) {
  std::string out = fmt::format("{},phase,t,norm\n", keys.header());
  for (std::size_t i = 0; i < run.trials.size(); ++i) {
    const auto& trial = run.trials[i];
    for (const auto& [phase, norms] :
         {std::pair{"init", &trial.profile_init}, std::pair{"final", &trial.profile_final}}) {
      for (std::size_t t = 0; t < norms->size(); ++t) {
        out += fmt::format("{},{},{},{:.6g}\n", keys.of(i), phase, t + 1, (*norms)[t]);
      }
    }
  }
  return out;
}

// What each trained language model wrote, trial by trial.
std::string samples_text(const RunRecord& run) {
  std::string out;
  for (std::size_t i = 0; i < run.trials.size(); ++i) {
    const auto& trial = run.trials[i];
    if (trial.samples.empty()) continue;
    const auto& spec = trial.spec;
    out += fmt::format(
        "# trial {}: {} h{} on {} (T = {}), {} samples at temperature {} after the training "
        "split's last sentence\n\n",
        trial.trial, spec["model"]["cell"].get<std::string>(), spec["model"]["hidden"].get<int>(),
        spec["task"]["corpus"].get<std::string>(), spec["task"]["T"].get<int>(),
        trial.samples.size(), kSampleTemperature);
    for (std::size_t s = 0; s < trial.samples.size(); ++s) {
      out += fmt::format("## seed {}\n{}\n\n", s + 1, trial.samples[s]);
    }
  }
  return out;
}

nlohmann::ordered_json run_json(const RunRecord& run, const fs::path& store,
                                const SummaryTable& table) {
  nlohmann::ordered_json trials = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < run.trials.size(); ++i) {
    const auto& trial = run.trials[i];
    nlohmann::ordered_json summary;
    for (std::size_t c = 0; c < table.columns.size(); ++c) {
      if (!table.columns[c].from_spec && table.columns[c].name != "trial") {
        summary[table.columns[c].name] = table.rows[i][c];
      }
    }
    trials.push_back({{"trial", trial.trial},
                      {"seed", trial.seed},
                      {"status", trial.status},
                      {"message", trial.message},
                      {"solved_criterion", trial.criterion},
                      {"environment", trial.environment},
                      {"spec", trial.spec},
                      {"summary", summary}});
  }
  return {{"run_id", run.run_id},
          {"status", run.status},
          {"experiment", run.experiment},
          {"file", run.file},
          {"store", fs::absolute(store).lexically_normal().string()},
          {"started", run.started},
          {"finished", run.finished},
          {"experiment_yaml", run.experiment_yaml},
          {"environment", nlohmann::ordered_json::parse(run.environment)},
          {"trials_planned", run.trials_planned},
          {"trials", trials}};
}

}  // namespace

void export_run(const RunRecord& run, const fs::path& folder, const fs::path& store,
                const std::vector<std::string>& columns) {
  fs::create_directories(folder);
  const SummaryTable table = summarize(run);
  const TrialKeys keys(table);
  const std::string repeats = repeats_markdown(table);
  const std::string lengths = critical_length_markdown(run);
  write_file_atomically(
      folder / "summary.md",
      fmt::format("# {} — run {} ({})\n\n{}{}\n{}{}", run.experiment, run.run_id, run.status,
                  lengths.empty() ? "" : "## Critical length T*\n\n" + lengths + "\n## Trials\n\n",
                  summary_markdown(table, columns), summary_legend(table, columns),
                  repeats.empty() ? "" : "\n## Across repeats\n\n" + repeats));
  write_file_atomically(folder / "summary.csv", summary_csv(table));
  write_file_atomically(folder / "curves.csv", curves_csv(run, keys));
  write_file_atomically(folder / "grad_profile.csv", grad_profile_csv(run, keys));
  write_file_atomically(folder / "run.json", run_json(run, store, table).dump(2) + "\n");
  const std::string samples = samples_text(run);
  if (!samples.empty()) write_file_atomically(folder / "samples.txt", samples);
}

}  // namespace harness
