// GRU (Cho et al. 2014) in three forms sharing one update rule,
//
//   h⟨t⟩ = z ⊙ n + (1 − z) ⊙ h⟨t−1⟩          (z = update gate Γu, n = candidate c̃)
//
// and differing in the candidate:
//
//   gru         z = σ(a_z)   r = σ(a_r)   n = tanh(W_x,n x + W_h,n (r ⊙ h⟨t−1⟩) + b_n)
//               (relevance gate applied to h⟨t−1⟩ before the recurrent product, as Cho et al.)
//   gru_simple  z = σ(a_z)                n = tanh(a_n)   (update gate only)
//   gru_lbr     z = σ(a_z)   r = σ(a_r)   n = tanh(W_x,n x + b_n + r ⊙ (W_h,n h⟨t−1⟩ + b_hn))
//               ("linear before reset": cuDNN, oneDNN, PyTorch; one GEMM serves all gates)
//
// with a_k = W_x,k x⟨t⟩ + W_h,k h⟨t−1⟩ + b_k. Gate layout: z, r, n (gru_simple: z, n).
// Workspace per row: z, r, n activations, then s = r ⊙ h⟨t−1⟩ (gru) or q = W_h,n h⟨t−1⟩ + b_hn
// (gru_lbr); gru_simple keeps z, n.
//
// Backward, with dh = ∂L/∂h⟨t⟩; "da_k" is the gradient of gate k's pre-activation:
//   dz = dh ⊙ (n − h⟨t−1⟩),  da_z = dz ⊙ z(1 − z)
//   dn = dh ⊙ z,             da_n = dn ⊙ (1 − n²)
//   ∂h⟨t−1⟩ += dh ⊙ (1 − z)
//   gru:    ds = da_n · W_h,n;  da_r = ds ⊙ h⟨t−1⟩ ⊙ r(1 − r);  ∂h⟨t−1⟩ += ds ⊙ r
//           ∂h⟨t−1⟩ += [da_z, da_r] · W_h,[z,r]
//   gru_lbr: dq = da_n ⊙ r;  da_r = da_n ⊙ q ⊙ r(1 − r);  ∂b_hn += dq
//           ∂(recurrent product) = [da_z, da_r, dq] (differs from ∂(input projection) in n)
//           ∂h⟨t−1⟩ += [da_z, da_r, dq] · W_h
//   gru_simple: ∂h⟨t−1⟩ += [da_z, da_n] · W_h
#pragma once

#include <harness/cell.hpp>

#include "activations.hpp"

namespace cells {

enum class GruVariant { ResetBeforeProduct, UpdateGateOnly, LinearBeforeReset };

template <GruVariant kVariant>
class Gru final : public harness::CellFor<Gru<kVariant>> {
  static constexpr bool kHasReset = kVariant != GruVariant::UpdateGateOnly;
  static constexpr int kZ = 0;
  static constexpr int kR = 1;  // unused without a reset gate
  static constexpr int kN = kHasReset ? 2 : 1;
  static constexpr int kGates = kHasReset ? 3 : 2;
  // Workspace block after the gate activations: s = r ⊙ h⟨t−1⟩ (gru) or q (gru_lbr).
  static constexpr int kResetInput = kGates;

 public:
  harness::CellSpec spec(const harness::CellShape& shape) const override {
    using Block = harness::RecurrentBlock;
    const int H = shape.hidden;
    switch (kVariant) {
      case GruVariant::ResetBeforeProduct:
        return {.gates = kGates,
                .gate_names = {"z", "r", "n"},
                .workspace_width = (kGates + 1) * H,
                .scratch_width = H,  // ds in backward
                .recurrent_blocks = {{.first_gate = kZ, .gate_count = 2},
                                     {.first_gate = kN,
                                      .gate_count = 1,
                                      .input = Block::Input::Workspace,
                                      .workspace_column = kResetInput * H}}};
      case GruVariant::UpdateGateOnly:
        return {.gates = kGates,
                .gate_names = {"z", "n"},
                .workspace_width = kGates * H,
                .recurrent_blocks = {{.first_gate = 0, .gate_count = kGates}}};
      case GruVariant::LinearBeforeReset:
        return {.gates = kGates,
                .gate_names = {"z", "r", "n"},
                .extra_parameters = {{"b_hn", 1, H}},
                .workspace_width = (kGates + 1) * H,
                .scratch_width = kGates * H,  // the recurrent product in forward
                .recurrent_blocks = {{.first_gate = 0, .gate_count = kGates}},
                .separate_recurrent_gradient = true};
    }
    return {};
  }

