#include "results/summary.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace harness {

namespace {
std::string number(double value) {
  return fmt::format("{:.4g}", value);
}
}  // namespace

SummaryRow summary_row(const TrialResult& r) {
  const auto& s = r.spec;
  const bool finished = r.status != TrialStatus::Diverged && r.steps_run > 0;
  return {
      {"trial", std::to_string(s.index)},
      {"task", s.task.kind},
      {"T", std::to_string(s.task.length)},
      {"cell", s.model.cell},
      {"hidden", std::to_string(s.model.hidden)},
      {"layers", std::to_string(s.model.layers)},
      {"bidirectional", s.model.bidirectional ? "yes" : "no"},
      {"backend", fmt::format("{}x{}", s.backend.name, s.backend.threads)},
      {"parameters", std::to_string(r.parameter_count)},
      {"status", to_string(r.status)},
      {"held_out_loss", finished ? number(r.eval_loss) : "-"},
      {"chance_loss", number(r.chance_loss)},
      {"loss_vs_chance", finished ? number(r.eval_loss / r.chance_loss) : "-"},
      {"accuracy", r.eval_accuracy >= 0 ? number(r.eval_accuracy) : "-"},
      {"solved", r.solved ? "yes" : "no"},
      {"steps_to_solve", r.steps_to_solve >= 0 ? std::to_string(r.steps_to_solve) : "-"},
      {"steps", std::to_string(r.steps_run)},
      {"grad_ratio_init", number(r.grad_ratio_init)},
      {"grad_ratio_final", finished ? number(r.grad_ratio_final) : "-"},
      {"sequences_per_s", number(r.sequences_per_second)},
      {"wall_s", fmt::format("{:.1f}", r.wall_seconds)},
  };
}

std::string summary_markdown(const std::vector<SummaryRow>& rows) {
  if (rows.empty()) return "(no finished trials)\n";
  std::vector<std::size_t> width;
  for (const auto& [column, value] : rows.front()) width.push_back(column.size());
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c)
      width[c] = std::max(width[c], row[c].second.size());
  }
  std::string out = "|";
  for (std::size_t c = 0; c < width.size(); ++c)
    out += fmt::format(" {:<{}} |", rows.front()[c].first, width[c]);
  out += "\n|";
  for (std::size_t w : width) out += std::string(w + 2, '-') + "|";
  out += "\n";
  for (const auto& row : rows) {
    out += "|";
    for (std::size_t c = 0; c < row.size(); ++c)
      out += fmt::format(" {:<{}} |", row[c].second, width[c]);
    out += "\n";
  }
  return out;
}

}  // namespace harness
