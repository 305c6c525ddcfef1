#include "results/summary.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include "experiment/yaml_reader.hpp"
#include "results/metric_names.hpp"
#include "statistics.hpp"

namespace harness {

namespace {

std::string number(double value) {
  return fmt::format("{:.4g}", value);
}

std::string optional_number(const std::optional<double>& value) {
  return value ? number(*value) : "-";
}

std::string integer(const std::optional<double>& value) {
  return value ? fmt::format("{}", static_cast<long long>(*value)) : "-";
}

std::string spec_text(const nlohmann::ordered_json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "yes" : "no";
  if (value.is_null()) return "-";
  return value.dump();  // numbers: the shortest text that reads back the same
}

void flatten(const nlohmann::ordered_json& node, const std::string& path,
             std::vector<std::pair<std::string, std::string>>& into) {
  for (const auto& [key, value] : node.items()) {
    const std::string child = path.empty() ? key : path + "." + key;
    if (value.is_object()) {
      flatten(value, child, into);
    } else {
      into.emplace_back(child, spec_text(value));
    }
  }
}

// "training.learning_rate" → "learning_rate"; "task.kind" → "task"; "backend.name" → "backend".
std::string short_name(const std::string& path) {
  const auto dot = path.rfind('.');
  if (dot == std::string::npos) return path;
  const std::string leaf = path.substr(dot + 1);
  if (leaf != "kind" && leaf != "name") return leaf;
  const auto parent_dot = path.rfind('.', dot - 1);
  return path.substr(parent_dot == std::string::npos ? 0 : parent_dot + 1, dot - parent_dot - 1);
}

struct ResultColumn {
  const char* name;
  const char* meaning;
  bool shown;  // in the default table
  std::function<std::string(const TrialRecord&)> value;
};

// The trial's language-model measure at the end and its best baseline, if it has them.
std::optional<std::pair<double, double>> measure_and_best_baseline(const TrialRecord& t) {
  for (const auto measure : {metric::kBitsPerChar, metric::kPerplexity}) {
    const auto value = t.value(metric::final_measure(measure));
    if (!value) continue;
    std::optional<double> best;
    for (const auto& row : t.metrics) {
      if (metric::baseline_in(row.metric, measure)) {
        best = best ? std::min(*best, row.value) : row.value;
      }
    }
    if (best) return std::pair{*value, *best};
  }
  return std::nullopt;
}

const std::vector<ResultColumn>& result_columns() {
  using namespace metric;
  static const std::vector<ResultColumn> columns{
      {"params", "trainable parameters", true,
       [](const TrialRecord& t) { return integer(t.value(kParameters)); }},
      {"status", "complete, diverged or failed", true,
       [](const TrialRecord& t) { return t.status; }},
      {"loss", "held-out loss at the end (nats per readout for cross-entropy)", true,
       [](const TrialRecord& t) { return optional_number(t.value(kFinalEvalLoss)); }},
      {"chance",
       "the loss of the best predictor that ignores the inputs (a language model's: "
       "the 1-gram model)",
       false, [](const TrialRecord& t) { return optional_number(t.value(kChanceLoss)); }},
      {"vs_chance", "loss / chance (1: no better than chance)", true,
       [](const TrialRecord& t) {
         const auto loss = t.value(kFinalEvalLoss), chance = t.value(kChanceLoss);
         return loss && chance ? number(*loss / *chance) : "-";
       }},
      {"accuracy",
       "held-out accuracy at the end (classification tasks; next token for a "
       "language model)",
       true, [](const TrialRecord& t) { return optional_number(t.value(kFinalEvalAccuracy)); }},
      {"bpc", "held-out bits per character at the end (character language models)", true,
       [](const TrialRecord& t) { return optional_number(t.value(final_measure(kBitsPerChar))); }},
      {"perplexity", "held-out perplexity at the end (word language models)", true,
       [](const TrialRecord& t) { return optional_number(t.value(final_measure(kPerplexity))); }},
      {"vs_best_ngram", "bpc or perplexity / the best n-gram baseline's (below 1: better)", true,
       [](const TrialRecord& t) {
         const auto pair = measure_and_best_baseline(t);
         return pair ? number(pair->first / pair->second) : "-";
       }},
      {"solved", "whether the end meets the task's criterion", true,
       [](const TrialRecord& t) { return t.value(kSolved).value_or(0) > 0 ? "yes" : "no"; }},
      {"solved_at", "the first evaluation's step that met the criterion", true,
       [](const TrialRecord& t) { return integer(t.value(kStepsToSolve)); }},
      {"steps_run", "training steps run", false,
       [](const TrialRecord& t) { return integer(t.value(kStepsRun)); }},
      {"grad_ratio_init", "‖∂L/∂h⟨1⟩‖ / ‖∂L/∂h⟨T⟩‖ at initialisation", true,
       [](const TrialRecord& t) { return optional_number(t.value(kGradRatioInit)); }},
      {"grad_ratio_final", "the same after training", true,
       [](const TrialRecord& t) { return optional_number(t.value(kGradRatioFinal)); }},
      {"seq_per_s", "training sequences per second", true,
       [](const TrialRecord& t) { return optional_number(t.value(kSequencesPerSecond)); }},
      {"timesteps_per_s", "training timesteps (tokens) per second", false,
       [](const TrialRecord& t) { return optional_number(t.value(kTimestepsPerSecond)); }},
      {"gflops", "GFLOP/s of model math in training", false,
       [](const TrialRecord& t) { return optional_number(t.value(kGflops)); }},
      {"peak_memory_mb", "the trial process's peak resident memory, MiB", false,
       [](const TrialRecord& t) { return optional_number(t.value(kPeakMemoryMb)); }},
      {"memory_mb", "the trial's own memory: that peak above the process at its start, MiB", false,
       [](const TrialRecord& t) { return optional_number(t.value(kTrialMemoryMb)); }},
      {"estimated_mb", "the trial's memory as estimated before it started, MiB", false,
       [](const TrialRecord& t) { return optional_number(t.value(kEstimatedMemoryMb)); }},
      {"wall_s", "the trial's wall time, seconds", true,
       [](const TrialRecord& t) {
         const auto seconds = t.value(kWallSeconds);
         return seconds ? fmt::format("{:.1f}", *seconds) : "-";
       }},
      {"message", "why the trial did not complete", false,
       [](const TrialRecord& t) { return t.message; }},
  };
  return columns;
}

// The baselines the trials have, "<name>.<measure>" (e.g. "3-gram.bits_per_char"), in order.
std::vector<std::string> baseline_names(const RunRecord& run) {
  std::vector<std::string> names;
  for (const auto& trial : run.trials) {
    for (const auto& row : trial.metrics) {
      if (!row.metric.starts_with(metric::kBaselinePrefix)) continue;
      const std::string name = row.metric.substr(metric::kBaselinePrefix.size());
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    }
  }
  return names;
}

bool is_seed(const SummaryTable::Column& column) {
  return column.from_spec && column.path == "seed";
}

// Whether a spec column has more than one value across the rows.
bool varies(const SummaryTable& table, std::size_t column) {
  return std::any_of(table.rows.begin(), table.rows.end(),
                     [&](const auto& row) { return row[column] != table.rows.front()[column]; });
}

}  // namespace

std::optional<std::size_t> SummaryTable::find(const std::string& name_or_path) const {
  for (std::size_t c = 0; c < columns.size(); ++c) {
    if (columns[c].name == name_or_path || columns[c].path == name_or_path) return c;
  }
  return std::nullopt;
}

std::vector<std::pair<std::string, std::string>> spec_values(const nlohmann::ordered_json& spec) {
  std::vector<std::pair<std::string, std::string>> values;
  flatten(spec, "", values);
  std::erase_if(values, [](const auto& v) { return v.first == "trial"; });
  return values;
}

SummaryTable summarize(const RunRecord& run) {
  SummaryTable table;
  table.columns.push_back({"trial", "trial", false, "the trial's number in the experiment"});
  // The spec's keys, in the order of the first trial's spec (every trial has the same keys,
  // except for task-specific ones: those are appended as they appear).
  std::vector<std::string> paths;
  for (const auto& trial : run.trials) {
    for (const auto& [path, value] : spec_values(trial.spec)) {
      if (std::find(paths.begin(), paths.end(), path) == paths.end()) paths.push_back(path);
    }
  }
  std::map<std::string, int> uses;  // short name → how many columns would have it
  for (const auto& path : paths) ++uses[short_name(path)];
  for (const auto& result : result_columns()) ++uses[result.name];
  const auto baselines = baseline_names(run);
  for (const auto& path : paths) {
    table.columns.push_back({uses[short_name(path)] > 1 ? path : short_name(path), path, true});
  }
  for (const auto& result : result_columns()) {
    table.columns.push_back({result.name, result.name, false, result.meaning, result.shown});
  }
  for (const auto& name : baselines) {  // "3-gram.bits_per_char" → column "3-gram"
    const auto dot = name.find('.');
    table.columns.push_back(
        {name.substr(0, dot), metric::baseline(name.substr(0, dot), name.substr(dot + 1)), false,
         fmt::format("the {} baseline's held-out {}", name.substr(0, dot), name.substr(dot + 1)),
         /*shown=*/true, /*baseline=*/true});
  }
  for (const auto& trial : run.trials) {
    auto& row = table.rows.emplace_back();
    row.push_back(std::to_string(trial.trial));
    const auto values = spec_values(trial.spec);
    for (const auto& path : paths) {
      const auto it = std::find_if(values.begin(), values.end(),
                                   [&](const auto& v) { return v.first == path; });
      row.push_back(it == values.end() ? "-" : it->second);
    }
    for (const auto& result : result_columns()) row.push_back(result.value(trial));
    for (const auto& name : baselines) {
      const auto dot = name.find('.');
      row.push_back(optional_number(
          trial.value(metric::baseline(name.substr(0, dot), name.substr(dot + 1)))));
    }
  }
  return table;
}

std::vector<std::string> default_columns(const SummaryTable& table) {
  std::vector<std::string> names{"trial"};
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    const auto& column = table.columns[c];
    if (column.from_spec && !is_seed(column) && varies(table, c)) names.push_back(column.name);
  }
  // A result the same in every trial is listed above the table instead (one trial: all shown).
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    const auto& column = table.columns[c];
    if (!column.shown) continue;
    if (table.rows.size() == 1 ? table.rows.front()[c] != "-" : varies(table, c)) {
      names.push_back(column.name);
    }
  }
  return names;
}

