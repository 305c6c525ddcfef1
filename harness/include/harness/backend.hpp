// Backend: how the harness computes. A backend supplies primitives; cells supply the math.
//
// A backend author implements:
//   gemm          C = alpha · op(A) · op(B) + beta · C, in float and in double. Shapes come from
//                 the views: op(A) is (m, k), op(B) is (k, n), C is (m, n); the harness and the
//                 cells only call it with shapes that agree. beta = 0 means C is overwritten, even
//                 if it holds NaN.
//   slices        how a batch of `rows` rows is split into slices that may run concurrently. The
//                 split must depend on `rows` only, never on the thread count, so that each slice
//                 is computed the same way whatever the number of threads (a backend whose gemm
//                 does not split sums across threads then gives bitwise identical results for
//                 any thread count, as tbb does).
//   parallel_for  runs fn(0) … fn(n − 1), possibly concurrently, and returns when all are done.
//
// The harness guarantees:
//   - it runs a whole layer's time loop for one slice inside one parallel_for task; calls from
//     different tasks touch disjoint rows of every output, so gemm must be safe to call
//     concurrently on disjoint outputs;
//   - every view passed in stays valid for the duration of the call only.
// A backend object is created once per model with the thread count it should use, and is used by
// one model at a time. See BackendFor below to write gemm's two precisions as one template.
#pragma once

#include <boost/config.hpp>
#include <functional>
#include <vector>

#include "harness/tensor.hpp"

namespace harness {

enum class Transpose { No, Yes };

// Rows [first, first + count) of a batch.
struct RowRange {
  int first = 0;
  int count = 0;
};

struct BackendOptions {
  int threads = 1;  // worker threads the backend may use (>= 1)
};

class BOOST_SYMBOL_VISIBLE Backend {
 public:
  virtual ~Backend() = default;

  virtual void gemm(Transpose trans_a, ConstMatrixView<float> a, Transpose trans_b,
                    ConstMatrixView<float> b, float alpha, float beta,
                    MatrixView<float> c) const = 0;
  virtual void gemm(Transpose trans_a, ConstMatrixView<double> a, Transpose trans_b,
                    ConstMatrixView<double> b, double alpha, double beta,
                    MatrixView<double> c) const = 0;

  // Default: the whole batch is one slice.
  virtual std::vector<RowRange> slices(int rows) const { return {{0, rows}}; }

  // Default: runs the tasks one after another on the calling thread.
  virtual void parallel_for(int n, const std::function<void(int)>& fn) const {
    for (int i = 0; i < n; ++i) fn(i);
  }
};

// Implements both precisions of gemm from Derived's member template
//   template <class Scalar> void gemm_for(Transpose, ConstMatrixView<Scalar>, Transpose,
//                                         ConstMatrixView<Scalar>, Scalar alpha, Scalar beta,
//                                         MatrixView<Scalar>) const;
template <class Derived>
class BackendFor : public Backend {
 public:
  void gemm(Transpose trans_a, ConstMatrixView<float> a, Transpose trans_b,
            ConstMatrixView<float> b, float alpha, float beta, MatrixView<float> c) const final {
    self().gemm_for(trans_a, a, trans_b, b, alpha, beta, c);
  }
  void gemm(Transpose trans_a, ConstMatrixView<double> a, Transpose trans_b,
            ConstMatrixView<double> b, double alpha, double beta,
            MatrixView<double> c) const final {
    self().gemm_for(trans_a, a, trans_b, b, alpha, beta, c);
  }

 private:
  const Derived& self() const { return static_cast<const Derived&>(*this); }
};

}  // namespace harness
