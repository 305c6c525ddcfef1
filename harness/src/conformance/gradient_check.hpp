// A cell's backward against central finite differences of its forward, in double precision, for
// every parameter, the inputs x and the initial states h0 (and c0).
#pragma once

#include <functional>
#include <harness/backend.hpp>
#include <harness/cell.hpp>
#include <span>
#include <string>
#include <vector>

#include "conformance/layer_problem.hpp"

namespace harness::conformance {

inline constexpr double kFiniteDifferenceStep = 1e-5;  // central difference step
// On |analytic − numeric| / max(1, |analytic| + |numeric|), per element.
inline constexpr double kGradientTolerance = 1e-7;

// One tensor's analytic gradient against central differences (L(v + ε) − L(v − ε)) / 2ε of
// `loss`, element by element; `values` is perturbed in place and restored.
struct FiniteDifferenceComparison {
  double worst_error = 0;  // the largest error, or NaN if any element's is NaN
  std::size_t worst_index = 0;
  double analytic = 0, numeric = 0;  // at worst_index
  double numeric_norm = 0;  // ‖finite differences‖: does the loss depend on the tensor?
  // False for a NaN error: a NaN gradient never passes.
  bool within(double tolerance) const { return worst_error <= tolerance; }
};
FiniteDifferenceComparison compare_with_finite_differences(std::span<double> values,
                                                           std::span<const double> analytic,
                                                           const std::function<double()>& loss);

// One message per tensor whose worst element exceeds the tolerance, e.g.
//   "gradient of W_h[1,2] at X=3 H=4 B=2 T=4: backward gives 0.7443, finite differences give
//   0.7145". With `require_dependence`, a tensor the loss does not depend on at all is reported
//   too (a gradient that is zero everywhere would otherwise pass trivially).
std::vector<std::string> gradient_errors(const Cell& cell, const Backend& reference,
                                         const Shape& shape, bool require_dependence);

}  // namespace harness::conformance