std::vector<std::string> constant_settings(const SummaryTable& table) {
  std::vector<std::string> settings;
  if (table.rows.empty()) return settings;
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    const auto& column = table.columns[c];
    const bool constant_result =
        column.shown && table.rows.size() > 1 && !varies(table, c) && table.rows.front()[c] != "-";
    // A key no trial here has ("-": another task kind's) says nothing.
    const bool spec_constant =
        column.from_spec && !is_seed(column) && !varies(table, c) && table.rows.front()[c] != "-";
    if ((spec_constant || constant_result) && !column.baseline) {
      settings.push_back(fmt::format("{}: {}", column.name, table.rows.front()[c]));
    }
  }
  return settings;
}

std::vector<std::string> select_columns(const SummaryTable& table,
                                        const std::vector<std::string>& requested) {
  std::vector<std::string> known, selected{"trial"};
  for (const auto& column : table.columns) known.push_back(column.name);
  for (const auto& name : requested) {
    if (name == "all") {
      selected.insert(selected.end(), known.begin() + 1, known.end());  // the trial is first
      continue;
    }
    const auto c = table.find(name);
    if (!c) {
      throw ConfigError(fmt::format("--columns: unknown column '{}'{}; the columns: all, {}", name,
                                    suggestion(name, known), fmt::join(known, ", ")));
    }
    if (*c != 0) selected.push_back(table.columns[*c].name);
  }
  return selected;
}

