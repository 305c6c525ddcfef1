// A cell on a backend, driven through time by the harness's layer, against the naive reference.
#pragma once

#include <harness/backend.hpp>
#include <harness/cell.hpp>
#include <string>
#include <vector>

#include "conformance/layer_problem.hpp"
#include "registry.hpp"

namespace harness::conformance {

// Tolerances, per tensor, on max |actual − reference| / max(1, max |reference|):
inline constexpr double kDoubleAgreement = 1e-11;  // double vs naive in double: summation order
inline constexpr double kFloatAgreement = 2e-4;    // float vs naive in double: float rounding

// The shapes every check covers: the degenerate (B = 1, H = 1, T = 1), widths that are not
// multiples of any vector width, and sizes large enough for a parallel backend to split its work
// by batch rows, by GEMM rows and by GEMM columns.
const std::vector<Shape>& agreement_shapes();

// Outputs, final states and every gradient of `cell` on `backend` with 1 and 2 threads, in double
// and in float, against `cell` on `reference` in double, over agreement_shapes(). One message per
// mismatching tensor, naming the shape, precision and thread count.
std::vector<std::string> agreement_errors(const Registry& plugins, const Cell& cell,
                                          const std::string& backend, const Backend& reference);

// With 1 and with 2 threads, the same problem gives bitwise identical results when repeated and
// when the layer's buffers hold an earlier problem's values.
std::vector<std::string> determinism_errors(const Registry& plugins, const Cell& cell,
                                            const std::string& backend);

// The same problem gives bitwise identical results with 1 and 2 threads: what a backend whose
// gemm does not split sums across threads (tbb) promises, beyond the SDK's requirements.
std::vector<std::string> thread_count_errors(const Registry& plugins, const Cell& cell,
                                             const std::string& backend);

}  // namespace harness::conformance