  template <class Scalar>
  void forward_step(const harness::ForwardStep<Scalar>& s) const {
    using harness::Transpose;
    const int H = s.h.cols;
    const auto& W_h = s.weights.recurrent;
    const harness::GateView<Scalar> a{s.gates, H};
    const harness::GateView<Scalar> act{s.workspace, H};
    const Scalar one(1);

    if constexpr (kVariant == GruVariant::ResetBeforeProduct) {
      // a_z, a_r += h⟨t−1⟩·W_h,[z,r]ᵀ; then s = r ⊙ h⟨t−1⟩; then a_n += s·W_h,nᵀ
      s.backend.gemm(Transpose::No, s.h_prev, Transpose::Yes, W_h.row_block(kZ * H, 2 * H), one,
                     one, s.gates.col_block(kZ * H, 2 * H));
      for (int r = 0; r < s.h.rows; ++r) {
        const Scalar* __restrict a_z = a.row(r, kZ);
        const Scalar* __restrict a_r = a.row(r, kR);
        const Scalar* __restrict h_prev = s.h_prev.row(r);
        Scalar* __restrict z_out = act.row(r, kZ);
        Scalar* __restrict r_out = act.row(r, kR);
        Scalar* __restrict reset_h = act.row(r, kResetInput);
#pragma GCC ivdep
        for (int j = 0; j < H; ++j) {
          z_out[j] = sigmoid(a_z[j]);
          r_out[j] = sigmoid(a_r[j]);
          reset_h[j] = r_out[j] * h_prev[j];
        }
      }
      s.backend.gemm(Transpose::No, harness::ConstMatrixView<Scalar>(act.gate(kResetInput)),
                     Transpose::Yes, W_h.row_block(kN * H, H), one, one, a.gate(kN));
    } else if constexpr (kVariant == GruVariant::UpdateGateOnly) {
      s.backend.gemm(Transpose::No, s.h_prev, Transpose::Yes, W_h, one, one, s.gates);
      for (int r = 0; r < s.h.rows; ++r) {
        const Scalar* __restrict a_z = a.row(r, kZ);
        Scalar* __restrict z_out = act.row(r, kZ);
#pragma GCC ivdep
        for (int j = 0; j < H; ++j) z_out[j] = sigmoid(a_z[j]);
      }
    } else {
      // gh = h⟨t−1⟩·W_hᵀ kept apart: r multiplies its n block only
      const harness::GateView<const Scalar> gh{s.scratch, H};
      s.backend.gemm(Transpose::No, s.h_prev, Transpose::Yes, W_h, one, Scalar(0), s.scratch);
      const Scalar* __restrict b_hn = s.weights.extra[0].row(0);
      for (int r = 0; r < s.h.rows; ++r) {
        const Scalar* __restrict a_z = a.row(r, kZ);
        const Scalar* __restrict a_r = a.row(r, kR);
        Scalar* __restrict a_n = a.row(r, kN);
        const Scalar* __restrict gh_z = gh.row(r, kZ);
        const Scalar* __restrict gh_r = gh.row(r, kR);
        const Scalar* __restrict gh_n = gh.row(r, kN);
        Scalar* __restrict z_out = act.row(r, kZ);
        Scalar* __restrict r_out = act.row(r, kR);
        Scalar* __restrict q_out = act.row(r, kResetInput);
#pragma GCC ivdep
        for (int j = 0; j < H; ++j) {
          z_out[j] = sigmoid(a_z[j] + gh_z[j]);
          r_out[j] = sigmoid(a_r[j] + gh_r[j]);
          q_out[j] = gh_n[j] + b_hn[j];
          a_n[j] += r_out[j] * q_out[j];
        }
      }
    }

    // n = tanh(a_n), h = z ⊙ n + (1 − z) ⊙ h⟨t−1⟩
    for (int r = 0; r < s.h.rows; ++r) {
      const Scalar* __restrict a_n = a.row(r, kN);
      const Scalar* __restrict z_act = act.row(r, kZ);
      const Scalar* __restrict h_prev = s.h_prev.row(r);
      Scalar* __restrict n_out = act.row(r, kN);
      Scalar* __restrict h_out = s.h.row(r);
#pragma GCC ivdep
      for (int j = 0; j < H; ++j) {
        const Scalar n = std::tanh(a_n[j]);
        n_out[j] = n;
        h_out[j] = z_act[j] * n + (one - z_act[j]) * h_prev[j];
      }
    }
  }

