// A backend with the plainest possible GEMM, blocked so that a tile of A, B and C stays in cache.
// One thread; the batch is one slice and parallel_for runs tasks in order (the SDK's defaults).
#include <harness/plugin.hpp>

#include <algorithm>

namespace {

using harness::ConstMatrixView;
using harness::MatrixView;
using harness::Transpose;

constexpr int kTile = 64;

// op(M)(r, c): M(r, c), or M(c, r) when transposed.
template <class Scalar>
Scalar op(ConstMatrixView<Scalar> m, Transpose t, int r, int c) {
  return t == Transpose::No ? m(r, c) : m(c, r);
}

// C = beta · C, where beta = 0 overwrites C even when it holds NaN.
template <class Scalar>
void scale(MatrixView<Scalar> c, Scalar beta) {
  for (int i = 0; i < c.rows; ++i) {
    for (int j = 0; j < c.cols; ++j) c(i, j) = beta == Scalar(0) ? Scalar(0) : beta * c(i, j);
  }
}

// C = alpha · op(A) · op(B) + beta · C, tile by tile.
template <class Scalar>
void blocked_gemm(Transpose ta, ConstMatrixView<Scalar> a, Transpose tb, ConstMatrixView<Scalar> b,
                  Scalar alpha, Scalar beta, MatrixView<Scalar> c) {
  const int K = ta == Transpose::No ? a.cols : a.rows;
  scale(c, beta);
  for (int i0 = 0; i0 < c.rows; i0 += kTile) {
    for (int k0 = 0; k0 < K; k0 += kTile) {
      for (int j0 = 0; j0 < c.cols; j0 += kTile) {
        for (int i = i0; i < std::min(i0 + kTile, c.rows); ++i) {
          for (int k = k0; k < std::min(k0 + kTile, K); ++k) {
            const Scalar a_ik = alpha * op(a, ta, i, k);
            for (int j = j0; j < std::min(j0 + kTile, c.cols); ++j)
              c(i, j) += a_ik * op(b, tb, k, j);
          }
        }
      }
    }
  }
}

class BlockedBackend final : public harness::BackendFor<BlockedBackend> {
 public:
  explicit BlockedBackend(const harness::BackendOptions& /*options: always one thread*/) {}

  template <class Scalar>
  void gemm_for(Transpose ta, ConstMatrixView<Scalar> a, Transpose tb, ConstMatrixView<Scalar> b,
                Scalar alpha, Scalar beta, MatrixView<Scalar> c) const {
    blocked_gemm(ta, a, tb, b, alpha, beta, c);
  }
};

constexpr harness::BackendEntry kBackends[] = {
    {"blocked", "naive GEMM in 64×64 tiles, one thread", &harness::make_backend<BlockedBackend>},
};

}  // namespace

HARNESS_PLUGIN("blocked", "1.0.0", {}, kBackends)
