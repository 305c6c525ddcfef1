// Running an experiment outside any user interface: its trials on worker threads (as many at
// once as fit the cores), each in a child process of its own, each finished trial stored as it
// finishes, the run's status kept in
// the store, its trained model saved in the run's folder (checkpoints/trial-N.safetensors), and
// the run's folder exported from the store at the end, with its report (report/report.hpp). The
// caller watches through a RunObserver (called from the worker threads) and stops the run by
// setting `stop`: running trials end at their next step, finished ones stay, and the run is marked
// incomplete.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "experiment/spec.hpp"
#include "registry.hpp"
#include "report/report.hpp"
#include "results/record.hpp"
#include "run/trial_order.hpp"
#include "train/trial.hpp"

namespace harness {

class TrialDispatcher;

struct RunOptions {
  std::filesystem::path store = "results/harness.sqlite";
  std::filesystem::path folder;      // empty: results/<experiment>/<run id>
  int jobs = 0;                      // trials at once; 0: as many as the cores hold
  std::vector<std::string> columns;  // summary.md's columns (summary.hpp); empty: the default
  std::string run_id;                // empty: the UTC time and the process id
  bool report = true;                // write report.html and report.md at the end
  // The id of a run in the store to go on with instead of starting one: its finished trials are
  // kept (failed ones too, unless retry_failed) and the others run, with the same seeds.
  // `experiment` must be the one the run stored (resume.hpp checks that it can be).
  std::string resume;
  bool retry_failed = false;
  // The part of the sweep to run (its own run, merged with the others by results/merge.hpp).
  // A resumed run keeps the part it began with.
  Shard shard;
  // Bytes the trials may use together; 0: what the machine has available when the run starts.
  // A trial whose estimate exceeds it is stored as failed without running (memory_check.hpp).
  double memory = 0;
  // Where the trials run: nullptr for this process's worker threads (`jobs` of them), else
  // handed out longest expected first.
  TrialDispatcher* dispatcher = nullptr;
};

class RunObserver {
 public:
  virtual ~RunObserver() = default;
  // `where`: how the trials run, "2 at a time" or "on 3 MPI ranks".
  virtual void run_started(const RunRecord& /*run*/, const std::string& /*where*/,
                           const std::filesystem::path& /*folder*/) {}
  // A search over T (run/search_rounds.hpp) starts its `round`th round (from 1).
  virtual void search_round(int /*round*/, const std::vector<TrialSpec>& /*trials*/) {}
  virtual void trial_started(const TrialSpec& /*trial*/) {}
  virtual void progress(const Progress& /*progress*/) {}
  virtual void trial_finished(const TrialSpec& /*trial*/, const TrialRecord& /*record*/) {}
};

// Hands a run's trials to other processes instead of this process's worker threads (e.g. the
// ranks of an MPI job, run/mpi_job.hpp) and returns when every one has ended or `stop` is set.
class TrialDispatcher {
 public:
  using Keep = std::function<void(const TrialSpec&, const TrialRecord&)>;
  virtual ~TrialDispatcher() = default;
  // "on 3 MPI ranks"
  virtual std::string where() const = 0;
  // Runs `trials` in this order, calling `keep` (from the calling thread) with each finished
  // one's record; a trial interrupted by `stop` has none. Its model goes to checkpoint(trial).
  virtual void run(const std::vector<const TrialSpec*>& trials,
                   const std::function<std::filesystem::path(const TrialSpec&)>& checkpoint,
                   RunObserver& observer, std::atomic<bool>& stop, const Keep& keep) = 0;
};

struct RunOutcome {
  RunRecord run;  // as the store holds it at the end
  std::filesystem::path folder;
  int failed_trials = 0;       // trials whose cell or backend threw or crashed (status failed)
  ReportFiles report;          // when asked for and written
  std::string report_failure;  // why the report could not be written; the records are kept
};

// Runs every trial of `experiment`, each in a child process: a trial whose cell or backend throws,
// aborts or crashes is stored as failed (with the exception or the signal) and the others go on.
// Throws std::runtime_error when the store cannot be opened or written.
RunOutcome run_experiment(const ExperimentSpec& experiment, const Registry& plugins,
                          const RunOptions& options, RunObserver& observer,
                          std::atomic<bool>& stop);

// A new run's id: the UTC time and the process id, "20261201-224726-4242".
std::string make_run_id();

// Runs one trial in a child process, so that a cell or backend that throws, aborts or crashes
// fails this trial only. Returns its record (status "failed" with the exception or the signal),
// or nothing when it was interrupted by `stop`.
std::optional<TrialRecord> run_isolated_trial(const TrialSpec& trial, const Registry& plugins,
                                              const std::filesystem::path& checkpoint,
                                              RunObserver& observer, std::atomic<bool>& stop);

// Where a trial's trained model is saved in its run's folder (model/checkpoint.hpp).
std::filesystem::path checkpoint_file(const std::filesystem::path& run_folder, int trial);

// Trials at once when none is asked for: as many as the cores hold, given each trial's threads,
// when `processes` run trials on this host side by side.
int automatic_jobs(const std::vector<TrialSpec>& trials, int processes = 1);

}  // namespace harness
