// The order trials are handed out in and the parts a sweep is split into, both from each trial's
// expected work (memory_estimate.hpp): a queue of workers takes the longest trials first, so that
// no long trial starts last and keeps the others waiting; --shard I/N gives each of N jobs a part
// of nearly equal work, whatever the grid's order.
#pragma once

#include <string>
#include <vector>

#include "experiment/spec.hpp"
#include "registry.hpp"

namespace harness {

// The I-th of N parts of a sweep, counted from 1 as schedulers count array tasks.
struct Shard {
  int index = 0;
  int count = 0;  // 0: the whole sweep
  bool whole() const { return count == 0; }
  std::string text() const;                     // "2/3", or "" for the whole sweep
  static Shard parse(const std::string& text);  // "2/3"; throws ConfigError saying what is wrong
};

// Positions in `trials`, the most expected work first (ties in grid order).
std::vector<std::size_t> longest_first(const std::vector<TrialSpec>& trials,
                                       const Registry& plugins);

// The trials of `shard`, in grid order: each trial goes, longest first, to the part with the
// least work so far (the same split on every machine for the same experiment).
std::vector<TrialSpec> shard_trials(const std::vector<TrialSpec>& trials, const Registry& plugins,
                                    Shard shard);

}  // namespace harness