namespace {

// One section: the settings its trials share, its baselines, its rows in the given columns, notes
// on trials that did not complete.
SummarySection section(const SummaryTable& table, const std::vector<std::string>& names,
                       std::string heading) {
  SummarySection out{std::move(heading)};
  out.columns = names;
  if (table.rows.empty()) return out;
  out.constants = constant_settings(table);
  std::vector<std::string> baselines;
  std::string measure;
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    const auto& column = table.columns[c];
    if (!column.baseline || varies(table, c) || table.rows.front()[c] == "-") continue;
    baselines.push_back(fmt::format("{} {}", column.name, table.rows.front()[c]));
    measure = column.path.substr(column.path.rfind('.') + 1);
  }
  if (!baselines.empty()) {
    out.baselines =
        fmt::format("n-gram baselines (held-out {}): {}", measure, fmt::join(baselines, ", "));
  }
  std::vector<std::size_t> indices;
  for (const auto& name : names) indices.push_back(*table.find(name));
  const std::size_t trial = *table.find("trial"), status = *table.find("status"),
                    message = *table.find("message");
  for (const auto& row : table.rows) {
    auto& values = out.rows.emplace_back();
    for (std::size_t c : indices) values.push_back(row[c]);
    if (row[status] != "complete") {
      out.notes.push_back(fmt::format("trial {} {}: {}", row[trial], row[status], row[message]));
    }
  }
  return out;
}

