#include "run/memory_check.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <limits>

namespace harness {

namespace {

// A number read from a file such as /sys/fs/cgroup/memory.max; "max" or no file: no limit.
double read_bytes(const char* file) {
  std::ifstream in(file);
  double bytes = 0;
  if (in >> bytes) return bytes;
  return std::numeric_limits<double>::infinity();
}

double mem_available() {
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  double kib = 0;
  std::string unit;
  while (meminfo >> key >> kib >> unit) {
    if (key == "MemAvailable:") return kib * 1024;
  }
  return std::numeric_limits<double>::infinity();
}

}  // namespace

double available_memory_bytes() {
  const double limit = read_bytes("/sys/fs/cgroup/memory.max");
  const double cgroup_left =
      std::isinf(limit) ? limit : limit - read_bytes("/sys/fs/cgroup/memory.current");
  return std::min(mem_available(), cgroup_left);
}

std::string memory_refusal(const MemoryEstimate& estimate, double available) {
  if (estimate.total() <= available) return "";
  return fmt::format(
      "refused before it started: it needs an estimated {}, more than the {} of memory "
      "available; make it smaller (model.hidden, training.batch, task.T, task.eval_sequences) "
      "or run it where it fits",
      estimate.describe(), readable_bytes(available));
}

bool MemoryBudget::acquire(double bytes, const std::atomic<bool>& stop) {
  std::unique_lock lock(mutex_);
  while (!(running_ == 0 || bytes <= free_)) {
    if (stop.load()) return false;
    freed_.wait_for(lock, std::chrono::milliseconds(100));
  }
  free_ -= bytes;
  ++running_;
  return true;
}

void MemoryBudget::release(double bytes) {
  {
    std::lock_guard lock(mutex_);
    free_ += bytes;
    --running_;
  }
  freed_.notify_all();
}

}  // namespace harness
