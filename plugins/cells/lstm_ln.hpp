// Layer-normalised LSTM (Ba et al. 2016), in the form TensorFlow's LayerNormBasicLSTMCell uses:
// each gate's pre-activation is normalised over its H units on its own, and so is c⟨t⟩ before the
// output tanh; the state carried on is the un-normalised c⟨t⟩. With a_k = W_x,k x⟨t⟩ +
// W_h,k h⟨t−1⟩ + b_k and LN as in layer_norm.hpp:
//
//   ã_k  = γ_k ⊙ LN(a_k) + β_k        for k = i, f, g, o
//   i = σ(ã_i)  f = σ(ã_f)  g = tanh(ã_g)  o = σ(ã_o)
//   c⟨t⟩ = f ⊙ c⟨t−1⟩ + i ⊙ g
//   h⟨t⟩ = o ⊙ tanh(γ_c ⊙ LN(c⟨t⟩) + β_c)
//
// LN removes each gate's mean over its units, so a bias constant across a gate's units (the
// forget bias) has no effect through b; β (1, 4H) is initialised like b instead (forget_bias in
// its f block) and gives each unit its shift. γ (1, 4H) and γ_c (1, H) start at 1, β_c at 0.
// Gate layout: i, f, g, o. Workspace per row: LN(a_k) for the four gates, their activations
// i, f, g, o, LN(c⟨t⟩), tanh(ã_c), then ρ of the four gates and of c (see layer_norm.hpp).
//
// Backward, with dh = ∂L/∂h⟨t⟩ and dc = ∂L/∂c⟨t⟩ from later steps, writing ĉ = LN(c⟨t⟩),
// τ = tanh(γ_c ⊙ ĉ + β_c), â_k = LN(a_k):
//   dã_o  = dh ⊙ τ ⊙ o(1 − o)
//   dã_c  = dh ⊙ o ⊙ (1 − τ²);    ∂γ_c += dã_c ⊙ ĉ,  ∂β_c += dã_c
//   dc   += LN-backward(dã_c ⊙ γ_c)
//   dã_f  = dc ⊙ c⟨t−1⟩ ⊙ f(1 − f),  dã_i = dc ⊙ g ⊙ i(1 − i),  dã_g = dc ⊙ i ⊙ (1 − g²)
//   ∂c⟨t−1⟩ += dc ⊙ f
//   ∂γ_k += dã_k ⊙ â_k,  ∂β_k += dã_k,  da_k = LN-backward(dã_k ⊙ γ_k)
//   ∂h⟨t−1⟩ += da · W_h
#pragma once

#include <harness/cell.hpp>

#include "activations.hpp"
#include "layer_norm.hpp"

namespace cells {

class LstmLayerNorm final : public harness::CellFor<LstmLayerNorm> {
  static constexpr int kI = 0, kF = 1, kG = 2, kO = 3, kGates = 4;
  // Workspace blocks of H: â_k (0 … 3), activations (4 … 7), ĉ, τ; then 5 values ρ.
  static constexpr int kNormalised = 0, kActivation = kGates, kCHat = 2 * kGates, kTau = kCHat + 1;
  static constexpr int kRhoColumn = kTau + 1;  // in units of H: ρ starts at column 10·H
  enum Extra { kGain = 0, kShift = 1, kCellGain = 2, kCellShift = 3 };

 public:
  harness::CellSpec spec(const harness::CellShape& shape) const override {
    using Init = harness::ParameterSpec::Init;
    const int H = shape.hidden;
    return {.gates = kGates,
            .gate_names = {"i", "f", "g", "o"},
            .cell_state_width = H,
            .extra_parameters = {{"gamma", 1, kGates * H, Init::Ones},
                                 {"beta", 1, kGates * H, Init::Bias},
                                 {"gamma_c", 1, H, Init::Ones},
                                 {"beta_c", 1, H, Init::Zeros}},
            .workspace_width = kRhoColumn * H + kGates + 1,
            .scratch_width = kGates * H,  // dã per gate in backward
            .recurrent_blocks = {{.first_gate = 0, .gate_count = kGates}}};
  }

