// The tbb backend: the batch is split into slices whose time loops run as TBB tasks, each with
// single-threaded OpenBLAS (so OpenBLAS's own threads never compete with TBB's), and large GEMMs
// (the whole-sequence ones) are split into blocks computed as tasks too (common/tbb_slices.hpp).
#include <harness/plugin.hpp>

#include "cblas_gemm.hpp"
#include "tbb_slices.hpp"

namespace {

struct SingleThreadedOpenblas {
  template <class Scalar>
  static void gemm(harness::Transpose ta, harness::ConstMatrixView<Scalar> a, harness::Transpose tb,
                   harness::ConstMatrixView<Scalar> b, Scalar alpha, Scalar beta,
                   harness::MatrixView<Scalar> c) {
    blas::use_openblas_threads(1);
    blas::gemm(ta, a, tb, b, alpha, beta, c);
  }
};

constexpr harness::BackendEntry kBackends[] = {
    {"tbb", "batch slices as TBB tasks, single-threaded OpenBLAS in each",
     &harness::make_backend<tbb_slices::SlicedBackend<SingleThreadedOpenblas>>},
};

}  // namespace

HARNESS_PLUGIN("tbb", "0.1.0", {}, kBackends)
