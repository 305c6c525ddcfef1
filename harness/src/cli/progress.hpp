// Progress of the running trials on stderr: on a terminal one status line redrawn in place,
// otherwise a plain line per trial every few seconds. Safe to call from several trial threads.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include "train/trial.hpp"

namespace harness::cli {

class ProgressDisplay {
 public:
  explicit ProgressDisplay(bool terminal) : terminal_(terminal) {}

  void update(const Progress& progress);
  // A line that stays (a trial started or finished); the status line is redrawn below it.
  void message(const std::string& line);
  void finished(int trial);

 private:
  void redraw_locked();
  std::string describe(const Progress& p) const;

  bool terminal_;
  std::mutex mutex_;
  std::map<int, Progress> running_;
  std::map<int, std::chrono::steady_clock::time_point> last_printed_;
  std::chrono::steady_clock::time_point last_redraw_{};
};

}  // namespace harness::cli