// The rows of each task kind, in the order the kinds first appear.
std::vector<std::pair<std::string, SummaryTable>> by_task_kind(const SummaryTable& table) {
  std::vector<std::pair<std::string, SummaryTable>> parts;
  const auto kind = table.find("task.kind");
  for (const auto& row : table.rows) {
    const std::string k = kind ? row[*kind] : "";
    auto part = std::find_if(parts.begin(), parts.end(), [&](auto& p) { return p.first == k; });
    if (part == parts.end()) part = parts.insert(parts.end(), {k, {table.columns, {}}});
    part->second.rows.push_back(row);
  }
  return parts;
}

}  // namespace

std::vector<SummarySection> summary_sections(const SummaryTable& table,
                                             const std::vector<std::string>& names) {
  if (!names.empty()) return {section(table, names, "")};
  const auto parts = by_task_kind(table);
  if (parts.size() <= 1) return {section(table, default_columns(table), "")};
  std::vector<SummarySection> sections;
  for (const auto& [kind, part] : parts)
    sections.push_back(section(part, default_columns(part), kind));
  return sections;
}

std::string section_markdown(const SummarySection& section) {
  if (section.rows.empty()) return "(no finished trials)\n";
  std::vector<std::size_t> width;
  // Characters, not bytes: fmt pads UTF-8 text ("Δ", "‖") by its characters.
  auto characters = [](const std::string& text) {
    return static_cast<std::size_t>(
        std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
  };
  for (const auto& name : section.columns) width.push_back(characters(name));
  for (const auto& row : section.rows) {
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], characters(row[i]));
  }
  std::string out;
  if (!section.constants.empty()) {
    out += fmt::format("Every trial: {}.\n\n", fmt::join(section.constants, ", "));
  }
  if (!section.baselines.empty()) out += section.baselines + ".\n\n";
  auto line = [&](const std::vector<std::string>& cells) {
    std::string text = "|";
    for (std::size_t i = 0; i < cells.size(); ++i)
      text += fmt::format(" {:<{}} |", cells[i], width[i]);
    return text + "\n";
  };
  out += line(section.columns) + "|";
  for (std::size_t w : width) out += std::string(w + 2, '-') + "|";
  out += "\n";
  for (const auto& row : section.rows) out += line(row);
  if (!section.notes.empty()) {
    out += "\n";
    for (const auto& note : section.notes) out += "- " + note + "\n";
  }
  return out;
}

std::string summary_markdown(const SummaryTable& table, const std::vector<std::string>& names) {
  std::string out;
  for (const auto& s : summary_sections(table, names)) {
    out += s.heading.empty() ? section_markdown(s)
                             : fmt::format("### {}\n\n{}\n", s.heading, section_markdown(s));
  }
  return out;
}

