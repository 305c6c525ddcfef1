// Two backends on oneDNN's sgemm, whose JIT-compiled kernels use the widest vectors the CPU has
// (AVX-512 where there is one, whatever OpenBLAS was told); double-precision GEMMs, which only the
// checks use, stay on CBLAS. They differ in how they use threads:
//
// onednn      the batch is one slice and each GEMM runs on the backend's thread count as
//             oneDNN's OpenMP team (set for the calling thread before each call). For the
//             recurrent GEMM — small in M (the batch), wide in N (the gates) — the team splits N,
//             so each thread streams its own part of W_h once per step; the element-wise work
//             between GEMMs runs on one thread.
// onednn_tbb  the tbb backend's scheme (common/tbb_slices.hpp) on this engine: batch slices as
//             TBB tasks, whole-sequence GEMMs in blocks, each call single-threaded oneDNN. Every
//             thread streams all of W_h, but the element-wise work runs on every thread too.
// Neither runs OpenMP's team beside TBB's workers: no oversubscription.
#include <dnnl.h>
#include <omp.h>

#include <harness/plugin.hpp>
#include <stdexcept>
#include <string>

#include "cblas_gemm.hpp"
#include "tbb_slices.hpp"

namespace {

using harness::ConstMatrixView;
using harness::MatrixView;
using harness::Transpose;

char flag(Transpose t) {
  return t == Transpose::No ? 'N' : 'T';
}

// C = alpha·op(A)·op(B) + beta·C on `threads` threads: float on oneDNN, double on CBLAS.
template <class Scalar>
void threaded_gemm(Transpose ta, ConstMatrixView<Scalar> a, Transpose tb, ConstMatrixView<Scalar> b,
                   Scalar alpha, Scalar beta, MatrixView<Scalar> c, int threads) {
  if constexpr (std::is_same_v<Scalar, float>) {
    if (c.rows == 0 || c.cols == 0) return;
    const int k = blas::inner_size(ta, a);
    if (k == 0) {  // no product: C = beta·C, and beta = 0 clears even NaN
      for (int r = 0; r < c.rows; ++r) {
        for (int j = 0; j < c.cols; ++j) c(r, j) = beta == 0 ? 0.0f : beta * c(r, j);
      }
      return;
    }
    omp_set_num_threads(threads);
    const dnnl_status_t status =
        dnnl_sgemm(flag(ta), flag(tb), c.rows, c.cols, k, alpha, a.data, std::max(a.ld, a.cols),
                   b.data, std::max(b.ld, b.cols), beta, c.data, c.ld);
    if (status != dnnl_success) {
      throw std::runtime_error("onednn backend: dnnl_sgemm failed with status " +
                               std::to_string(int(status)));
    }
  } else {
    blas::use_openblas_threads(threads);
    blas::gemm(ta, a, tb, b, alpha, beta, c);
  }
}

class OnednnBackend final : public harness::BackendFor<OnednnBackend> {
 public:
  explicit OnednnBackend(const harness::BackendOptions& options) : threads_(options.threads) {}

  template <class Scalar>
  void gemm_for(Transpose ta, ConstMatrixView<Scalar> a, Transpose tb, ConstMatrixView<Scalar> b,
                Scalar alpha, Scalar beta, MatrixView<Scalar> c) const {
    threaded_gemm(ta, a, tb, b, alpha, beta, c, threads_);
  }

 private:
  int threads_;
};

struct SingleThreadedOnednn {
  template <class Scalar>
  static void gemm(Transpose ta, ConstMatrixView<Scalar> a, Transpose tb, ConstMatrixView<Scalar> b,
                   Scalar alpha, Scalar beta, MatrixView<Scalar> c) {
    threaded_gemm(ta, a, tb, b, alpha, beta, c, 1);
  }
};

constexpr harness::BackendEntry kBackends[] = {
    {"onednn", "oneDNN's sgemm (JIT kernels) with OpenMP threads; double on CBLAS",
     &harness::make_backend<OnednnBackend>},
    {"onednn_tbb", "batch slices as TBB tasks, single-threaded oneDNN sgemm in each",
     &harness::make_backend<tbb_slices::SlicedBackend<SingleThreadedOnednn>>},
};

}  // namespace

HARNESS_PLUGIN("onednn", "0.2.0", {}, kBackends)
