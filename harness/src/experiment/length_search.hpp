// The search for a cell's critical length T*: the longest sequence length at which it solves a
// task within a fixed budget of training steps. T grows geometrically from `from` until the task
// is no longer solved, then the search bisects between the last T solved and the first not
// solved until the two are at most `resolution` apart. A T counts as solved when most of the
// seeds tried at it solved the task (strictly more than half).
#pragma once

#include <map>
#include <optional>

namespace harness {

struct LengthSearchSpec {
  int from = 10;        // the first T tried
  int max = 1000;       // the last T the growth may reach
  double growth = 2;    // T's factor from one length to the next while every one is solved
  int resolution = 10;  // the widest bracket [solved, unsolved] the search settles for
  int seeds = 3;        // trials at each T, with the same seeds at every T
};

// Whether `solved` seeds of `seeds` make a majority.
constexpr bool majority_solved(int solved, int seeds) {
  return 2 * solved > seeds;
}

// One search: one model on one task.
class LengthSearch {
 public:
  explicit LengthSearch(const LengthSearchSpec& spec) : spec_(spec), next_(spec.from) {}

  // The T to try next, or nothing once the search has ended: the bracket is no wider than the
  // resolution, `from` was not solved, or `max` was.
  std::optional<int> next() const { return next_; }

  // What the seeds showed at next(): how many of them solved the task.
  void record(int solved_seeds);

  // The bracket so far: the longest T solved (nothing when not even `from` was), the shortest
  // not solved (nothing when every T up to `max` was).
  std::optional<int> longest_solved() const { return solved_; }
  std::optional<int> shortest_unsolved() const { return unsolved_; }

  // Every T tried, with how many seeds solved it.
  const std::map<int, int>& tried() const { return tried_; }

 private:
  LengthSearchSpec spec_;
  std::optional<int> next_, solved_, unsolved_;
  std::map<int, int> tried_;
};

}  // namespace harness
