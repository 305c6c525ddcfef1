#include "run/runner.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <latch>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <thread>

#include "process/child_process.hpp"
#include "results/checksum.hpp"
#include "results/environment.hpp"
#include "results/export.hpp"
#include "results/metric_names.hpp"
#include "results/store.hpp"
#include "run/memory_check.hpp"
#include "run/search_rounds.hpp"
#include "run/trial_order.hpp"

namespace harness {

namespace {

constexpr char kProgressMessage = 'p', kRecordMessage = 'r';

}  // namespace

std::optional<TrialRecord> run_isolated_trial(const TrialSpec& trial, const Registry& plugins,
                                              const std::filesystem::path& checkpoint,
                                              RunObserver& observer, std::atomic<bool>& stop) {
  std::optional<TrialRecord> record;
  std::string failure;
  const auto end = process::run_in_child(
      [&](const process::Channel& channel) {
        const TrialResult result = run_trial(
            trial, plugins,
            {.stop = &stop,
             .progress =
                 [&](const Progress& p) {
                   channel.send(kProgressMessage,
                                nlohmann::json{p.trial, p.step, p.steps, p.loss, p.seconds}.dump());
                 },
             .checkpoint = checkpoint});
        if (result.status != TrialStatus::Interrupted) {
          channel.send(kRecordMessage, record_to_json(make_record(result)).dump());
        }
      },
      [&](const process::Message& message) {
        if (message.kind == kProgressMessage) {
          const auto p = nlohmann::json::parse(message.payload);
          observer.progress(
              {.trial = p[0], .step = p[1], .steps = p[2], .loss = p[3], .seconds = p[4]});
        } else if (message.kind == kRecordMessage) {
          record = record_from_json(nlohmann::ordered_json::parse(message.payload));
        } else {
          failure = message.payload;  // the exception's message
        }
      },
      {.stop = &stop, .child_stop = &stop});
  if (!end.finished) {
    failure = end.describe();
  }
  if (!failure.empty()) return failed_record(trial, failure);
  return record;
}

std::string make_run_id() {
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%d-%H%M%S", std::gmtime(&now));
  return fmt::format("{}-{}", text, getpid());
}

std::filesystem::path checkpoint_file(const std::filesystem::path& run_folder, int trial) {
  return run_folder / "checkpoints" / fmt::format("trial-{}.safetensors", trial);
}

int automatic_jobs(const std::vector<TrialSpec>& trials, int processes) {
  int threads = 1;
  for (const auto& t : trials) threads = std::max(threads, t.backend.threads);
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return std::max(1, cores / (threads * processes));
}

RunOutcome run_experiment(const ExperimentSpec& experiment, const Registry& plugins,
                          const RunOptions& options, RunObserver& observer,
                          std::atomic<bool>& stop) {
  if (experiment.search && (options.dispatcher || options.shard.count > 1)) {
    throw std::invalid_argument(
        "a search over T runs its rounds in one process: not on MPI ranks, not in shards");
  }
  RunOutcome outcome;
  ResultsStore store(options.store.string());
  RunRecord run;
  std::set<int> kept;    // trials of a resumed run that are not run again
  std::set<int> solved;  // trials that solved their task: what a search goes on from
  std::map<int, TrialRecord> kept_records;
  // Of this run: all the experiment's, or its shard's; in a search, its first round.
  std::vector<TrialSpec> trials;
  if (!options.resume.empty()) {
    run = store.load_run(options.resume);
    trials = shard_trials(experiment.trials, plugins,
                          run.shard.empty() ? Shard{} : Shard::parse(run.shard));
    for (const auto& trial : run.trials) {
      if (trial.status == "failed" && options.retry_failed) {
        store.remove_trial(run.run_id, trial.trial);
      } else {
        kept.insert(trial.trial);
        kept_records.emplace(trial.trial, trial);
        if (trial.status == "failed") ++outcome.failed_trials;
        if (trial.value(metric::kSolved) == 1.0) solved.insert(trial.trial);
      }
    }
    run.trials.clear();
    store.resume_run(run.run_id);
  } else {
    run.run_id = options.run_id.empty() ? make_run_id() : options.run_id;
    run.experiment = experiment.name;
    run.file = experiment.file;
    run.environment = environment_json(plugins);
    run.experiment_yaml = experiment.resolved_yaml;
    run.experiment_sha256 =
        std::filesystem::exists(experiment.file) ? sha256_of_file(experiment.file) : "";
    trials = shard_trials(experiment.trials, plugins, options.shard);
    run.shard = options.shard.text();
    run.trials_planned = static_cast<int>(trials.size());
    store.begin_run(run);
  }
  outcome.folder = options.folder.empty()
                       ? std::filesystem::path("results") / experiment.name / run.run_id
                       : options.folder;
  const int jobs = options.jobs > 0 ? options.jobs : automatic_jobs(experiment.trials);
  const double memory = options.memory > 0 ? options.memory : available_memory_bytes();
  std::map<int, MemoryEstimate> estimates;  // of the trials to run
  // run.json first, so that a run killed before its end can be resumed by its folder.
  export_run(store.load_run(run.run_id), outcome.folder, options.store, options.columns);
  observer.run_started(
      run, options.dispatcher ? options.dispatcher->where() : fmt::format("{} at a time", jobs),
      outcome.folder);

  std::mutex store_mutex;
  std::atomic<std::size_t> finished{kept.size()};
  auto keep = [&](const TrialSpec& trial, const TrialRecord& record) {
    {
      std::lock_guard lock(store_mutex);
      store.add_trial(run.run_id, record);
      if (record.status == "failed") ++outcome.failed_trials;
      if (record.value(metric::kSolved) == 1.0) solved.insert(trial.index);
    }
    ++finished;
    observer.trial_finished(trial, record);
  };
  // Stores a trial that cannot fit as failed, before any work; true when it can run.
  auto fits = [&](const TrialSpec& trial) {
    const auto refusal = memory_refusal(estimates.at(trial.index), memory);
    if (!refusal.empty()) keep(trial, failed_record(trial, refusal));
    return refusal.empty();
  };
  auto checkpoint = [&](const TrialSpec& trial) {
    return checkpoint_file(outcome.folder, trial.index);
  };
  // Forgets a kept trial: one of a search that has since gone another way (a failed trial run
  // again solved its task where it had failed), so that it is not the trial with its number.
  auto forget = [&](std::map<int, TrialRecord>::iterator stored) {
    store.remove_trial(run.run_id, stored->first);
    if (stored->second.status == "failed") --outcome.failed_trials;
    solved.erase(stored->first);
    kept.erase(stored->first);
    --finished;
    return kept_records.erase(stored);
  };
  // Runs a batch of trials but the kept ones, each stored as it ends.
  auto run_trials = [&](const std::vector<TrialSpec>& batch) {
    for (const auto& trial : batch) {
      const auto stored = kept_records.find(trial.index);
      if (experiment.search && stored != kept_records.end() &&
          stored->second.spec != to_json(trial)) {
        forget(stored);
      }
    }
    for (const auto& trial : batch) {
      if (kept.contains(trial.index)) continue;
      try {
        estimates[trial.index] = estimate_trial_memory(trial, plugins);
      } catch (const std::exception&) {
        estimates[trial.index] = {};  // its cell's spec throws: the trial fails in its child
      }
    }
    if (options.dispatcher) {
      std::vector<const TrialSpec*> to_run;
      for (const std::size_t i : longest_first(batch, plugins)) {
        if (!kept.contains(batch[i].index) && fits(batch[i])) to_run.push_back(&batch[i]);
      }
      options.dispatcher->run(to_run, checkpoint, observer, stop, keep);
      return;
    }
    MemoryBudget budget(memory);
    std::atomic<std::size_t> next{0};
    // A thread's start and end take the allocator's lock (its cache is made and freed before
    // and after any code of ours runs): the workers start together, before any of them forks,
    // and end together, once none of them will fork again.
    std::latch workers_started(jobs), workers_done(jobs);
    auto worker = [&] {
      workers_started.arrive_and_wait();
      process::ForkGateParticipant participant;  // the other workers fork their trials' children
      for (std::size_t i = next++; i < batch.size() && !stop.load(); i = next++) {
        const TrialSpec& trial = batch[i];
        if (kept.contains(trial.index) || !fits(trial)) continue;
        const double bytes = estimates.at(trial.index).total();
        participant.pause();
        const bool acquired = budget.acquire(bytes, stop);
        participant.resume();
        if (!acquired) break;
        observer.trial_started(trial);
        const auto ended = run_isolated_trial(trial, plugins, checkpoint(trial), observer, stop);
        budget.release(bytes);
        if (ended) keep(trial, *ended);  // nothing to keep of an interrupted trial
      }
      participant.pause();
      workers_done.arrive_and_wait();
    };
    std::vector<std::thread> workers;
    process::ForkGateParticipant starting;  // the first workers fork while the others start
    for (int j = 0; j < jobs; ++j) workers.emplace_back(worker);
    starting.pause();
    for (auto& w : workers) w.join();
  };

  bool complete = false;
  if (!experiment.search) {
    run_trials(trials);
    complete = finished.load() == trials.size();
  } else {
    SearchRounds rounds(experiment);
    std::size_t planned = 0;
    for (auto round = rounds.next_round(); !round.empty(); round = rounds.next_round()) {
      planned += round.size();
      store.set_trials_planned(run.run_id, static_cast<int>(planned));
      observer.search_round(rounds.rounds(), round);
      run_trials(round);
      if (stop.load() || finished.load() < planned) break;  // interrupted: this round is not done
      rounds.record(round, solved);
    }
    if (rounds.ended()) {
      for (auto stored = kept_records.lower_bound(static_cast<int>(planned));
           stored != kept_records.end();) {
        stored = forget(stored);
      }
    }
    complete = rounds.ended() && finished.load() == planned;
  }
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
