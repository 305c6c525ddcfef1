// harness run: reads the options and the experiment, runs it (run/runner), shows progress, prints
// the summary table and turns the outcome into an exit code.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/algorithm/string/split.hpp>
#include <boost/program_options.hpp>
#include <chrono>
#include <csignal>
#include <map>
#include <optional>
#include <set>

#include "cli/arguments.hpp"
#include "cli/command.hpp"
#include "cli/plugin_options.hpp"
#include "cli/progress.hpp"
#include "cli/run_location.hpp"
#include "experiment/known_names.hpp"
#include "experiment/spec.hpp"
#include "results/critical_length.hpp"
#include "results/metric_names.hpp"
#include "results/summary.hpp"
#include "run/memory_check.hpp"
#include "run/mpi_job.hpp"
#include "run/resume.hpp"
#include "run/runner.hpp"
#include "tasks/task.hpp"
#include "tasks/task_kind.hpp"

namespace harness::cli {

namespace po = boost::program_options;

namespace {

std::atomic<bool> interrupted{false};

extern "C" void on_interrupt(int) {
  interrupted.store(true);
  std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C ends the process at once
}

// The run's summary before it runs: spec columns only, one row per trial.
SummaryTable planned_summary(const std::vector<TrialSpec>& trials) {
  RunRecord planned;
  for (const auto& trial : trials) planned.trials.push_back({.spec = to_json(trial)});
  return summarize(planned);
}

// The keys the trials of each task kind differ in: kind → key path → column name.
using VaryingKeys = std::map<std::string, std::map<std::string, std::string>>;
VaryingKeys varying_keys(const ExperimentSpec& spec) {
  std::map<std::string, std::vector<TrialSpec>> by_kind;
  for (const auto& trial : spec.trials) by_kind[trial.task.kind->name].push_back(trial);
  VaryingKeys varying;
  for (const auto& [kind, trials] : by_kind) {
    const SummaryTable planned = planned_summary(trials);
    for (const auto& name : default_columns(planned)) {
      const auto& column = planned.columns[*planned.find(name)];
      if (column.from_spec) varying[kind][column.path] = column.name;
    }
  }
  return varying;
}

// Prints the run's progress: a line when a trial starts and ends, and the running trials' steps.
class ProgressObserver final : public RunObserver {
 public:
  explicit ProgressObserver(const ExperimentSpec& spec)
      : spec_(spec), varying_(varying_keys(spec)), display_(isatty(STDERR_FILENO)) {}

  void run_started(const RunRecord& run, const std::string& where,
                   const std::filesystem::path&) override {
    if (spec_.search) {
      const LengthSearchSpec& search = *spec_.search;
      fmt::print(stderr,
                 "{}: {} searches over T (from {}, ×{:g} while solved, up to {}, then bisection "
                 "to within {}; {} seeds at each T), {}; run {}\n",
                 spec_.name, spec_.trials.size() / search.seeds, search.from, search.growth,
                 search.max, search.resolution, search.seeds, where, run.run_id);
    } else {
      fmt::print(stderr, "{}: {} trials{}, {}; run {}\n", spec_.name, run.trials_planned,
                 run.shard.empty()
                     ? ""
                     : fmt::format(" (part {} of the {} trials)", run.shard, spec_.trials.size()),
                 where, run.run_id);
    }
    std::vector<std::string> seen;
    for (const auto& t : spec_.trials) {
      const auto task = make_task(t.task);
      const std::string line =
          fmt::format("  {} T={}: chance loss {:.4g}; solved when {}", t.task.kind->name,
                      t.task.length, task->chance_loss(), task->solved_criterion());
      if (std::find(seen.begin(), seen.end(), line) == seen.end()) seen.push_back(line);
    }
    for (const auto& line : seen) fmt::print(stderr, "{}\n", line);
  }
  void search_round(int round, const std::vector<TrialSpec>& trials) override {
    std::set<int> lengths;
    for (const auto& t : trials) lengths.insert(t.task.length);
    planned_ = trials.back().index + 1;
    display_.message(fmt::format("round {}: {} trials at T = {}", round, trials.size(),
                                 fmt::join(lengths, ", ")));
  }
  void trial_started(const TrialSpec& trial) override {
    display_.message(fmt::format("{} {}: started", counter(trial), label(trial)));
  }
  void progress(const Progress& progress) override { display_.update(progress); }
  void trial_finished(const TrialSpec& trial, const TrialRecord& record) override {
    display_.finished(trial.index);
    if (record.status == "failed") {
      display_.message(
          fmt::format("{} {}: failed: {}", counter(trial), label(trial), record.message));
      return;
    }
    const auto loss = record.value(metric::kFinalEvalLoss);
    const auto solved_at = record.value(metric::kStepsToSolve);
    display_.message(fmt::format("{} {}: {}, held-out loss {} (chance {:.4g}){}, {:.1f} s",
                                 counter(trial), label(trial), record.status,
                                 loss ? fmt::format("{:.4g}", *loss) : "-",
                                 record.value(metric::kChanceLoss).value_or(0),
                                 solved_at ? fmt::format(", solved at step {}", *solved_at) : "",
                                 record.value(metric::kWallSeconds).value_or(0)));
  }

