#include "train/throughput.hpp"

#include <sys/resource.h>

namespace harness {

void Throughput::add_step(Clock::time_point step_started, int sequences, int steps,
                          double forward_flops) {
  seconds_ += std::chrono::duration<double>(Clock::now() - step_started).count();
  sequences_ += sequences;
  timesteps_ += double(sequences) * steps;
  forward_flops_ += forward_flops;
}

double peak_memory_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return double(usage.ru_maxrss) / 1024.0;
}

}  // namespace harness
