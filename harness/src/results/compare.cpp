#include "results/compare.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <optional>

#include "results/metric_names.hpp"
#include "statistics.hpp"

namespace harness {

namespace {

std::string number(const std::optional<double>& value) {
  return value ? fmt::format("{:.4g}", *value) : "-";
}

std::string steps(const std::optional<double>& value) {
  return value ? fmt::format("{}", static_cast<long long>(*value)) : "-";
}

bool solved(const TrialRecord& t) {
  return t.value(metric::kSolved).value_or(0) > 0;
}

// The comparison's view of the two runs' trials as one table: rows [0, |A|) are A's.
struct Columns {
  std::vector<std::size_t> key;    // spec columns the matching uses
  std::vector<std::size_t> shown;  // of those, the ones that vary
  std::vector<std::size_t> run_wide;
};

Columns classify(const SummaryTable& table, std::size_t in_a) {
  Columns columns;
  const auto varying = default_columns(table);
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    const auto& column = table.columns[c];
    if (!column.from_spec || column.path == "seed") continue;
    auto same = [&](std::size_t from, std::size_t to) {
      return std::all_of(table.rows.begin() + from, table.rows.begin() + to,
                         [&](const auto& row) { return row[c] == table.rows[from][c]; });
    };
    const std::size_t all = table.rows.size();
    if (in_a > 0 && in_a < all && same(0, in_a) && same(in_a, all) &&
        table.rows[0][c] != table.rows[in_a][c]) {
      columns.run_wide.push_back(c);
      continue;
    }
    columns.key.push_back(c);
    if (std::find(varying.begin(), varying.end(), column.name) != varying.end()) {
      columns.shown.push_back(c);
    }
  }
  return columns;
}

std::string describe(const SummaryTable& table, const Columns& columns, std::size_t row,
                     int trial) {
  std::vector<std::string> parts;
  for (std::size_t c : columns.shown) {
    parts.push_back(fmt::format("{} {}", table.columns[c].name, table.rows[row][c]));
  }
  return parts.empty() ? fmt::format("trial {}", trial)
                       : fmt::format("trial {}: {}", trial, fmt::join(parts, ", "));
}

}  // namespace

