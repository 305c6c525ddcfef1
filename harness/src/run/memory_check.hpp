// Trials checked against the machine's memory before they start: a trial whose estimate
// (train/memory_estimate.hpp) exceeds the memory available is refused with both figures, and
// trials that fit alone start only while the estimates of those running beside them still fit.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>

#include "train/memory_estimate.hpp"

namespace harness {

// The memory a run may use now: the kernel's MemAvailable, or what the process's cgroup limit
// leaves, whichever is smaller; bytes.
double available_memory_bytes();

// Why a trial of this estimate cannot run in `available` bytes, with both figures; "" when it
// fits.
std::string memory_refusal(const MemoryEstimate& estimate, double available);

// Memory shared by the trials running at once: a trial waits until its estimate fits beside
// theirs, or until none runs (a trial that fits alone always starts), or until `stop`.
class MemoryBudget {
 public:
  explicit MemoryBudget(double available) : free_(available) {}
  // False when stopped while waiting.
  bool acquire(double bytes, const std::atomic<bool>& stop);
  void release(double bytes);

 private:
  std::mutex mutex_;
  std::condition_variable freed_;
  double free_;
  int running_ = 0;
};

}  // namespace harness
