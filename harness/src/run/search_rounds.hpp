// An experiment's searches over T (experiment/length_search.hpp), one per model and task, run in
// rounds: each round tries every unfinished search's next T with all its seeds, and what the
// round's trials showed decides the next one. A search's trials keep its first round's seeds at
// every T, and trials are numbered on from round to round, so the same results always give the
// same trials (a resumed run finds its stored ones again).
#pragma once

#include <set>
#include <vector>

#include "experiment/length_search.hpp"
#include "experiment/spec.hpp"

namespace harness {

class SearchRounds {
 public:
  // `experiment.search` must be set; its trials are the first round.
  explicit SearchRounds(const ExperimentSpec& experiment);

  // The round to run next, numbered on from the last; empty once every search has ended.
  // After the first, a round comes only once the one before was recorded.
  std::vector<TrialSpec> next_round();

  // What the round's trials showed: `solved` holds those of them that solved the task.
  void record(const std::vector<TrialSpec>& round, const std::set<int>& solved);

  bool ended() const;
  int rounds() const { return rounds_; }

 private:
  struct Search {
    std::vector<TrialSpec> seeds;  // its first round's trials, one per seed
    LengthSearch lengths;
  };
  std::vector<Search> searches_;
  int next_index_ = 0;
  int rounds_ = 0;
};

}  // namespace harness