 private:
  std::string counter(const TrialSpec& trial) const {
    return fmt::format("[{}/{}]", trial.index + 1, planned_);
  }
  // What the trial is: its task, cell and shape, and any other key the grid varies.
  std::string label(const TrialSpec& s) const {
    static const std::set<std::string> described{
        "task.kind",           "task.T",       "model.cell",   "model.layers",
        "model.bidirectional", "model.hidden", "backend.name", "backend.threads"};
    std::string text =
        fmt::format("{} T={} {}{}{} h{} on {}x{}", s.task.kind->name, s.task.length, s.model.cell,
                    s.model.layers > 1 ? fmt::format(" {} layers", s.model.layers) : "",
                    s.model.bidirectional ? " bidirectional" : "", s.model.hidden, s.backend.name,
                    s.backend.threads);
    for (const auto& [path, value] : spec_values(to_json(s))) {
      const auto kind = varying_.find(s.task.kind->name);  // none when nothing varies
      if (kind == varying_.end()) break;
      const auto column = kind->second.find(path);
      if (column != kind->second.end() && !described.contains(path)) {
        text += fmt::format(" {}={}", column->second, value);
      }
    }
    return text;
  }

  const ExperimentSpec& spec_;
  std::size_t planned_ = spec_.trials.size();  // a search's: to the end of its round
  VaryingKeys varying_;
  ProgressDisplay display_;
};

// "a,b , c" → {"a", "b", "c"}.
std::vector<std::string> column_list(const std::string& text) {
  std::vector<std::string> names;
  boost::algorithm::split(names, text, [](char c) { return c == ','; });
  for (auto& name : names) {
    name.erase(0, name.find_first_not_of(' '));
    name.erase(name.find_last_not_of(' ') + 1);
  }
  std::erase(names, "");
  return names;
}

// Ends the command before any work (exit 2) when not one trial fits in `memory` bytes.
void check_some_trial_fits(const ExperimentSpec& spec, const Registry& plugins, double memory) {
  std::string first_refusal;
  for (const auto& trial : spec.trials) {
    const std::string refusal = memory_refusal(estimate_trial_memory(trial, plugins), memory);
    if (refusal.empty()) return;
    if (first_refusal.empty()) first_refusal = refusal;
  }
  throw UsageError{fmt::format("run: no trial of {} fits in memory: the first one was {}",
                               spec.file, first_refusal)};
}

}  // namespace

int run_command(const std::vector<std::string>& args) {
  po::options_description options(
      "Usage: harness run EXPERIMENT.yaml [options]\n"
      "       harness run --resume RUN_ID|RUN_DIR [--retry-failed] [options]\n\n"
      "Runs every trial of the experiment, stores them in the results database and writes the\n"
      "run's folder (summary.md, summary.csv, curves.csv, grad_profile.csv, run.json, and\n"
      "report.html and report.md with plots: see 'harness report --help').\n"
      "Each trial runs in a child process: one whose cell or backend throws or crashes is\n"
      "stored as failed, the others go on, and the exit code is 1.\n"
      "A trial estimated to need more memory than is available is refused before it starts\n"
      "(stored as failed; exit code 2 when no trial fits).\n"
      "Ctrl-C stops cleanly: finished trials are kept and the run is marked incomplete.\n"
      "--resume goes on with a stored run (interrupted, killed or with failed trials): its\n"
      "finished trials are kept and the others run with the same seeds; it refuses when the\n"
      "experiment file, the harness binary or a plugin changed since.\n"
      "Under mpirun or srun (K ranks), rank 0 runs the sweep and hands its trials, longest\n"
      "first, to the other ranks, each running --jobs at once; --shard I/N runs one of N\n"
      "parts of the sweep for a scheduler's job array, and 'harness merge' joins them.\n"
      "An experiment with a 'search' key finds each model's critical length T* on each task in\n"
      "rounds of trials (T grows, then bisects); the summary gets its T* table.\n\nOptions");
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
      "columns", po::value<std::string>()->value_name("LIST"),
      "the summary table's columns, comma-separated: spec keys by name or path (cell, "
      "training.learning_rate) and results (loss, solved, seq_per_s, ...); 'all' for every one. "
      "Default: the trial, the keys the grid varies, the main results")(
      "no-report", "leave out report.html and report.md (harness report writes them later)")(
      "resume", po::value<std::string>()->value_name("RUN_ID|RUN_DIR"),
      "go on with this run of the store (or of this folder), keeping its finished trials")(
      "retry-failed", "with --resume: run the trials that failed again")(
      "shard", po::value<std::string>()->value_name("I/N"),
      "run only the I-th of N parts of the sweep (of nearly equal expected work), as its own run; "
      "one job of a scheduler's array each, then 'harness merge' combines them")(
      "rank-timeout", po::value<int>()->value_name("SECONDS")->default_value(60),
      "under MPI: a worker rank silent this long (it sends word every second) has died or hung; "
      "its trials are stored as failed and the sweep goes on without it (when the job outlives "
      "a rank: mpirun --enable-recovery)")(
      "memory", po::value<double>()->value_name("GIB"),
      "memory the trials may use together, GiB (default: what the machine has available when "
      "the run starts); a trial estimated to need more is refused before it starts")(
      "experiment", po::value<std::string>()->value_name("EXPERIMENT.yaml"), "the experiment file");
  options.add(plugin_options());
  po::positional_options_description positional;
  positional.add("experiment", 1);
  const auto parsed = parse_arguments(args, options, positional);
  if (!parsed) return kExitOk;
  const po::variables_map& values = *parsed;
  const bool resuming = values.count("resume") > 0;
  if (resuming && values.count("experiment")) {
    throw UsageError{"run: --resume goes on with a stored run; give no experiment file with it"};
  }
  if (resuming && values.count("shard")) {
    throw UsageError{"run: --resume keeps the part of the sweep the run began with; no --shard"};
  }
  if (resuming && values.count("set")) {
    throw UsageError{"run: --resume keeps the run's settings; --set cannot change them"};
  }
  if (!resuming && values.count("retry-failed")) {
    throw UsageError{"run: --retry-failed goes with --resume RUN"};
  }
  if (!resuming && !values.count("experiment")) {
    throw UsageError{"run: which experiment? e.g. harness run experiments/long_dep.yaml"};
  }
  if (values["jobs"].as<int>() < 0) throw UsageError{"run: --jobs must be 0 (automatic) or more"};
  if (values["rank-timeout"].as<int>() < 1) {
    throw UsageError{"run: --rank-timeout must be at least 1 second"};
  }
  if (values.count("memory") && !(values["memory"].as<double>() > 0)) {
    throw UsageError{"run: --memory must be a positive number of GiB, e.g. --memory 8"};
  }