  template <class Scalar>
  void backward_step(const harness::BackwardStep<Scalar>& s) const {
    using harness::Transpose;
    const int H = s.dh.cols;
    const auto& W_h = s.weights.recurrent;
    const harness::GateView<const Scalar> act{s.workspace, H};
    const harness::GateView<Scalar> da{s.d_gates_x, H};
    const Scalar one(1);

    // h = z ⊙ n + (1 − z) ⊙ h⟨t−1⟩
    for (int r = 0; r < s.dh.rows; ++r) {
      const Scalar* __restrict z_act = act.row(r, kZ);
      const Scalar* __restrict n_act = act.row(r, kN);
      const Scalar* __restrict dh = s.dh.row(r);
      const Scalar* __restrict h_prev = s.h_prev.row(r);
      Scalar* __restrict dh_prev = s.dh_prev.row(r);
      Scalar* __restrict da_z = da.row(r, kZ);
      Scalar* __restrict da_n = da.row(r, kN);
#pragma GCC ivdep
      for (int j = 0; j < H; ++j) {
        const Scalar z = z_act[j], n = n_act[j];
        da_z[j] = dh[j] * (n - h_prev[j]) * sigmoid_grad(z);
        da_n[j] = dh[j] * z * tanh_grad(n);
        dh_prev[j] += dh[j] * (one - z);
      }
    }

    if constexpr (kVariant == GruVariant::ResetBeforeProduct) {
      // s = r ⊙ h⟨t−1⟩ feeds the n product: ds = da_n · W_h,n
      s.backend.gemm(Transpose::No, harness::ConstMatrixView<Scalar>(da.gate(kN)), Transpose::No,
                     W_h.row_block(kN * H, H), one, Scalar(0), s.scratch);
      for (int r = 0; r < s.dh.rows; ++r) {
        const Scalar* __restrict ds = s.scratch.row(r);
        const Scalar* __restrict r_act = act.row(r, kR);
        const Scalar* __restrict h_prev = s.h_prev.row(r);
        Scalar* __restrict dh_prev = s.dh_prev.row(r);
        Scalar* __restrict da_r = da.row(r, kR);
#pragma GCC ivdep
        for (int j = 0; j < H; ++j) {
          da_r[j] = ds[j] * h_prev[j] * sigmoid_grad(r_act[j]);
          dh_prev[j] += ds[j] * r_act[j];
        }
      }
      s.backend.gemm(Transpose::No,
                     harness::ConstMatrixView<Scalar>(s.d_gates_x.col_block(0, 2 * H)),
                     Transpose::No, W_h.row_block(kZ * H, 2 * H), one, one, s.dh_prev);
    } else if constexpr (kVariant == GruVariant::UpdateGateOnly) {
      s.backend.gemm(Transpose::No, harness::ConstMatrixView<Scalar>(s.d_gates_x), Transpose::No,
                     W_h, one, one, s.dh_prev);
    } else {
      // n = tanh(a_n + r ⊙ q), q = W_h,n h⟨t−1⟩ + b_hn
      const harness::GateView<Scalar> dgh{s.d_gates_h, H};
      Scalar* __restrict db_hn = s.d_extra[0].row(0);
      for (int r = 0; r < s.dh.rows; ++r) {
        const Scalar* __restrict r_act = act.row(r, kR);
        const Scalar* __restrict q_act = act.row(r, kResetInput);
        const Scalar* __restrict da_n = da.row(r, kN);
        const Scalar* __restrict da_z = da.row(r, kZ);
        Scalar* __restrict da_r = da.row(r, kR);
        Scalar* __restrict dgh_z = dgh.row(r, kZ);
        Scalar* __restrict dgh_r = dgh.row(r, kR);
        Scalar* __restrict dq = dgh.row(r, kN);
#pragma GCC ivdep
        for (int j = 0; j < H; ++j) {
          dq[j] = da_n[j] * r_act[j];
          da_r[j] = da_n[j] * q_act[j] * sigmoid_grad(r_act[j]);
          dgh_z[j] = da_z[j];
          dgh_r[j] = da_r[j];
          db_hn[j] += dq[j];
        }
      }
      s.backend.gemm(Transpose::No, harness::ConstMatrixView<Scalar>(s.d_gates_h), Transpose::No,
                     W_h, one, one, s.dh_prev);
    }
  }
};

}  // namespace cells
