#include "train/throughput.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <fstream>

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

double resident_memory_mb() {
  std::ifstream statm("/proc/self/statm");  // sizes in pages: total, then resident
  double total = 0, resident = 0;
  statm >> total >> resident;
  return resident * double(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

}  // namespace harness
