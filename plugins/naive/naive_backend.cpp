// The reference backend: plain loops written for clarity, one slice, one thread. Every other
// backend is tested against it.
#include <harness/plugin.hpp>

namespace {

using harness::ConstMatrixView;
using harness::MatrixView;
using harness::Transpose;

// op(M)(r, c): M(r, c), or M(c, r) when transposed.
template <class Scalar>
Scalar element(ConstMatrixView<Scalar> m, Transpose trans, int r, int c) {
  return trans == Transpose::No ? m(r, c) : m(c, r);
}

template <class Scalar>
void naive_gemm(Transpose trans_a, ConstMatrixView<Scalar> a, Transpose trans_b,
                ConstMatrixView<Scalar> b, Scalar alpha, Scalar beta, MatrixView<Scalar> c) {
  const int k_size = trans_a == Transpose::No ? a.cols : a.rows;
  for (int i = 0; i < c.rows; ++i) {
    for (int j = 0; j < c.cols; ++j) {
      Scalar sum(0);
      for (int k = 0; k < k_size; ++k) {
        sum += element(a, trans_a, i, k) * element(b, trans_b, k, j);
      }
      // beta = 0 overwrites, so whatever C held (even NaN) does not leak in.
      c(i, j) = alpha * sum + (beta == Scalar(0) ? Scalar(0) : beta * c(i, j));
    }
  }
}

class NaiveBackend final : public harness::BackendFor<NaiveBackend> {
 public:
  explicit NaiveBackend(const harness::BackendOptions& /*options: always one thread*/) {}

  template <class Scalar>
  void gemm_for(Transpose trans_a, ConstMatrixView<Scalar> a, Transpose trans_b,
                ConstMatrixView<Scalar> b, Scalar alpha, Scalar beta, MatrixView<Scalar> c) const {
    naive_gemm(trans_a, a, trans_b, b, alpha, beta, c);
  }
};

constexpr harness::BackendEntry kBackends[] = {
    {"naive", "reference: plain loops, one thread", &harness::make_backend<NaiveBackend>},
};

}  // namespace

HARNESS_PLUGIN("naive", "0.1.0", {}, kBackends)
