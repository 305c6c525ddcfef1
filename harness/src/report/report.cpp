#include "report/report.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "file_io.hpp"
#include "report/plot.hpp"
#include "results/critical_length.hpp"
#include "results/metric_names.hpp"
#include "results/summary.hpp"
#include "statistics.hpp"

namespace harness {

namespace fs = std::filesystem;

namespace {

struct NamedPlot {
  std::string name;  // file name without extension
  Plot plot;
};

// "lstm 2-layer bidirectional": what a trial's model is.
std::string model_label(const TrialRecord& t) {
  const auto& model = t.spec["model"];
  const int layers = model["layers"].get<int>();
  return fmt::format("{}{}{}", model["cell"].get<std::string>(),
                     layers > 1 ? fmt::format(" {}-layer", layers) : "",
                     model["bidirectional"].get<bool>() ? " bidirectional" : "");
}

// "lstm 2-layer bidirectional #4": what a trial is within its task's plots.
std::string trial_label(const TrialRecord& t) {
  return fmt::format("{} #{}", model_label(t), t.trial);
}

std::string task_of(const TrialRecord& t) {
  return fmt::format("{} T={}", t.spec["task"]["kind"].get<std::string>(),
                     t.spec["task"]["T"].get<int>());
}

// A name safe in a file name: letters, digits and '_'.
std::string slug(const std::string& text) {
  std::string out;
  for (char c : text) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

std::vector<std::pair<double, double>> as_points(const std::vector<std::pair<int, double>>& s) {
  return {s.begin(), s.end()};
}

// The run's trials by task and T, in the order they first appear.
std::vector<std::pair<std::string, std::vector<const TrialRecord*>>> by_task(const RunRecord& run) {
  std::vector<std::pair<std::string, std::vector<const TrialRecord*>>> groups;
  for (const auto& t : run.trials) {
    const std::string key = task_of(t);
    auto group =
        std::find_if(groups.begin(), groups.end(), [&](auto& g) { return g.first == key; });
    if (group == groups.end()) group = groups.insert(groups.end(), {key, {}});
    group->second.push_back(&t);
  }
  return groups;
}

void add_loss_plot(const std::string& task, const std::vector<const TrialRecord*>& trials,
                   std::vector<NamedPlot>& plots) {
  // Classification tasks (the ones with an accuracy) are scored by cross-entropy, the others
  // (adding) by squared error.
  const bool classification = !trials.front()->series(metric::kEvalAccuracy).empty();
  Plot plot{.title = "Loss, " + task,
            .x_label = "training step",
            .y_label = fmt::format(
                "{} (held-out solid, training dashed)",
                classification ? "cross-entropy, nats per readout" : "mean squared error")};
  int last_step = 0;
  for (std::size_t i = 0; i < trials.size(); ++i) {
    const auto& t = *trials[i];
    const auto eval = t.series(metric::kEvalLoss);
    if (eval.empty()) continue;
    last_step = std::max(last_step, eval.back().first);
    plot.series.push_back({trial_label(t), as_points(eval), false, int(i)});
    plot.series.push_back({"", as_points(t.series(metric::kTrainLoss)), true, int(i)});
  }
  if (plot.series.empty()) return;
  if (const auto chance = trials.front()->value(metric::kChanceLoss)) {
    plot.series.push_back({"chance", {{0, *chance}, {last_step, *chance}}, true, 6});
  }
  plots.push_back({"loss_" + slug(task), std::move(plot)});
}

void add_gradient_plot(const std::string& task, const std::vector<const TrialRecord*>& trials,
                       std::vector<NamedPlot>& plots) {
  Plot plot{.title = "Gradient reaching each step, " + task,
            .x_label = "t (step of the sequence)",
            .y_label = "‖∂L/∂h⟨t⟩‖ (after training solid, at initialisation dashed)",
            .log_y = true};
  auto profile = [](const std::vector<double>& norms) {
    std::vector<std::pair<double, double>> points;
    for (std::size_t t = 0; t < norms.size(); ++t) points.emplace_back(double(t + 1), norms[t]);
    return points;
  };
  for (std::size_t i = 0; i < trials.size(); ++i) {
    const auto& t = *trials[i];
    if (!t.profile_final.empty()) {
      plot.series.push_back({trial_label(t), profile(t.profile_final), false, int(i)});
    }
    if (!t.profile_init.empty()) {
      plot.series.push_back({"", profile(t.profile_init), true, int(i)});
    }
  }
  if (!plot.series.empty()) plots.push_back({"gradients_" + slug(task), std::move(plot)});
}

void add_clipping_plot(const std::string& task, const std::vector<const TrialRecord*>& trials,
                       std::vector<NamedPlot>& plots) {
  Plot plot{.title = "Gradient norm before clipping, " + task,
            .x_label = "training step",
            .y_label = "‖∂L/∂θ‖ before clipping (solid)",
            .y2_label = "fraction of steps clipped (dashed)"};
  for (std::size_t i = 0; i < trials.size(); ++i) {
    const auto& t = *trials[i];
    const auto norms = t.series(metric::kGradNorm);
    if (norms.empty()) continue;
    plot.series.push_back({trial_label(t), as_points(norms), false, int(i)});
    plot.series.push_back({"", as_points(t.series(metric::kClipRate)), true, int(i), true});
  }
  if (!plot.series.empty()) plots.push_back({"clipping_" + slug(task), std::move(plot)});
}

// Bits per character (or perplexity) against step, from the held-out loss in nats.
void add_language_plot(const std::string& task, const std::vector<const TrialRecord*>& trials,
                       std::vector<NamedPlot>& plots) {
  for (const auto measure : {metric::kBitsPerChar, metric::kPerplexity}) {
    const bool bits = measure == metric::kBitsPerChar;
    Plot plot{
        .title = fmt::format("Held-out {}, {}", bits ? "bits per character" : "perplexity", task),
        .x_label = "training step",
        .y_label = bits ? "bits per character" : "perplexity",
        .log_y = false};
    std::map<std::string, double> baselines;
    int last_step = 0;
    for (std::size_t i = 0; i < trials.size(); ++i) {
      const auto& t = *trials[i];
      if (!t.value(metric::final_measure(measure))) continue;
      std::vector<std::pair<double, double>> points;
      for (const auto& [step, nats] : t.series(metric::kEvalLoss)) {
        points.emplace_back(step, bits ? nats / std::log(2.0) : std::exp(nats));
        last_step = std::max(last_step, step);
      }
      plot.series.push_back({trial_label(t), points, false, int(i)});
      for (const auto& row : t.metrics) {
        if (const auto name = metric::baseline_in(row.metric, measure))
          baselines[*name] = row.value;
      }
    }
    if (plot.series.empty()) continue;
    int color = int(plot.series.size());
    for (const auto& [name, value] : baselines) {
      plot.series.push_back({name, {{0, value}, {last_step, value}}, true, color++});
    }
    plots.push_back({"language_" + slug(task), std::move(plot)});
  }
}

// One cluster of bars per task and T, a bar per model and backend: the median of its trials.
void add_throughput_plots(const RunRecord& run, std::vector<NamedPlot>& plots) {
  const auto tasks = by_task(run);
  for (const auto& [measure, title, y_label] :
       {std::tuple{metric::kSequencesPerSecond, "Training throughput", "sequences per second"},
        std::tuple{metric::kGflops, "Training arithmetic rate", "GFLOP/s of model math"}}) {
    Plot plot{.title = title,
              .x_label = "task, sequence length T",
              .y_label = y_label,
              .log_y = false,
              .bars = true};
    std::vector<std::string> names;  // "lstm on blas", in order of appearance
    std::map<std::pair<std::string, std::size_t>, std::vector<double>> values;
    for (std::size_t task = 0; task < tasks.size(); ++task) {
      plot.bar_labels.push_back(tasks[task].first);
      for (const TrialRecord* t : tasks[task].second) {
        const auto value = t->value(measure);
        if (!value) continue;
        const std::string name =
            fmt::format("{} on {}", model_label(*t), t->spec["backend"]["name"].get<std::string>());
        if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
        values[{name, task}].push_back(*value);
      }
    }
    if (names.empty()) continue;
    for (const auto& name : names) {
      Series& series = plot.series.emplace_back(Series{name});
      for (std::size_t task = 0; task < tasks.size(); ++task) {
        const auto found = values.find({name, task});
        series.points.emplace_back(task, found == values.end() ? NAN : median(found->second));
      }
    }
    plots.push_back({fmt::format("throughput_{}", measure), std::move(plot)});
  }
}

// A search over T's outcome, per task: the share of seeds that solved it against T, per search.
void add_critical_length_plots(const RunRecord& run, std::vector<NamedPlot>& plots) {
  const CriticalLengths lengths = critical_lengths(run);
  std::vector<std::string> tasks;  // in the order of their searches
  for (const auto& search : lengths.searches) {
    if (std::find(tasks.begin(), tasks.end(), search.labels[0]) == tasks.end()) {
      tasks.push_back(search.labels[0]);
    }
  }
  for (const auto& task : tasks) {
    Plot plot{.title = "Seeds that solved the task against T, " + task,
              .x_label = "T",
              .y_label = "share of seeds that solved it",
              .log_x = true,
              .log_y = false};
    for (const auto& search : lengths.searches) {
      if (search.labels[0] != task) continue;
      Series& series = plot.series.emplace_back(Series{
          fmt::format("{}", fmt::join(search.labels.begin() + 1, search.labels.end(), " "))});
      for (const auto& [length, seeds] : search.tried) {
        series.points.emplace_back(length, double(seeds.first) / seeds.second);
      }
    }
    plots.push_back({"critical_length_" + slug(task), std::move(plot)});
  }
}

std::vector<NamedPlot> plots_of(const RunRecord& run) {
  std::vector<NamedPlot> plots;
  add_critical_length_plots(run, plots);
  for (const auto& [task, trials] : by_task(run)) {
    add_loss_plot(task, trials, plots);
    add_language_plot(task, trials, plots);
    add_gradient_plot(task, trials, plots);
    add_clipping_plot(task, trials, plots);
  }
  add_throughput_plots(run, plots);
  return plots;
}

std::string html_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// An SVG file as an element to put inline: without its XML declaration and DOCTYPE.
std::string inline_svg(const fs::path& file) {
  std::string svg = read_whole_file(file).value_or("");
  const auto start = svg.find("<svg");
  return start == std::string::npos ? "" : svg.substr(start);
}

std::string html_table(const SummarySection& section) {
  std::string out;
  if (!section.heading.empty()) out += fmt::format("<h3>{}</h3>\n", html_escape(section.heading));
  if (!section.constants.empty()) {
    out += fmt::format("<p class=\"shared\">Every trial: {}.</p>\n",
                       html_escape(fmt::format("{}", fmt::join(section.constants, ", "))));
  }
  if (!section.baselines.empty()) {
    out += fmt::format("<p>{}.</p>\n", html_escape(section.baselines));
  }
  out += "<div class=\"wide\"><table>\n<tr>";
  for (const auto& c : section.columns) out += fmt::format("<th>{}</th>", html_escape(c));
  out += "</tr>\n";
  for (const auto& row : section.rows) {
    out += "<tr>";
    for (const auto& v : row) out += fmt::format("<td>{}</td>", html_escape(v));
    out += "</tr>\n";
  }
  out += "</table></div>\n";
  for (const auto& note : section.notes) out += fmt::format("<p>{}</p>\n", html_escape(note));
  return out;
}

constexpr const char* kStyle =
    "body{font-family:sans-serif;margin:2em auto;max-width:1100px;color:#222}"
    "table{border-collapse:collapse;font-size:90%;margin:1em 0}"
    "td,th{border:1px solid #ccc;padding:3px 7px;text-align:left}th{background:#eee}"
    "pre{background:#f6f6f6;padding:1em;overflow-x:auto;font-size:85%}"
    ".plot{margin:1.5em 0}.shared{font-size:85%;color:#555}.wide{overflow-x:auto}";

}  // namespace

ReportFiles write_report(const RunRecord& run, const fs::path& folder) {
  ReportFiles files{folder / "report.html", folder / "report.md"};
  const SummaryTable table = summarize(run);
  const auto sections = summary_sections(table, {});
  const auto plots = plots_of(run);
  const fs::path plot_folder = folder / "plots";
  const auto gnuplot = gnuplot_version();
  if (!gnuplot) {
    files.missing = "gnuplot is not installed (Debian: gnuplot-nox), so this report has no plots";
  } else if (!plots.empty()) {
    fs::remove_all(plot_folder);  // an earlier report's plots
    fs::create_directories(plot_folder);
  }

  const std::string title = fmt::format("{} — run {} ({})", run.experiment, run.run_id, run.status);
  const std::string environment = nlohmann::json::parse(run.environment).dump(2);
  std::string html = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title>"
      "<style>{}</style></head><body>\n<h1>{}</h1>\n<p>Experiment file {}; started {}, finished "
      "{}; {} of {} trials.</p>\n",
      html_escape(title), kStyle, html_escape(title), html_escape(run.file), run.started,
      run.finished.empty() ? "—" : run.finished, run.trials.size(), run.trials_planned);
  std::string markdown = fmt::format(
      "# {}\n\nExperiment file `{}`; started {}, finished {}; {} "
      "of {} trials.\n\n## Summary\n\n{}\n",
      title, run.file, run.started, run.finished.empty() ? "—" : run.finished, run.trials.size(),
      run.trials_planned, summary_markdown(table, {}));
  html += "<h2>Summary</h2>\n";
  for (const auto& s : sections) html += html_table(s);
  if (const auto lengths = critical_lengths(run); !lengths.searches.empty()) {
    html += "<h2>Critical length T*</h2>\n" + html_table(critical_length_section(lengths));
    markdown += "## Critical length T*\n\n" + critical_length_markdown(run) + "\n";
  }
  html += "<h2>Plots</h2>\n";
  markdown += "## Plots\n\n";
  if (!files.missing.empty()) {
    html += fmt::format("<p>{}.</p>\n", html_escape(files.missing));
    markdown += files.missing + ".\n\n";
  } else {
    for (const auto& [name, plot] : plots) {
      const fs::path svg = plot_folder / (name + ".svg"), png = plot_folder / (name + ".png");
      if (!render(plot, PlotFormat::Svg, svg) || !render(plot, PlotFormat::Png, png)) continue;
      html += fmt::format("<div class=\"plot\" id=\"{}\">{}</div>\n", name, inline_svg(svg));
      fs::remove(svg);
      markdown += fmt::format("![{}](plots/{}.png)\n\n", plot.title, name);
      ++files.plots;
    }
  }
  html += fmt::format(
      "<h2>Environment</h2>\n<pre>{}</pre>\n<h2>Experiment as run</h2>\n"
      "<pre>{}</pre>\n</body></html>\n",
      html_escape(environment), html_escape(run.experiment_yaml));
  markdown += fmt::format(
      "## Environment\n\n```json\n{}\n```\n\n## Experiment as run\n\n```yaml\n"
      "{}\n```\n",
      nlohmann::json::parse(run.environment).dump(2), run.experiment_yaml);
  write_file_atomically(files.html, html);
  write_file_atomically(files.markdown, markdown);
  return files;
}

}  // namespace harness
