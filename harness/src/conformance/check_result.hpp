// One line of a conformance report: what was checked on which cell or backend, and every way it
// failed. Each failure is a complete sentence naming the tensor, element or shape concerned.
#pragma once

#include <string>
#include <vector>

namespace harness::conformance {

struct CheckResult {
  std::string subject;  // "cell mgu", "backend blocked", "cell mgu on backend blas"
  std::string check;    // what was checked, e.g. "gradients match finite differences"
  std::string scope;    // what it covered, e.g. "4 shapes"
  std::vector<std::string> failures;

  bool passed() const { return failures.empty(); }
};

// Adds the failures of one part of a check to those gathered so far.
inline void append(std::vector<std::string>& failures, std::vector<std::string> more) {
  for (auto& failure : more) failures.push_back(std::move(failure));
}

}  // namespace harness::conformance
