// The blas backend: every GEMM is one CBLAS call (OpenBLAS, with the backend's thread count);
// the batch is one slice, so element-wise work runs on the calling thread.
#include <harness/plugin.hpp>

#include "cblas_gemm.hpp"

namespace {

using harness::ConstMatrixView;
using harness::MatrixView;
using harness::Transpose;

class BlasBackend final : public harness::BackendFor<BlasBackend> {
 public:
  explicit BlasBackend(const harness::BackendOptions& options) : threads_(options.threads) {}

  template <class Scalar>
  void gemm_for(Transpose ta, ConstMatrixView<Scalar> a, Transpose tb, ConstMatrixView<Scalar> b,
                Scalar alpha, Scalar beta, MatrixView<Scalar> c) const {
    blas::use_openblas_threads(threads_);
    blas::gemm(ta, a, tb, b, alpha, beta, c);
  }

 private:
  int threads_;
};

constexpr harness::BackendEntry kBackends[] = {
    {"blas", "CBLAS GEMM (OpenBLAS) with OpenBLAS's own threads",
     &harness::make_backend<BlasBackend>},
};

}  // namespace

HARNESS_PLUGIN("blas", "0.1.0", {}, kBackends)
