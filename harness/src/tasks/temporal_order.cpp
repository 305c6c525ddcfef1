#include "tasks/temporal_order.hpp"

#include <algorithm>
#include <cmath>

namespace harness {

const TaskKind kTemporalOrderTask{.name = "temporal_order",
                                  .min_length = 10,  // room for its two windows, 0.1·T … 0.6·T
                                  .make = [](const TaskSpec& spec) -> std::unique_ptr<Task> {
                                    return std::make_unique<TemporalOrderTask>(spec.length);
                                  }};

namespace {
// [⌊a·T⌋, ⌊b·T⌋), at least one step wide.
std::pair<int, int> window(int T, double a, double b) {
  const int first = static_cast<int>(a * T);
  return {first, std::max(first + 1, static_cast<int>(b * T))};
}
}  // namespace

std::pair<int, int> TemporalOrderTask::first_window() const {
  return window(length_, 0.1, 0.2);
}
std::pair<int, int> TemporalOrderTask::second_window() const {
  return window(length_, 0.5, 0.6);
}

double TemporalOrderTask::chance_loss() const {
  return std::log(4.0);
}

void TemporalOrderTask::sample(std::mt19937_64& rng, int batch, Batch& out) const {
  std::uniform_int_distribution<int> distractor(2, 5), relevant(0, 1);
  const auto [a0, a1] = first_window();
  const auto [b0, b1] = second_window();
  std::uniform_int_distribution<int> first(a0, a1 - 1), second(b0, b1 - 1);
  out.size = batch;
  out.steps = steps();
  out.inputs.resize(length_ * batch, 6);
  out.inputs.fill(0.0f);
  out.values.clear();
  out.classes.assign(batch, 0);
  for (int b = 0; b < batch; ++b) {
    std::vector<int> symbols(length_);
    for (auto& s : symbols) s = distractor(rng);
    const int x = relevant(rng), y = relevant(rng);  // 0 = A, 1 = B
    symbols[first(rng)] = x;
    symbols[second(rng)] = y;
    for (int t = 0; t < length_; ++t) out.inputs(t * batch + b, symbols[t]) = 1.0f;
    out.classes[b] = 2 * x + y;  // AA, AB, BA, BB
  }
}

}  // namespace harness
