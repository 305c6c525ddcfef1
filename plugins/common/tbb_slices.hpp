// A backend that runs the batch as slices of TBB tasks and splits large GEMMs into blocks computed
// as tasks too, each block one single-threaded call of an Engine:
//   struct Engine {
//     template <class Scalar> static void gemm(Transpose, ConstMatrixView<Scalar>, Transpose,
//                                              ConstMatrixView<Scalar>, Scalar alpha,
//                                              Scalar beta, MatrixView<Scalar>);  // one thread
//   };
// The tbb backend's engine is OpenBLAS, onednn_tbb's is oneDNN's sgemm. The engine's own threads
// are never used, so TBB's workers are the only ones: no oversubscription.
//
// Every split depends on shapes only, never on the thread count, and partial results are combined
// in a fixed order, so results are bitwise identical whatever the number of threads.
#pragma once

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <harness/backend.hpp>
#include <vector>

#include "cblas_gemm.hpp"

namespace tbb_slices {

// A GEMM below this many floating-point operations runs as one call.
constexpr double kSplitFlops = 8e6;
constexpr double kFlopsPerBlock = 4e6;
constexpr int kMaxBlocks = 16;
constexpr int kBlockAlignment = 16;  // block edges at multiples of this many rows or columns

// Batch rows per slice: enough for an efficient recurrent GEMM, and at least two slices once there
// are 16 rows, so two threads always have work.
constexpr int kSliceRows = 32;
constexpr int kMinSliceRows = 8;

// [0, count) split into `parts` nearly equal ranges aligned to `alignment`.
inline std::vector<harness::RowRange> split(int count, int parts, int alignment) {
  std::vector<harness::RowRange> ranges;
  const int units = (count + alignment - 1) / alignment;
  parts = std::clamp(parts, 1, std::max(units, 1));
  int first = 0;
  for (int p = 0; p < parts; ++p) {
    const int end = std::min(count, (units * (p + 1) / parts) * alignment);
    ranges.push_back({first, end - first});
    first = end;
  }
  return ranges;
}

template <class Engine>
class SlicedBackend final : public harness::BackendFor<SlicedBackend<Engine>> {
 public:
  explicit SlicedBackend(const harness::BackendOptions& options) : arena_(options.threads) {}

  // C in blocks of rows (when C is taller than wide) or columns, each block one engine call.
  template <class Scalar>
  void gemm_for(harness::Transpose ta, harness::ConstMatrixView<Scalar> a, harness::Transpose tb,
                harness::ConstMatrixView<Scalar> b, Scalar alpha, Scalar beta,
                harness::MatrixView<Scalar> c) const {
    const double flops = 2.0 * c.rows * c.cols * blas::inner_size(ta, a);
    if (flops < kSplitFlops) return Engine::gemm(ta, a, tb, b, alpha, beta, c);

    const int parts = std::min(kMaxBlocks, static_cast<int>(flops / kFlopsPerBlock));
    const bool by_rows = c.rows >= c.cols;
    const auto blocks = split(by_rows ? c.rows : c.cols, parts, kBlockAlignment);
    parallel_for(static_cast<int>(blocks.size()), [&](int i) {
      const auto [first, count] = blocks[i];
      if (by_rows) {
        // rows of C come from rows of op(A)
        const auto a_block =
            ta == harness::Transpose::No ? a.row_block(first, count) : a.col_block(first, count);
        Engine::gemm(ta, a_block, tb, b, alpha, beta, c.row_block(first, count));
      } else {
        // columns of C come from columns of op(B)
        const auto b_block =
            tb == harness::Transpose::No ? b.col_block(first, count) : b.row_block(first, count);
        Engine::gemm(ta, a, tb, b_block, alpha, beta, c.col_block(first, count));
      }
    });
  }

  std::vector<harness::RowRange> slices(int rows) const override {
    const int parts = std::max(rows / kSliceRows, std::min(2, rows / kMinSliceRows));
    return split(rows, parts, 1);
  }

  void parallel_for(int n, const std::function<void(int)>& fn) const override {
    arena_.execute([&] {
      tbb::parallel_for(
          tbb::blocked_range<int>(0, n, 1),
          [&](const tbb::blocked_range<int>& range) {
            for (int i = range.begin(); i != range.end(); ++i) fn(i);
          },
          tbb::simple_partitioner());
    });
  }

 private:
  mutable tbb::task_arena arena_;
};

}  // namespace tbb_slices
