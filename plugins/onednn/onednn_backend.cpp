// The onednn backend: every float GEMM is one call of oneDNN's dnnl_sgemm, whose JIT-compiled
// kernels use the widest vectors the CPU has (AVX-512 where there is one, whatever OpenBLAS was
// told); double-precision GEMMs, which only the checks use, stay on CBLAS.
//
// Threads: Debian's oneDNN parallelises with OpenMP. The batch is one slice and each GEMM runs
// on the backend's thread count (set for the calling thread before each call), so the harness
// never runs its own parallel slices beside OpenMP's team: no oversubscription, and for the
// recurrent GEMM — small in M (the batch), wide in N (the gates) — splitting N across threads
// means each thread streams its own part of W_h once per step, where splitting the batch into
// slices would make every thread stream all of it.
#include <dnnl.h>
#include <omp.h>

#include <harness/plugin.hpp>
#include <stdexcept>
#include <string>

#include "cblas_gemm.hpp"

namespace {

using harness::ConstMatrixView;
using harness::MatrixView;
using harness::Transpose;

char flag(Transpose t) {
  return t == Transpose::No ? 'N' : 'T';
}

class OnednnBackend final : public harness::BackendFor<OnednnBackend> {
 public:
  explicit OnednnBackend(const harness::BackendOptions& options) : threads_(options.threads) {}

  template <class Scalar>
  void gemm_for(Transpose ta, ConstMatrixView<Scalar> a, Transpose tb, ConstMatrixView<Scalar> b,
                Scalar alpha, Scalar beta, MatrixView<Scalar> c) const {
    if constexpr (std::is_same_v<Scalar, float>) {
      if (c.rows == 0 || c.cols == 0) return;
      const int k = blas::inner_size(ta, a);
      if (k == 0) {  // no product: C = beta·C, and beta = 0 clears even NaN
        for (int r = 0; r < c.rows; ++r) {
          for (int j = 0; j < c.cols; ++j) c(r, j) = beta == 0 ? 0.0f : beta * c(r, j);
        }
        return;
      }
      omp_set_num_threads(threads_);
      const dnnl_status_t status =
          dnnl_sgemm(flag(ta), flag(tb), c.rows, c.cols, k, alpha, a.data, std::max(a.ld, a.cols),
                     b.data, std::max(b.ld, b.cols), beta, c.data, c.ld);
      if (status != dnnl_success) {
        throw std::runtime_error("onednn backend: dnnl_sgemm failed with status " +
                                 std::to_string(int(status)));
      }
    } else {
      blas::use_openblas_threads(threads_);
      blas::gemm(ta, a, tb, b, alpha, beta, c);
    }
  }

 private:
  int threads_;
};

constexpr harness::BackendEntry kBackends[] = {
    {"onednn", "oneDNN's sgemm (JIT kernels) with OpenMP threads; double on CBLAS",
     &harness::make_backend<OnednnBackend>},
};

}  // namespace

HARNESS_PLUGIN("onednn", "0.1.0", {}, kBackends)
