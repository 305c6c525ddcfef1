// A cell's backward against central finite differences of its forward, in double precision, for
// every parameter, the inputs x and the initial states h0 (and c0).
#pragma once

#include <harness/backend.hpp>
#include <harness/cell.hpp>
#include <string>
#include <vector>

#include "conformance/layer_problem.hpp"

namespace harness::conformance {

inline constexpr double kFiniteDifferenceStep = 1e-5;  // central difference step
// On |analytic − numeric| / max(1, |analytic| + |numeric|), per element.
inline constexpr double kGradientTolerance = 1e-7;

// One message per tensor whose worst element exceeds the tolerance, e.g.
//   "gradient of W_h[1,2] at X=3 H=4 B=2 T=4: backward gives 0.7443, finite differences give
//   0.7145". With `require_dependence`, a tensor the loss does not depend on at all is reported
//   too (a gradient that is zero everywhere would otherwise pass trivially).
std::vector<std::string> gradient_errors(const Cell& cell, const Backend& reference,
                                         const Shape& shape, bool require_dependence);

}  // namespace harness::conformance
