// A trial's memory, estimated before it starts from its spec alone: the parameters and their
// gradients, the optimizer's state, the model's buffers at its largest batch (training, or the
// held-out set's batches, whichever is larger: buffers only grow), and the data (the held-out set,
// a training batch, the head's gradient). What the process held before the trial (the harness,
// its plugins, a shared corpus) is not counted.
#pragma once

#include <cstddef>
#include <string>

#include "experiment/spec.hpp"
#include "registry.hpp"

namespace harness {

struct MemoryEstimate {
  double parameters = 0;  // bytes, here and below
  double optimizer = 0;
  double buffers = 0;
  double data = 0;
  double total() const { return parameters + optimizer + buffers + data; }
  // "41.2 GiB (parameters 1.0 GiB, optimizer 1.0 GiB, buffers 39 GiB, data 12 MiB)"
  std::string describe() const;
};

MemoryEstimate estimate_trial_memory(const TrialSpec& trial, const Registry& plugins);

// Multiply-adds a trial's training is expected to take, to order and balance trials by: each
// parameter used about three times (forward, backward to the input, to the weight) per row, step
// of the sequence and training step. Evaluation and the element-wise work are left out.
double expected_work(const TrialSpec& trial, const Registry& plugins);

// Bytes as people read them: "812 KiB", "12.5 MiB", "41.2 GiB".
std::string readable_bytes(double bytes);

}  // namespace harness
