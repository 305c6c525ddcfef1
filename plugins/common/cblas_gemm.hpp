// The SDK's gemm on CBLAS (OpenBLAS), shared by the blas and tbb backends.
#pragma once

#include <cblas.h>

#include <algorithm>
#include <harness/backend.hpp>
#include <type_traits>

namespace blas {

inline CBLAS_TRANSPOSE cblas_transpose(harness::Transpose t) {
  return t == harness::Transpose::No ? CblasNoTrans : CblasTrans;
}

inline int inner_size(harness::Transpose trans_a, const auto& a) {
  return trans_a == harness::Transpose::No ? a.cols : a.rows;
}

// C = alpha·op(A)·op(B) + beta·C in float (sgemm) or double (dgemm).
template <class Scalar>
void gemm(harness::Transpose ta, harness::ConstMatrixView<Scalar> a, harness::Transpose tb,
          harness::ConstMatrixView<Scalar> b, Scalar alpha, Scalar beta,
          harness::MatrixView<Scalar> c) {
  if (c.rows == 0 || c.cols == 0) return;
  const auto cblas_gemm = [] {
    if constexpr (std::is_same_v<Scalar, float>)
      return &cblas_sgemm;
    else
      return &cblas_dgemm;
  }();
  cblas_gemm(CblasRowMajor, cblas_transpose(ta), cblas_transpose(tb), c.rows, c.cols,
             inner_size(ta, a), alpha, a.data, std::max(a.ld, 1), b.data, std::max(b.ld, 1), beta,
             c.data, c.ld);
}

// OpenBLAS's thread count is process-wide: each backend sets the count it needs before it calls
// into OpenBLAS (a no-op when it is already right).
inline void use_openblas_threads(int threads) {
  if (openblas_get_num_threads() != threads) openblas_set_num_threads(threads);
}

}  // namespace blas