RunComparison compare_runs(const RunRecord& a, const RunRecord& b) {
  RunRecord both;
  both.trials = a.trials;
  both.trials.insert(both.trials.end(), b.trials.begin(), b.trials.end());
  const SummaryTable table = summarize(both);
  const std::size_t in_a = a.trials.size();
  const Columns columns = classify(table, in_a);

  RunComparison out;
  for (std::size_t c : columns.run_wide) {
    out.run_wide.push_back(fmt::format("{}: {} (A), {} (B)", table.columns[c].name,
                                       table.rows[0][c], table.rows[in_a][c]));
  }
  // The pairs: each of A's trials with the first of B's with the same key not yet taken.
  auto key_of = [&](std::size_t row) {
    std::vector<std::string> values;
    for (std::size_t c : columns.key) values.push_back(table.rows[row][c]);
    return fmt::format("{}", fmt::join(values, "\x1f"));
  };
  std::multimap<std::string, std::size_t> unmatched_b;  // key → row
  for (std::size_t r = in_a; r < table.rows.size(); ++r) unmatched_b.emplace(key_of(r), r);
  std::vector<std::pair<std::size_t, std::size_t>> pairs;  // rows of A and B
  for (std::size_t r = 0; r < in_a; ++r) {
    const auto partner = unmatched_b.find(key_of(r));
    if (partner == unmatched_b.end()) {
      out.only_in_a.push_back(describe(table, columns, r, a.trials[r].trial));
      continue;
    }
    pairs.emplace_back(r, partner->second);
    unmatched_b.erase(partner);
  }
  std::vector<std::size_t> left_in_b;
  for (const auto& [key, r] : unmatched_b) left_in_b.push_back(r);
  std::sort(left_in_b.begin(), left_in_b.end());  // run order
  for (std::size_t r : left_in_b) {
    out.only_in_b.push_back(describe(table, columns, r, b.trials[r - in_a].trial));
  }
  out.matched = static_cast<int>(pairs.size());

  // A section per task kind, in order of appearance, showing the keys that vary within it.
  const std::size_t kind = *table.find("task.kind");
  std::vector<std::string> kinds;
  for (const auto& [ra, rb] : pairs) {
    if (std::find(kinds.begin(), kinds.end(), table.rows[ra][kind]) == kinds.end()) {
      kinds.push_back(table.rows[ra][kind]);
    }
  }
  std::vector<double> loss_differences, speed_ratios;
  int solved_a = 0, solved_b = 0;
  for (const auto& task : kinds) {
    SummaryTable part{table.columns, {}};
    for (const auto& [ra, rb] : pairs) {
      if (table.rows[ra][kind] != task) continue;
      part.rows.push_back(table.rows[ra]);
      part.rows.push_back(table.rows[rb]);
    }
    auto& section = out.sections.emplace_back();
    section.heading = kinds.size() > 1 ? task : "";
    section.constants = constant_settings(part);
    std::vector<std::size_t> shown;
    for (const auto& name : default_columns(part)) {
      const std::size_t c = *table.find(name);
      if (std::find(columns.key.begin(), columns.key.end(), c) != columns.key.end()) {
        shown.push_back(c);
      }
    }
    section.columns = {"A", "B"};
    for (std::size_t c : shown) section.columns.push_back(table.columns[c].name);
    for (const char* name : {"loss A", "loss B", "Δ loss", "solved A", "solved B", "solved_at A",
                             "solved_at B", "Δ solved_at", "seq/s A", "seq/s B", "seq/s B/A"}) {
      section.columns.push_back(name);
    }
    for (const auto& [ra, rb] : pairs) {
      if (table.rows[ra][kind] != task) continue;
      const TrialRecord &ta = a.trials[ra], &tb = b.trials[rb - in_a];
      solved_a += solved(ta);
      solved_b += solved(tb);
      auto& row = section.rows.emplace_back();
      row = {std::to_string(ta.trial), std::to_string(tb.trial)};
      for (std::size_t c : shown) row.push_back(table.rows[ra][c]);
      const auto loss_a = ta.value(metric::kFinalEvalLoss),
                 loss_b = tb.value(metric::kFinalEvalLoss);
      const auto at_a = ta.value(metric::kStepsToSolve), at_b = tb.value(metric::kStepsToSolve);
      const auto rate_a = ta.value(metric::kSequencesPerSecond),
                 rate_b = tb.value(metric::kSequencesPerSecond);
      std::string loss_difference = "-", at_difference = "-", ratio = "-";
      if (loss_a && loss_b) {
        loss_differences.push_back(*loss_b - *loss_a);
        loss_difference = fmt::format("{:+.3g}", *loss_b - *loss_a);
      }
      if (at_a && at_b) at_difference = fmt::format("{:+}", static_cast<long long>(*at_b - *at_a));
      if (rate_a && rate_b && *rate_a > 0) {
        speed_ratios.push_back(*rate_b / *rate_a);
        ratio = fmt::format("{:.2f}", *rate_b / *rate_a);
      }
      row.insert(row.end(), {number(loss_a), number(loss_b), loss_difference,
                             solved(ta) ? "yes" : "no", solved(tb) ? "yes" : "no", steps(at_a),
                             steps(at_b), at_difference, number(rate_a), number(rate_b), ratio});
      for (const auto& [side, t] : {std::pair{"A", &ta}, std::pair{"B", &tb}}) {
        if (t->status != "complete") {
          section.notes.push_back(
              fmt::format("{} trial {} {}: {}", side, t->trial, t->status, t->message));
        }
      }
    }
  }

  if (out.matched > 0) {
    out.totals.push_back(fmt::format("solved: A {} of {}, B {} of {}", solved_a, out.matched,
                                     solved_b, out.matched));
  }
  if (!loss_differences.empty()) {
    out.totals.push_back(
        fmt::format("held-out loss B − A: median {:+.3g}", median(loss_differences)));
  }
  if (!speed_ratios.empty()) {
    const auto [low, high] = std::minmax_element(speed_ratios.begin(), speed_ratios.end());
    out.totals.push_back(
        fmt::format("training sequences/s B / A: median {:.2f} (from {:.2f} to "
                    "{:.2f})",
                    median(speed_ratios), *low, *high));
  }
  return out;
}

std::string comparison_markdown(const RunComparison& comparison, const RunRecord& a,
                                const RunRecord& b) {
  auto what = [](const RunRecord& run) {
    return fmt::format("run {} of {} ({}, {} of {} trials)", run.run_id, run.experiment, run.status,
                       run.trials.size(), run.trials_planned);
  };
  std::string out = fmt::format("A: {}\nB: {}\n\n", what(a), what(b));
  if (!comparison.run_wide.empty()) {
    out += fmt::format("The runs differ in every trial in {}.\n\n",
                       fmt::join(comparison.run_wide, "; "));
  }
  if (comparison.matched == 0) {
    out += "No trial of A has a partner in B with the same spec.\n";
  } else {
    out += fmt::format("{} trials matched by their spec.\n\n", comparison.matched);
    for (const auto& section : comparison.sections) {
      if (!section.heading.empty()) out += fmt::format("### {}\n\n", section.heading);
      out += section_markdown(section) + "\n";
    }
    for (const auto& line : comparison.totals) out += fmt::format("- {}\n", line);
  }
  for (const auto& [side, list] :
       {std::pair{"A", &comparison.only_in_a}, std::pair{"B", &comparison.only_in_b}}) {
    if (list->empty()) continue;
    out += fmt::format("\nOnly in {} ({}):\n", side, list->size());
    for (const auto& line : *list) out += fmt::format("- {}\n", line);
  }
  return out;
}

}  // namespace harness
