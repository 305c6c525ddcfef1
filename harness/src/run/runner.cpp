#include "run/runner.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <mutex>
#include <thread>

#include "results/environment.hpp"
#include "results/export.hpp"
#include "results/store.hpp"

namespace harness {

namespace {

std::string make_run_id() {
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%d-%H%M%S", std::gmtime(&now));
  return fmt::format("{}-{}", text, getpid());
}

}  // namespace

std::filesystem::path checkpoint_file(const std::filesystem::path& run_folder, int trial) {
  return run_folder / "checkpoints" / fmt::format("trial-{}.safetensors", trial);
}

int automatic_jobs(const ExperimentSpec& experiment) {
  int threads = 1;
  for (const auto& t : experiment.trials) threads = std::max(threads, t.backend.threads);
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return std::max(1, cores / threads);
}

RunOutcome run_experiment(const ExperimentSpec& experiment, const Registry& plugins,
                          const RunOptions& options, RunObserver& observer,
                          std::atomic<bool>& stop) {
  RunRecord run;
  run.run_id = options.run_id.empty() ? make_run_id() : options.run_id;
  run.experiment = experiment.name;
  run.file = experiment.file;
  run.environment = environment_json(plugins);
  run.experiment_yaml = experiment.resolved_yaml;
  run.trials_planned = static_cast<int>(experiment.trials.size());
  RunOutcome outcome;
  outcome.folder = options.folder.empty()
                       ? std::filesystem::path("results") / experiment.name / run.run_id
                       : options.folder;
  const int jobs = options.jobs > 0 ? options.jobs : automatic_jobs(experiment);
  ResultsStore store(options.store.string());
  store.begin_run(run);
  observer.run_started(run, jobs, outcome.folder);

  std::mutex store_mutex;
  std::atomic<std::size_t> next{0}, finished{0};
  auto worker = [&] {
    for (std::size_t i = next++; i < experiment.trials.size() && !stop.load(); i = next++) {
      const TrialSpec& trial = experiment.trials[i];
      observer.trial_started(trial);
      try {
        const TrialResult result =
            run_trial(trial, plugins,
                      {.stop = &stop,
                       .progress = [&](const Progress& p) { observer.progress(p); },
                       .checkpoint = checkpoint_file(outcome.folder, trial.index)});
        if (result.status == TrialStatus::Interrupted) continue;
        const TrialRecord record = make_record(result);
        {
          std::lock_guard lock(store_mutex);
          store.add_trial(run.run_id, record);
        }
        ++finished;
        observer.trial_finished(trial, record);
      } catch (const std::exception& e) {
        std::lock_guard lock(store_mutex);
        if (outcome.failure.empty()) outcome.failure = fmt::format("trial {}: {}", i, e.what());
        stop.store(true);
      }
    }
  };
  std::vector<std::thread> workers;
  for (int j = 0; j < jobs; ++j) workers.emplace_back(worker);
  for (auto& w : workers) w.join();

  const bool complete = finished.load() == experiment.trials.size();
  store.finish_run(run.run_id, complete ? "complete" : "incomplete");
  outcome.run = store.load_run(run.run_id);
  export_run(outcome.run, outcome.folder, options.store, options.columns);
  if (options.report) {
    try {
      outcome.report = write_report(outcome.run, outcome.folder);
    } catch (const std::exception& error) {
      outcome.report_failure = error.what();
    }
  }
  return outcome;
}

}  // namespace harness