  Shard shard;
  if (values.count("shard")) {
    try {
      shard = Shard::parse(values["shard"].as<std::string>());
    } catch (const ConfigError& error) {
      throw UsageError{fmt::format("run: {}", error.what())};
    }
  }

  // Under mpirun or srun: rank 0 runs the sweep, the other ranks run the trials it hands out.
  std::unique_ptr<MpiJob> mpi;
  if (mpi_ranks_from_environment() > 1) {
    try {
      mpi = join_mpi_job();
    } catch (const std::runtime_error& error) {
      throw UsageError{fmt::format("run: {}", error.what())};
    }
  }
  const bool worker_rank = mpi && mpi->rank() > 0;

  const Registry plugins = load_plugins(values);
  const KnownNames known = known_names(plugins);
  std::optional<LocatedRun> resumed;
  if (resuming) {
    resumed = locate_run(values["resume"].as<std::string>(), values);
    if (const auto why = resume_refusal(resumed->run, plugins); !why.empty()) {
      throw UsageError{fmt::format("run: cannot resume run {}: {}; start a new run instead",
                                   resumed->run.run_id, why)};
    }
  }
  const auto overrides = values.count("set") ? values["set"].as<std::vector<std::string>>()
                                             : std::vector<std::string>{};
  const ExperimentSpec spec =
      resumed ? parse_experiment(resumed->run.experiment_yaml, resumed->run.file, {}, known)
              : load_experiment(values["experiment"].as<std::string>(), overrides, known);

