// A backend's primitives against the naive reference and against what the SDK promises
// (harness/backend.hpp): gemm in both precisions, the batch split, parallel_for, and gemm called
// concurrently on disjoint outputs.
#pragma once

#include <harness/backend.hpp>
#include <string>
#include <vector>

#include "registry.hpp"

namespace harness::conformance {

// Every gemm case: op(A), op(B) in all four combinations, shapes from 1×1×1 to sizes that are
// not multiples of any vector width, alpha and beta including beta = 0 over a C full of NaN, and
// views whose rows are padded (ld > cols) so that a write outside C is seen. One message per
// failing case, naming the precision, the operation, alpha, beta and the shape m, n, k.
template <class Scalar>
std::vector<std::string> gemm_errors(const Backend& backend, const Backend& reference);

// slices(rows) covers [0, rows) with non-empty ranges in order, and the same ranges whatever the
// backend's thread count.
std::vector<std::string> slices_errors(const Registry& plugins, const std::string& backend);

// parallel_for(n, fn) runs fn(0) … fn(n − 1) exactly once each before it returns.
std::vector<std::string> parallel_for_errors(const Backend& backend);

// gemm called at once from several threads, and from inside the backend's own parallel_for, on
// disjoint blocks of rows of one C, gives the reference's results.
std::vector<std::string> concurrency_errors(const Backend& backend, const Backend& reference);

extern template std::vector<std::string> gemm_errors<float>(const Backend&, const Backend&);
extern template std::vector<std::string> gemm_errors<double>(const Backend&, const Backend&);

}  // namespace harness::conformance
