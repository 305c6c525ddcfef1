// The conformance suite behind `harness check`: every check a cell or backend plugin must pass
// before its results can be trusted, run against the naive reference backend.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "conformance/check_result.hpp"
#include "registry.hpp"

namespace harness::conformance {

// The cells and backends under test. Every pair of a cell and a backend where either is under
// test is checked together; the other loaded cells and backends serve as partners.
struct Subjects {
  std::vector<std::string> cells;
  std::vector<std::string> backends;
};

struct SuiteOptions {
  // Each check runs in a child process, so that a crash, an abort or a hang in plugin code fails
  // that check (with the signal and what the check was doing) and the others still run.
  bool isolate = true;
  std::chrono::seconds timeout{900};  // per check, when isolated
};

// Runs every check, calling `report` as each one completes. Throws PluginError when the naive
// reference backend is not loaded.
void run_suite(const Registry& plugins, const Subjects& subjects, const SuiteOptions& options,
               const std::function<void(const CheckResult&)>& report);

}  // namespace harness::conformance