  if (spec.search && (mpi || shard.count > 1)) {
    const std::string refusal = fmt::format(
        "run: {} searches over T, each round chosen from what the last one showed, so it runs "
        "in one process: {}",
        spec.file,
        mpi ? "start it without mpirun (--jobs sets its trials at once)" : "drop --shard");
    if (mpi) mpi->abort(refusal);
    throw UsageError{refusal};
  }

  RunOptions run_options;
  run_options.store = values["store"].as<std::string>();
  if (values.count("out")) run_options.folder = values["out"].as<std::string>();
  if (resumed) {
    run_options.resume = resumed->run.run_id;
    run_options.retry_failed = values.count("retry-failed") > 0;
    run_options.store = resumed->store;
    if (!values.count("out")) run_options.folder = resumed->folder;
    const auto failed = std::count_if(resumed->run.trials.begin(), resumed->run.trials.end(),
                                      [](const TrialRecord& t) { return t.status == "failed"; });
    if (!worker_rank) {
      fmt::print(stderr, "resuming run {}: {} of {} trials kept{}\n", resumed->run.run_id,
                 resumed->run.trials.size() - (run_options.retry_failed ? failed : 0),
                 resumed->run.trials_planned,
                 run_options.retry_failed && failed > 0
                     ? fmt::format(", {} failed ones to run again", failed)
                     : "");
    }
  }
  run_options.shard = shard;
  run_options.jobs = values["jobs"].as<int>();
  run_options.memory =
      values.count("memory") ? values["memory"].as<double>() * 0x1p30 : available_memory_bytes();
  if (!resumed) check_some_trial_fits(spec, plugins, run_options.memory);
  run_options.report = !values.count("no-report");
  if (values.count("columns")) {  // checked before any work
    run_options.columns = select_columns(planned_summary(spec.trials),
                                         column_list(values["columns"].as<std::string>()));
  }

  interrupted.store(false);
  std::signal(SIGINT, on_interrupt);
  std::unique_ptr<TrialDispatcher> ranks;
  if (mpi) {
    try {
      if (worker_rank) {
        mpi->serve(spec.trials, plugins,
                   run_options.jobs > 0 ? run_options.jobs : mpi->automatic_jobs(spec.trials),
                   interrupted);
        return kExitOk;
      }
      ranks = mpi->dispatcher(std::chrono::seconds(values["rank-timeout"].as<int>()));
      run_options.dispatcher = ranks.get();
    } catch (const std::exception& error) {
      mpi->abort(fmt::format("harness run: rank {}: {}", mpi->rank(), error.what()));
    }
  }
  ProgressObserver observer(spec);
  RunOutcome outcome;
  try {
    outcome = run_experiment(spec, plugins, run_options, observer, interrupted);
  } catch (const std::exception& error) {
    if (!mpi) throw;
    mpi->abort(fmt::format("harness run: {}", error.what()));  // the waiting ranks too
  }
  std::signal(SIGINT, SIG_DFL);

  const SummaryTable table = summarize(outcome.run);
  fmt::print("\n{}\n", summary_markdown(table, run_options.columns));
  if (const std::string repeats = repeats_markdown(table); !repeats.empty()) {
    fmt::print("Across repeats:\n\n{}\n", repeats);
  }
  if (const std::string lengths = critical_length_markdown(outcome.run); !lengths.empty()) {
    fmt::print("Critical length T*:\n\n{}\n", lengths);
  }
  fmt::print(stderr, "run {} {}: {} of {} trials; results in {} and {}\n", outcome.run.run_id,
             outcome.run.status, outcome.run.trials.size(), outcome.run.trials_planned,
             outcome.folder.string(), run_options.store.string());
  if (!outcome.report.html.empty()) {
    fmt::print(stderr, "report: {}{}\n", outcome.report.html.string(),
               outcome.report.missing.empty() ? "" : " (" + outcome.report.missing + ")");
  }
  if (!outcome.report_failure.empty()) {
    fmt::print(stderr,
               "harness run: the report failed ({}); the run is stored: harness report {} "
               "tries again\n",
               outcome.report_failure, outcome.folder.string());
  }
  if (outcome.run.status != "complete") return kExitInterrupted;
  if (outcome.failed_trials > 0) {
    fmt::print(stderr, "harness run: {} of {} trials failed (status failed, with why, above)\n",
               outcome.failed_trials, outcome.run.trials_planned);
    return kExitFailure;
  }
  return outcome.report_failure.empty() ? kExitOk : kExitFailure;
}

}  // namespace harness::cli
