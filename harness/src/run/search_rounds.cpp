#include "run/search_rounds.hpp"

#include <algorithm>

namespace harness {

SearchRounds::SearchRounds(const ExperimentSpec& experiment) {
  const int seeds = experiment.search.value().seeds;
  for (std::size_t first = 0; first < experiment.trials.size(); first += seeds) {
    const auto begin = experiment.trials.begin() + static_cast<std::ptrdiff_t>(first);
    searches_.push_back({{begin, begin + seeds}, LengthSearch(*experiment.search)});
  }
}

std::vector<TrialSpec> SearchRounds::next_round() {
  std::vector<TrialSpec> round;
  for (const Search& search : searches_) {
    const auto length = search.lengths.next();
    if (!length) continue;
    for (TrialSpec trial : search.seeds) {
      trial.task.length = *length;
      trial.index = next_index_++;
      round.push_back(std::move(trial));
    }
  }
  if (!round.empty()) ++rounds_;
  return round;
}

void SearchRounds::record(const std::vector<TrialSpec>& round, const std::set<int>& solved) {
  auto trial = round.begin();
  for (Search& search : searches_) {
    if (!search.lengths.next()) continue;
    const auto seeds = static_cast<std::ptrdiff_t>(search.seeds.size());
    const int solved_seeds = static_cast<int>(std::count_if(
        trial, trial + seeds, [&](const TrialSpec& t) { return solved.contains(t.index); }));
    search.lengths.record(solved_seeds);
    trial += seeds;
  }
}

bool SearchRounds::ended() const {
  return std::none_of(searches_.begin(), searches_.end(),
                      [](const Search& s) { return s.lengths.next().has_value(); });
}

}  // namespace harness
