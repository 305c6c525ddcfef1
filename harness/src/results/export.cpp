#include "results/export.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "results/summary.hpp"

namespace harness {

namespace fs = std::filesystem;

namespace {

void write_file(const fs::path& path, const std::string& text) {
  const fs::path temporary = path.string() + ".partial";
  {
    std::ofstream out(temporary);
    out << text;
    if (!out) throw std::runtime_error(fmt::format("cannot write {}", temporary.string()));
  }
  fs::rename(temporary, path);
}

std::string csv_field(const std::string& value) {
  if (value.find_first_of(",\"\n") == std::string::npos) return value;
  std::string quoted = "\"";
  for (char c : value) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string summary_csv(const std::vector<SummaryRow>& rows) {
  if (rows.empty()) return "";
  std::vector<std::string> header;
  for (const auto& [column, value] : rows.front()) header.push_back(column);
  std::string out = fmt::format("{}\n", fmt::join(header, ","));
  for (const auto& row : rows) {
    std::vector<std::string> fields;
    for (const auto& [column, value] : row) fields.push_back(csv_field(value));
    out += fmt::format("{}\n", fmt::join(fields, ","));
  }
  return out;
}

std::string curves_csv(const std::vector<TrialResult>& trials) {
  std::string out =
      "trial,cell,task,T,step,train_loss,eval_loss,eval_accuracy,grad_norm,clip_rate\n";
  for (const auto& r : trials) {
    for (const auto& p : r.curve) {
      out += fmt::format("{},{},{},{},{},{:.6g},{:.6g},{},{:.6g},{:.4g}\n", r.spec.index,
                         r.spec.model.cell, r.spec.task.kind, r.spec.task.length, p.step,
                         p.train_loss, p.eval_loss,
                         p.eval_accuracy >= 0 ? fmt::format("{:.6g}", p.eval_accuracy) : "",
                         p.grad_norm, p.clip_rate);
    }
  }
  return out;
}

std::string grad_profile_csv(const std::vector<TrialResult>& trials) {
  std::string out = "trial,cell,task,T,phase,t,norm\n";
  for (const auto& r : trials) {
    for (const auto& [phase, norms] :
         {std::pair{"init", &r.grad_profile_init}, std::pair{"final", &r.grad_profile_final}}) {
      for (std::size_t t = 0; t < norms->size(); ++t) {
        out += fmt::format("{},{},{},{},{},{},{:.6g}\n", r.spec.index, r.spec.model.cell,
                           r.spec.task.kind, r.spec.task.length, phase, t + 1, (*norms)[t]);
      }
    }
  }
  return out;
}

}  // namespace

void export_run(const RunRecord& run, const fs::path& folder) {
  fs::create_directories(folder);
  std::vector<SummaryRow> rows;
  nlohmann::json trials = nlohmann::json::array();
  for (const auto& r : run.trials) {
    rows.push_back(summary_row(r));
    nlohmann::json summary;
    for (const auto& [column, value] : rows.back()) summary[column] = value;
    trials.push_back({{"trial", r.spec.index},
                      {"seed", r.spec.seed},
                      {"status", to_string(r.status)},
                      {"note", r.note},
                      {"solved_criterion", r.solved_criterion},
                      {"summary", summary}});
  }
  const auto& experiment = *run.experiment;
  write_file(folder / "summary.md", fmt::format("# {} — run {} ({})\n\n{}", experiment.name,
                                                run.run_id, run.status, summary_markdown(rows)));
  write_file(folder / "summary.csv", summary_csv(rows));
  write_file(folder / "curves.csv", curves_csv(run.trials));
  write_file(folder / "grad_profile.csv", grad_profile_csv(run.trials));
  const nlohmann::json document{{"run_id", run.run_id},
                                {"status", run.status},
                                {"experiment", experiment.name},
                                {"file", experiment.file},
                                {"experiment_yaml", experiment.resolved_yaml},
                                {"environment", nlohmann::json::parse(run.environment_json)},
                                {"trials_planned", experiment.trials.size()},
                                {"trials", trials}};
  write_file(folder / "run.json", document.dump(2) + "\n");
}

}  // namespace harness
