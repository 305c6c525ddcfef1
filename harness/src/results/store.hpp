// The results store: one SQLite database holding every run, in long rows (schema version 4; a
// store of version 2 or 3 gains the columns it lacks when opened):
//   environments  id (SHA-256 of the JSON, 16 hex digits), json: what runs ran on
//   runs          run_id, experiment, file, started, finished, status (running | complete |
//                 incomplete), environment (id), experiment_yaml (as run, --set applied),
//                 trials_planned, experiment_sha256 (of the experiment file, to resume),
//                 shard ("2/3" for the second of three parts of the sweep, else empty)
//   trials        run_id, trial, seed, status, message, criterion, environment (id), spec (the
//                 complete spec as JSON)
//   metrics       run_id, trial, step, metric, value   (names: metric_names.hpp)
//   grad_profile  run_id, trial, phase (init | final), t, norm
//   samples       run_id, trial, seed, text: what a trained language model wrote
// A run left "running" ended without saying so (killed); its finished trials are all there.
// Several processes may write one store at once: it is in write-ahead-log mode, writers take the
// lock before they read and wait for it (busy timeout), and a trial's rows are one transaction.
#pragma once

#include <string>
#include <vector>

#include "results/record.hpp"

struct sqlite3;

namespace harness {

class ResultsStore {
 public:
  // Opens or creates the database (and its folder). Throws std::runtime_error naming the file,
  // also when it was written by another version of the harness's schema.
  explicit ResultsStore(const std::string& path);
  ~ResultsStore();
  ResultsStore(const ResultsStore&) = delete;
  ResultsStore& operator=(const ResultsStore&) = delete;

  // Starts a run: `run` gives its id, experiment, file, environment, YAML and planned trials.
  void begin_run(const RunRecord& run);
  // Stores one finished trial of a run atomically, in the environment its record names (one
  // add_environment stored) or else in the run's.
  void add_trial(const std::string& run_id, const TrialRecord& trial);
  // Stores an environment's JSON (once) and returns its id.
  std::string add_environment(const std::string& json);
  // The JSON of a stored environment, by id ("" when there is none).
  std::string environment(const std::string& id) const;
  // Every run's id, oldest first.
  std::vector<std::string> run_ids() const;
  void finish_run(const std::string& run_id, const std::string& status);
  // Marks a run running again, to go on with its missing trials.
  void resume_run(const std::string& run_id);
  // Removes a trial's record (to run it again).
  void remove_trial(const std::string& run_id, int trial);
  // A search over T plans its trials round by round.
  void set_trials_planned(const std::string& run_id, int trials);

  // The run with its finished trials, by trial number. Throws std::runtime_error when the store
  // has no such run.
  RunRecord load_run(const std::string& run_id) const;

  const std::string& path() const { return path_; }

 private:
  void execute(const std::string& sql) const;
  std::string path_;
  sqlite3* db_ = nullptr;
};

}  // namespace harness
