// The blas backend: every GEMM is one CBLAS call (OpenBLAS, with the backend's thread count);
// the batch is one slice, so element-wise work runs on the calling thread.
#include <harness/plugin.hpp>

#include "cblas_gemm.hpp"

namespace {

using harness::ConstMatrixView;
using harness::MatrixView;
using harness::Transpose;

class BlasBackend final : public harness::Backend {
 public:
  explicit BlasBackend(const harness::BackendOptions& options) : threads_(options.threads) {}

  void gemm(Transpose ta, ConstMatrixView<float> a, Transpose tb, ConstMatrixView<float> b,
            float alpha, float beta, MatrixView<float> c) const override {
    blas::use_openblas_threads(threads_);
    blas::gemm(ta, a, tb, b, alpha, beta, c);
  }
  void gemm(Transpose ta, ConstMatrixView<double> a, Transpose tb, ConstMatrixView<double> b,
            double alpha, double beta, MatrixView<double> c) const override {
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
