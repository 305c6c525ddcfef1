// What a trial's training costs: the time spent in training steps only (not evaluation), turned
// into sequences/s, timesteps/s and GFLOP/s of model math, and the process's peak memory.
#pragma once

#include <chrono>

namespace harness {

class Throughput {
 public:
  using Clock = std::chrono::steady_clock;

  // Adds the time since `step_started` for one step of `sequences` sequences of `steps` steps,
  // whose forward pass costs `forward_flops` (the backward twice that).
  void add_step(Clock::time_point step_started, int sequences, int steps, double forward_flops);

  double sequences_per_second() const { return rate(sequences_); }
  double timesteps_per_second() const { return rate(timesteps_); }
  double gflops() const { return rate(3 * forward_flops_) / 1e9; }

 private:
  double rate(double amount) const { return seconds_ > 0 ? amount / seconds_ : 0; }
  double seconds_ = 0, sequences_ = 0, timesteps_ = 0, forward_flops_ = 0;
};

// The largest resident set of the process so far, and the resident set now, in MiB.
double peak_memory_mb();
double resident_memory_mb();

}  // namespace harness
