#include "experiment/length_search.hpp"

#include <algorithm>
#include <cmath>

namespace harness {

void LengthSearch::record(int solved_seeds) {
  const int length = next_.value();
  tried_[length] = solved_seeds;
  (majority_solved(solved_seeds, spec_.seeds) ? solved_ : unsolved_) = length;
  if (!unsolved_) {  // still growing
    const int grown = static_cast<int>(std::ceil(length * spec_.growth));
    next_ = length >= spec_.max ? std::nullopt
                                : std::optional(std::min(spec_.max, std::max(length + 1, grown)));
  } else if (!solved_ || *unsolved_ - *solved_ <= spec_.resolution) {
    next_.reset();
  } else {  // bisecting: every T tried so far is either ≤ solved_ or ≥ unsolved_
    next_ = *solved_ + (*unsolved_ - *solved_) / 2;
  }
}

}  // namespace harness
