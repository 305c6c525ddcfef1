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
            .scratch_width = kGates * H,  // dã·γ per gate in backward
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
        Scalar* a_hat = keep.row(r, kNormalised + k);
        rho[k] = normalise(a.row(r, k), H, a_hat);
        Scalar* __restrict out = keep.row(r, kActivation + k);
        const Scalar* __restrict g_k = gamma + k * H;
        const Scalar* __restrict b_k = beta + k * H;
        for (int j = 0; j < H; ++j) {
          const Scalar pre = g_k[j] * a_hat[j] + b_k[j];
          out[j] = k == kG ? std::tanh(pre) : sigmoid(pre);
        }
      }
      const Scalar* __restrict i = keep.row(r, kActivation + kI);
      const Scalar* __restrict f = keep.row(r, kActivation + kF);
      const Scalar* __restrict g = keep.row(r, kActivation + kG);
      const Scalar* __restrict o = keep.row(r, kActivation + kO);
      const Scalar* __restrict c_prev = s.c_prev.row(r);
      Scalar* __restrict c = s.c.row(r);
      for (int j = 0; j < H; ++j) c[j] = f[j] * c_prev[j] + i[j] * g[j];
      Scalar* __restrict c_hat = keep.row(r, kCHat);
      rho[kGates] = normalise(static_cast<const Scalar*>(c), H, c_hat);
      Scalar* __restrict tau = keep.row(r, kTau);
      Scalar* __restrict h = s.h.row(r);
      for (int j = 0; j < H; ++j) {
        tau[j] = std::tanh(gamma_c[j] * c_hat[j] + beta_c[j]);
        h[j] = o[j] * tau[j];
      }
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
      const Scalar* __restrict c_hat = keep.row(r, kCHat);
      const Scalar* __restrict tau = keep.row(r, kTau);
      const Scalar* __restrict c_prev = s.c_prev.row(r);
      const Scalar* __restrict dh = s.dh.row(r);
      const Scalar* __restrict dc_next = s.dc.row(r);
      Scalar* __restrict dc_prev = s.dc_prev.row(r);
      Scalar* __restrict d_pre = scaled.row(r, 0);  // dã per gate, then dã·γ
      // h = o ⊙ τ: dã_o, and dã_c ⊙ γ_c (into the o block of da for now)
      Scalar* d_c_tilde = da.row(r, kO);
      for (int j = 0; j < H; ++j) {
        d_pre[kO * H + j] = dh[j] * tau[j] * sigmoid_grad(o[j]);
        const Scalar d_tilde = dh[j] * o[j] * tanh_grad(tau[j]);
        d_gamma_c[j] += d_tilde * c_hat[j];
        d_beta_c[j] += d_tilde;
        d_c_tilde[j] = d_tilde * gamma_c[j];
      }
      Scalar* dc = da.row(r, kI);  // dc, through LN, into the i block for now
      normalise_backward(static_cast<const Scalar*>(d_c_tilde), c_hat, rho[kGates], H, dc);
      for (int j = 0; j < H; ++j) {
        const Scalar d_c = dc[j] + dc_next[j];
        d_pre[kF * H + j] = d_c * c_prev[j] * sigmoid_grad(f[j]);
        d_pre[kI * H + j] = d_c * g[j] * sigmoid_grad(i[j]);
        d_pre[kG * H + j] = d_c * i[j] * tanh_grad(g[j]);
        dc_prev[j] += d_c * f[j];
      }
      // ã_k = γ_k ⊙ â_k + β_k, â_k = LN(a_k)
      for (int k = 0; k < kGates; ++k) {
        const Scalar* __restrict a_hat = keep.row(r, kNormalised + k);
        Scalar* __restrict d = d_pre + k * H;
        for (int j = 0; j < H; ++j) {
          d_gamma[k * H + j] += d[j] * a_hat[j];
          d_beta[k * H + j] += d[j];
          d[j] *= gamma[k * H + j];
        }
        normalise_backward(static_cast<const Scalar*>(d), a_hat, rho[k], H, da.row(r, k));
      }
    }
    s.backend.gemm(Transpose::No, harness::ConstMatrixView<Scalar>(s.d_gates_x), Transpose::No,
                   s.weights.recurrent, Scalar(1), Scalar(1), s.dh_prev);
  }
};

}  // namespace cells
