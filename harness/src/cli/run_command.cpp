// harness run: runs an experiment file's trials, stores every finished trial, exports the run's
// folder and prints the summary table.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/program_options.hpp>
#include <chrono>
#include <csignal>
#include <ctime>
#include <mutex>
#include <thread>

#include "cli/arguments.hpp"
#include "cli/command.hpp"
#include "cli/plugin_options.hpp"
#include "cli/progress.hpp"
#include "experiment/spec.hpp"
#include "results/environment.hpp"
#include "results/export.hpp"
#include "results/store.hpp"
#include "results/summary.hpp"
#include "tasks/task.hpp"

namespace harness::cli {

namespace po = boost::program_options;

namespace {

std::atomic<bool> interrupted{false};

extern "C" void on_interrupt(int) {
  interrupted.store(true);
  std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C ends the process at once
}

std::string make_run_id() {
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%d-%H%M%S", std::gmtime(&now));
  return fmt::format("{}-{}", text, getpid());
}

std::string label(const TrialSpec& s) {
  return fmt::format("{} T={} {}{}{} h{} on {}x{}", s.task.kind, s.task.length, s.model.cell,
                     s.model.layers > 1 ? fmt::format(" {} layers", s.model.layers) : "",
                     s.model.bidirectional ? " bidirectional" : "", s.model.hidden, s.backend.name,
                     s.backend.threads);
}

// Trials run in parallel while their threads fit in the machine's cores.
int automatic_jobs(const ExperimentSpec& spec) {
  int threads = 1;
  for (const auto& t : spec.trials) threads = std::max(threads, t.backend.threads);
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return std::max(1, cores / threads);
}

void print_tasks(const ExperimentSpec& spec) {
  std::vector<std::string> seen;
  for (const auto& t : spec.trials) {
    const auto task = make_task(t.task);
    const std::string line =
        fmt::format("  {} T={}: chance loss {:.4g}; solved when {}", t.task.kind, t.task.length,
                    task->chance_loss(), task->solved_criterion());
    if (std::find(seen.begin(), seen.end(), line) == seen.end()) seen.push_back(line);
  }
  for (const auto& line : seen) fmt::print(stderr, "{}\n", line);
}

}  // namespace

int run_command(const std::vector<std::string>& args) {
  po::options_description options(
      "Usage: harness run EXPERIMENT.yaml [options]\n\n"
      "Runs every trial of the experiment, stores them in the results database and writes the\n"
      "run's folder (summary.md, summary.csv, curves.csv, grad_profile.csv, run.json).\n"
      "Ctrl-C stops cleanly: finished trials are kept and the run is marked "
      "incomplete.\n\nOptions");
  options.add_options()("help,h", "show this help")(
      "set", po::value<std::vector<std::string>>()->value_name("KEY=VALUE")->composing(),
      "override a key of the experiment, e.g. --set training.steps=200 or "
      "--set models[0].hidden=64; may be given several times")(
      "out", po::value<std::string>()->value_name("DIR"),
      "write the run's folder here (default results/<experiment>/<run-id>)")(
      "store",
      po::value<std::string>()->value_name("FILE")->default_value("results/harness.sqlite"),
      "the SQLite results database")(
      "jobs", po::value<int>()->value_name("N")->default_value(0),
      "trials run at once (0: as many as the cores hold, given each trial's threads)")(
      "experiment", po::value<std::string>()->value_name("EXPERIMENT.yaml"), "the experiment file");
  options.add(plugin_options());
  po::positional_options_description positional;
  positional.add("experiment", 1);
  const auto parsed = parse_arguments(args, options, positional);
  if (!parsed) return kExitOk;
  const po::variables_map& values = *parsed;
  if (!values.count("experiment")) {
    throw UsageError{"run: which experiment? e.g. harness run experiments/long_dep.yaml"};
  }
  if (values["jobs"].as<int>() < 0) throw UsageError{"run: --jobs must be 0 (automatic) or more"};

  const Registry plugins = load_plugins(values);
  KnownNames known;
  for (const auto& c : plugins.cells()) known.cells.push_back(c.name);
  for (const auto& b : plugins.backends()) known.backends.push_back(b.name);
  const auto overrides = values.count("set") ? values["set"].as<std::vector<std::string>>()
                                             : std::vector<std::string>{};
  const ExperimentSpec spec =
      load_experiment(values["experiment"].as<std::string>(), overrides, known);

  const std::string run_id = make_run_id();
  const std::filesystem::path folder = values.count("out")
                                           ? std::filesystem::path(values["out"].as<std::string>())
                                           : std::filesystem::path("results") / spec.name / run_id;
  const int jobs = values["jobs"].as<int>() > 0 ? values["jobs"].as<int>() : automatic_jobs(spec);
  ResultsStore store(values["store"].as<std::string>());
  RunRecord record{run_id, "complete", &spec, environment_json(plugins), {}};
  store.begin_run(run_id, spec.name, spec.file, record.environment_json, spec.resolved_yaml);

  fmt::print(stderr, "{}: {} trials, {} at a time; run {}\n", spec.name, spec.trials.size(), jobs,
             run_id);
  print_tasks(spec);
  interrupted.store(false);
  std::signal(SIGINT, on_interrupt);

  ProgressDisplay display(isatty(STDERR_FILENO));
  std::mutex results_mutex;
  std::atomic<std::size_t> next{0};
  std::string failure;
  auto worker = [&] {
    for (std::size_t i = next++; i < spec.trials.size() && !interrupted.load(); i = next++) {
      const TrialSpec& trial = spec.trials[i];
      display.message(fmt::format("[{}/{}] {}: started", i + 1, spec.trials.size(), label(trial)));
      try {
        TrialResult result =
            run_trial(trial, plugins, interrupted, [&](const Progress& p) { display.update(p); });
        display.finished(trial.index);
        std::lock_guard lock(results_mutex);
        if (result.status == TrialStatus::Interrupted) continue;
        store.add_trial(run_id, result);
        display.message(fmt::format(
            "[{}/{}] {}: {}, held-out loss {:.4g} (chance {:.4g}){}, {:.1f} s", i + 1,
            spec.trials.size(), label(trial), to_string(result.status), result.eval_loss,
            result.chance_loss,
            result.solved ? fmt::format(", solved at step {}", result.steps_to_solve) : "",
            result.wall_seconds));
        record.trials.push_back(std::move(result));
      } catch (const std::exception& e) {
        std::lock_guard lock(results_mutex);
        failure = fmt::format("trial {} ({}): {}", trial.index, label(trial), e.what());
        interrupted.store(true);
      }
    }
  };
  std::vector<std::thread> workers;
  for (int j = 0; j < jobs; ++j) workers.emplace_back(worker);
  for (auto& w : workers) w.join();
  std::signal(SIGINT, SIG_DFL);

  std::sort(record.trials.begin(), record.trials.end(),
            [](const TrialResult& a, const TrialResult& b) { return a.spec.index < b.spec.index; });
  const bool complete = record.trials.size() == spec.trials.size();
  record.status = complete ? "complete" : "incomplete";
  store.finish_run(run_id, record.status);
  export_run(record, folder);

  std::vector<SummaryRow> rows;
  for (const auto& r : record.trials) rows.push_back(summary_row(r));
  fmt::print("\n{}\n", summary_markdown(rows));
  fmt::print(stderr, "run {} {}: {} of {} trials; results in {} and {}\n", run_id, record.status,
             record.trials.size(), spec.trials.size(), folder.string(), store.path());
  if (!failure.empty()) {
    fmt::print(stderr, "harness run: {}\n", failure);
    return kExitFailure;
  }
  return complete ? kExitOk : kExitInterrupted;
}

}  // namespace harness::cli