  template <class Scalar>
  void forward_step(const harness::ForwardStep<Scalar>& s) const {
    using harness::Transpose;
    const int H = s.h.cols;
    s.backend.gemm(Transpose::No, s.h_prev, Transpose::Yes, s.weights.recurrent, Scalar(1),
                   Scalar(1), s.gates);
    const harness::GateView<const Scalar> a{s.gates, H};
    const harness::GateView<Scalar> keep{s.workspace, H};
    const Scalar* gamma = s.weights.extra[kGain].row(0);
    const Scalar* beta = s.weights.extra[kShift].row(0);
    const Scalar* __restrict gamma_c = s.weights.extra[kCellGain].row(0);
    const Scalar* __restrict beta_c = s.weights.extra[kCellShift].row(0);
    for (int r = 0; r < s.h.rows; ++r) {
      Scalar* rho = keep.row(r, kRhoColumn);
      for (int k = 0; k < kGates; ++k) {
        // â_k and the gate's activation of γ_k ⊙ â_k + β_k, in one pass after the moments
        const Scalar* __restrict a_k = a.row(r, k);
        const auto [mean, rho_k] = moments(a_k, H);
        rho[k] = rho_k;
        if (k == kG) {
          normalise_and_activate(a_k, mean, rho_k, gamma + k * H, beta + k * H, H,
                                 keep.row(r, kNormalised + k), keep.row(r, kActivation + k),
                                 [](Scalar x) { return std::tanh(x); });
        } else {
          normalise_and_activate(a_k, mean, rho_k, gamma + k * H, beta + k * H, H,
                                 keep.row(r, kNormalised + k), keep.row(r, kActivation + k),
                                 [](Scalar x) { return sigmoid(x); });
        }
      }
      const Scalar* __restrict i = keep.row(r, kActivation + kI);
      const Scalar* __restrict f = keep.row(r, kActivation + kF);
      const Scalar* __restrict g = keep.row(r, kActivation + kG);
      const Scalar* __restrict o = keep.row(r, kActivation + kO);
      const Scalar* __restrict c_prev = s.c_prev.row(r);
      Scalar* __restrict c = s.c.row(r);
#pragma GCC ivdep
      for (int j = 0; j < H; ++j) c[j] = f[j] * c_prev[j] + i[j] * g[j];
      // h = o ⊙ tanh(γ_c ⊙ ĉ + β_c), keeping ĉ and τ
      const auto [mean_c, rho_c] = moments(static_cast<const Scalar*>(c), H);
      rho[kGates] = rho_c;
      Scalar* __restrict c_hat = keep.row(r, kCHat);
      Scalar* __restrict tau = keep.row(r, kTau);
      Scalar* __restrict h = s.h.row(r);
#pragma GCC ivdep
      for (int j = 0; j < H; ++j) {
        c_hat[j] = (c[j] - mean_c) * rho_c;
        tau[j] = std::tanh(gamma_c[j] * c_hat[j] + beta_c[j]);
        h[j] = o[j] * tau[j];
      }
    }
  }

  template <class Scalar, class Activation>
  static void normalise_and_activate(const Scalar* __restrict a, Scalar mean, Scalar rho,
                                     const Scalar* __restrict gamma, const Scalar* __restrict beta,
                                     int H, Scalar* __restrict a_hat, Scalar* __restrict out,
                                     Activation activation) {
#pragma GCC ivdep
    for (int j = 0; j < H; ++j) {
      a_hat[j] = (a[j] - mean) * rho;
      out[j] = activation(gamma[j] * a_hat[j] + beta[j]);
    }
  }

  template <class Scalar>
  void backward_step(const harness::BackwardStep<Scalar>& s) const {
    using harness::Transpose;
    const int H = s.dh.cols;
    const harness::GateView<const Scalar> keep{s.workspace, H};
    const harness::GateView<Scalar> da{s.d_gates_x, H};
    const harness::GateView<Scalar> scaled{s.scratch, H};
    const Scalar* gamma = s.weights.extra[kGain].row(0);
    const Scalar* __restrict gamma_c = s.weights.extra[kCellGain].row(0);
    Scalar* d_gamma = s.d_extra[kGain].row(0);
    Scalar* d_beta = s.d_extra[kShift].row(0);
    Scalar* __restrict d_gamma_c = s.d_extra[kCellGain].row(0);
    Scalar* __restrict d_beta_c = s.d_extra[kCellShift].row(0);
    for (int r = 0; r < s.dh.rows; ++r) {
      const Scalar* rho = keep.row(r, kRhoColumn);
      const Scalar* __restrict i = keep.row(r, kActivation + kI);
      const Scalar* __restrict f = keep.row(r, kActivation + kF);
      const Scalar* __restrict g = keep.row(r, kActivation + kG);
      const Scalar* __restrict o = keep.row(r, kActivation + kO);
      const Scalar* __restrict tau = keep.row(r, kTau);
      const Scalar* __restrict c_prev = s.c_prev.row(r);
      const Scalar* __restrict dh = s.dh.row(r);
      const Scalar* __restrict dc_next = s.dc.row(r);
      Scalar* __restrict dc_prev = s.dc_prev.row(r);
      Scalar* __restrict d_pre = scaled.row(r, 0);  // dã per gate
      // h = o ⊙ τ: dã_o, and dã_c (in the o block of da until the gates need it)
      Scalar* __restrict d_c_tilde = da.row(r, kO);
#pragma GCC ivdep
      for (int j = 0; j < H; ++j) {
        d_pre[kO * H + j] = dh[j] * tau[j] * sigmoid_grad(o[j]);
        d_c_tilde[j] = dh[j] * o[j] * tanh_grad(tau[j]);
      }
      Scalar* __restrict dc = da.row(r, kI);  // dc through LN, in the i block for now
      gain_shift_normalise_backward(d_c_tilde, keep.row(r, kCHat), gamma_c, rho[kGates], H,
                                    d_gamma_c, d_beta_c, dc);
#pragma GCC ivdep
      for (int j = 0; j < H; ++j) {
        const Scalar d_c = dc[j] + dc_next[j];
        d_pre[kF * H + j] = d_c * c_prev[j] * sigmoid_grad(f[j]);
        d_pre[kI * H + j] = d_c * g[j] * sigmoid_grad(i[j]);
        d_pre[kG * H + j] = d_c * i[j] * tanh_grad(g[j]);
        dc_prev[j] += d_c * f[j];
      }
      // ã_k = γ_k ⊙ â_k + β_k, â_k = LN(a_k)
      for (int k = 0; k < kGates; ++k) {
        gain_shift_normalise_backward(d_pre + k * H, keep.row(r, kNormalised + k), gamma + k * H,
                                      rho[k], H, d_gamma + k * H, d_beta + k * H, da.row(r, k));
      }
    }
    s.backend.gemm(Transpose::No, harness::ConstMatrixView<Scalar>(s.d_gates_x), Transpose::No,
                   s.weights.recurrent, Scalar(1), Scalar(1), s.dh_prev);
  }
};

}  // namespace cells