std::string repeats_markdown(const SummaryTable& table) {
  const std::size_t status = *table.find("status"), loss = *table.find("loss");
  const auto repeat = table.find("repeat");
  std::string out;
  for (const auto& [kind, part] : by_task_kind(table)) {
    // The spec keys that vary within the kind, but for the repeat, say which group a trial is in.
    std::vector<std::size_t> keys;
    for (std::size_t c = 0; c < part.columns.size(); ++c) {
      if (!part.columns[c].from_spec || (repeat && c == *repeat)) continue;
      const auto& first = part.rows.front();
      const auto differs = [&](const auto& row) { return row[c] != first[c]; };
      if (std::any_of(part.rows.begin(), part.rows.end(), differs)) keys.push_back(c);
    }
    std::vector<std::vector<std::string>> group_keys;
    std::vector<std::vector<const std::vector<std::string>*>> groups;
    for (const auto& row : part.rows) {
      std::vector<std::string> values;
      for (std::size_t c : keys) values.push_back(row[c]);
      auto at = std::find(group_keys.begin(), group_keys.end(), values);
      if (at == group_keys.end()) {
        group_keys.push_back(values);
        groups.emplace_back();
        at = group_keys.end() - 1;
      }
      groups[at - group_keys.begin()].push_back(&row);
    }
    if (groups.size() == part.rows.size()) continue;  // nothing repeated
    SummarySection section{.heading = kind};
    for (std::size_t c : keys) section.columns.push_back(part.columns[c].name);
    for (const char* name : {"repeats", "complete", "loss median", "loss min", "loss max"}) {
      section.columns.push_back(name);
    }
    for (std::size_t g = 0; g < groups.size(); ++g) {
      std::vector<double> losses;
      for (const auto* row : groups[g]) {
        if ((*row)[status] == "complete") losses.push_back(std::stod((*row)[loss]));
      }
      auto& cells = section.rows.emplace_back(group_keys[g]);
      cells.push_back(std::to_string(groups[g].size()));
      cells.push_back(std::to_string(losses.size()));
      if (losses.empty()) {
        cells.insert(cells.end(), {"-", "-", "-"});
      } else {
        cells.push_back(fmt::format("{:.4g}", median(losses)));
        cells.push_back(fmt::format("{:.4g}", *std::min_element(losses.begin(), losses.end())));
        cells.push_back(fmt::format("{:.4g}", *std::max_element(losses.begin(), losses.end())));
      }
    }
    out += kind.empty() ? section_markdown(section)
                        : fmt::format("### {}\n\n{}\n", kind, section_markdown(section));
  }
  return out;
}

std::string summary_legend(const SummaryTable& table, const std::vector<std::string>& names) {
  std::vector<std::string> shown = names;
  if (shown.empty()) {
    for (const auto& [kind, part] : by_task_kind(table)) {
      for (const auto& name : default_columns(part)) {
        if (std::find(shown.begin(), shown.end(), name) == shown.end()) shown.push_back(name);
      }
    }
  }
  std::string out;
  for (const auto& name : shown) {
    const auto index = table.find(name);
    if (!index) continue;  // not in a run without finished trials
    const auto& column = table.columns[*index];
    if (!column.meaning.empty()) out += fmt::format("- {}: {}\n", column.name, column.meaning);
  }
  return out;
}

std::string summary_csv(const SummaryTable& table) {
  auto field = [](const std::string& value) {
    if (value.find_first_of(",\"\n") == std::string::npos) return value;
    std::string quoted = "\"";
    for (char c : value) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
  };
  std::vector<std::string> header;
  for (const auto& column : table.columns) header.push_back(field(column.name));
  std::string out = fmt::format("{}\n", fmt::join(header, ","));
  for (const auto& row : table.rows) {
    std::vector<std::string> fields;
    for (const auto& value : row) fields.push_back(field(value));
    out += fmt::format("{}\n", fmt::join(fields, ","));
  }
  return out;
}

}  // namespace harness
