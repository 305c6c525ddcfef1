// Layer normalisation of one row of n values (Ba et al. 2016) with a gain and a shift, forward
// (the moments; the caller fuses â with what it computes from it) and backward:
//
//   μ = mean(a),  ρ = 1 / √(mean((a − μ)²) + ε),  â = (a − μ) ⊙ ρ,  y = γ ⊙ â + β
//   ∂â = ∂y ⊙ γ,  ∂a = ρ ⊙ (∂â − mean(∂â) − â ⊙ mean(∂â ⊙ â))
#pragma once

#include <cmath>

namespace cells {

inline constexpr double kLayerNormEpsilon = 1e-5;

template <class Scalar>
struct Moments {
  Scalar mean, rho;
};

// μ and ρ of a row (two passes: the variance around the mean, not E[a²] − μ²).
template <class Scalar>
Moments<Scalar> moments(const Scalar* __restrict a, int n) {
  Scalar mean = 0;
  for (int j = 0; j < n; ++j) mean += a[j];
  mean /= Scalar(n);
  Scalar variance = 0;
  for (int j = 0; j < n; ++j) variance += (a[j] - mean) * (a[j] - mean);
  return {mean, Scalar(1) / std::sqrt(variance / Scalar(n) + Scalar(kLayerNormEpsilon))};
}

// The backward of y = γ ⊙ â + β, â = LN(a), in two passes: accumulates ∂γ += ∂y ⊙ â and
// ∂β += ∂y, overwrites ∂y with ∂â = ∂y ⊙ γ, and writes ∂a.
template <class Scalar>
void gain_shift_normalise_backward(Scalar* __restrict dy, const Scalar* __restrict a_hat,
                                   const Scalar* __restrict gamma, Scalar rho, int n,
                                   Scalar* __restrict d_gamma, Scalar* __restrict d_beta,
                                   Scalar* __restrict d_a) {
  Scalar sum = 0, sum_times_a_hat = 0;
#pragma GCC ivdep
  for (int j = 0; j < n; ++j) {
    d_gamma[j] += dy[j] * a_hat[j];
    d_beta[j] += dy[j];
    dy[j] *= gamma[j];
    sum += dy[j];
    sum_times_a_hat += dy[j] * a_hat[j];
  }
  const Scalar mean = sum / Scalar(n), mean_times_a_hat = sum_times_a_hat / Scalar(n);
#pragma GCC ivdep
  for (int j = 0; j < n; ++j) d_a[j] = rho * (dy[j] - mean - a_hat[j] * mean_times_a_hat);
}

}  // namespace cells
