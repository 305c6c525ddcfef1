// Layer normalisation of one row of n values (Ba et al. 2016), forward and backward:
//
//   μ = mean(a),  ρ = 1 / √(mean((a − μ)²) + ε),  â = (a − μ) ⊙ ρ
//   ∂a = ρ ⊙ (∂â − mean(∂â) − â ⊙ mean(∂â ⊙ â))
//
// The gain and shift (y = γ ⊙ â + β) are the caller's: they are element-wise.
#pragma once

#include <cmath>

namespace cells {

inline constexpr double kLayerNormEpsilon = 1e-5;

// Writes â and returns ρ.
template <class Scalar>
Scalar normalise(const Scalar* __restrict a, int n, Scalar* __restrict a_hat) {
  Scalar mean = 0;
  for (int j = 0; j < n; ++j) mean += a[j];
  mean /= Scalar(n);
  Scalar variance = 0;
  for (int j = 0; j < n; ++j) variance += (a[j] - mean) * (a[j] - mean);
  const Scalar rho = Scalar(1) / std::sqrt(variance / Scalar(n) + Scalar(kLayerNormEpsilon));
  for (int j = 0; j < n; ++j) a_hat[j] = (a[j] - mean) * rho;
  return rho;
}

// Writes ∂a from ∂â, â and ρ (∂a may alias ∂â).
template <class Scalar>
void normalise_backward(const Scalar* d_a_hat, const Scalar* __restrict a_hat, Scalar rho, int n,
                        Scalar* d_a) {
  Scalar mean_d = 0, mean_d_a_hat = 0;
  for (int j = 0; j < n; ++j) {
    mean_d += d_a_hat[j];
    mean_d_a_hat += d_a_hat[j] * a_hat[j];
  }
  mean_d /= Scalar(n);
  mean_d_a_hat /= Scalar(n);
  for (int j = 0; j < n; ++j) d_a[j] = rho * (d_a_hat[j] - mean_d - a_hat[j] * mean_d_a_hat);
}

}  // namespace cells
