// The results store: one SQLite database holding every run. Tables (long rows; wide tables are
// derived at export time):
//   runs          run_id, experiment, file, started, finished, status (running | complete |
//                 incomplete), environment (JSON), experiment_yaml (as run, --set applied)
//   trials        run_id, trial, status, note, spec (JSON), summary (JSON)
//   metrics       run_id, trial, step, metric, value
//   grad_profile  run_id, trial, phase (init | final), t, norm
// A run left "running" ended without saying so (killed); its finished trials are all there.
#pragma once

#include <memory>
#include <string>

#include "train/trial.hpp"

struct sqlite3;

namespace harness {

class ResultsStore {
 public:
  // Opens or creates the database (and its folder). Throws std::runtime_error naming the file.
  explicit ResultsStore(const std::string& path);
  ~ResultsStore();
  ResultsStore(const ResultsStore&) = delete;
  ResultsStore& operator=(const ResultsStore&) = delete;

  void begin_run(const std::string& run_id, const std::string& experiment, const std::string& file,
                 const std::string& environment_json, const std::string& experiment_yaml);
  // Stores one finished trial atomically.
  void add_trial(const std::string& run_id, const TrialResult& result);
  void finish_run(const std::string& run_id, const std::string& status);

  const std::string& path() const { return path_; }

 private:
  void execute(const std::string& sql);
  std::string path_;
  sqlite3* db_ = nullptr;
};

}  // namespace harness
