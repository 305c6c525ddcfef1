// Small statistics the summaries share.
#pragma once

#include <algorithm>
#include <vector>

namespace harness {

// The middle value (the mean of the two middle ones for an even count); `values` not empty.
inline double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

}  // namespace harness
