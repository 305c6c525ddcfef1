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
  harness::CellSpec spec(int /*input_size*/, int hidden_size) const override {
    using Block = harness::RecurrentBlock;
    const int H = hidden_size;
    switch (kVariant) {
      case GruVariant::ResetBeforeProduct:
        return {.gates = kGates,
                .workspace_width = (kGates + 1) * H,
                .scratch_width = H,  // ds in backward
                .recurrent_blocks = {{.first_gate = kZ, .gate_count = 2},
                                     {.first_gate = kN,
                                      .gate_count = 1,
                                      .input = Block::Input::Workspace,
                                      .workspace_column = kResetInput * H}}};
      case GruVariant::UpdateGateOnly:
        return {.gates = kGates,
                .workspace_width = kGates * H,
                .recurrent_blocks = {{.first_gate = 0, .gate_count = kGates}}};
      case GruVariant::LinearBeforeReset:
        return {.gates = kGates,
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
    const auto& W_h = s.parameters[harness::kRecurrentWeights];
    const harness::GateView<Scalar> a{s.gates, H};
    const harness::GateView<Scalar> act{s.workspace, H};
    const Scalar one(1);

    if constexpr (kVariant == GruVariant::ResetBeforeProduct) {
      // a_z, a_r += h⟨t−1⟩·W_h,[z,r]ᵀ; then s = r ⊙ h⟨t−1⟩; then a_n += s·W_h,nᵀ
      s.backend.gemm(Transpose::No, s.h_prev, Transpose::Yes, W_h.row_block(kZ * H, 2 * H), one,
                     one, s.gates.col_block(kZ * H, 2 * H));
      for (int r = 0; r < s.h.rows; ++r) {
        for (int j = 0; j < H; ++j) {
          act(r, kZ, j) = sigmoid(a(r, kZ, j));
          act(r, kR, j) = sigmoid(a(r, kR, j));
          act(r, kResetInput, j) = act(r, kR, j) * s.h_prev(r, j);
        }
      }
      s.backend.gemm(Transpose::No, harness::ConstMatrixView<Scalar>(act.gate(kResetInput)),
                     Transpose::Yes, W_h.row_block(kN * H, H), one, one, a.gate(kN));
    } else if constexpr (kVariant == GruVariant::UpdateGateOnly) {
      s.backend.gemm(Transpose::No, s.h_prev, Transpose::Yes, W_h, one, one, s.gates);
      for (int r = 0; r < s.h.rows; ++r) {
        for (int j = 0; j < H; ++j) act(r, kZ, j) = sigmoid(a(r, kZ, j));
      }
    } else {
      // gh = h⟨t−1⟩·W_hᵀ kept apart: r multiplies its n block only
      const harness::GateView<Scalar> gh{s.scratch, H};
      s.backend.gemm(Transpose::No, s.h_prev, Transpose::Yes, W_h, one, Scalar(0), s.scratch);
      const auto& b_hn = s.parameters[harness::kFirstExtra];
      for (int r = 0; r < s.h.rows; ++r) {
        for (int j = 0; j < H; ++j) {
          act(r, kZ, j) = sigmoid(a(r, kZ, j) + gh(r, kZ, j));
          act(r, kR, j) = sigmoid(a(r, kR, j) + gh(r, kR, j));
          act(r, kResetInput, j) = gh(r, kN, j) + b_hn(0, j);
          a(r, kN, j) += act(r, kR, j) * act(r, kResetInput, j);
        }
      }
    }

    for (int r = 0; r < s.h.rows; ++r) {
      for (int j = 0; j < H; ++j) {
        const Scalar z = act(r, kZ, j);
        const Scalar n = std::tanh(a(r, kN, j));
        act(r, kN, j) = n;
        s.h(r, j) = z * n + (one - z) * s.h_prev(r, j);
      }
    }
  }

  template <class Scalar>
  void backward_step(const harness::BackwardStep<Scalar>& s) const {
    using harness::Transpose;
    const int H = s.dh.cols;
    const auto& W_h = s.parameters[harness::kRecurrentWeights];
    const harness::GateView<const Scalar> act{s.workspace, H};
    const harness::GateView<Scalar> da{s.d_gates_x, H};
    const Scalar one(1);

    // h = z ⊙ n + (1 − z) ⊙ h⟨t−1⟩
    for (int r = 0; r < s.dh.rows; ++r) {
      for (int j = 0; j < H; ++j) {
        const Scalar z = act(r, kZ, j), n = act(r, kN, j);
        const Scalar dh = s.dh(r, j), h_prev = s.h_prev(r, j);
        da(r, kZ, j) = dh * (n - h_prev) * sigmoid_grad(z);
        da(r, kN, j) = dh * z * tanh_grad(n);
        s.dh_prev(r, j) += dh * (one - z);
      }
    }

    if constexpr (kVariant == GruVariant::ResetBeforeProduct) {
      // s = r ⊙ h⟨t−1⟩ feeds the n product: ds = da_n · W_h,n
      const auto ds = s.scratch;
      s.backend.gemm(Transpose::No, harness::ConstMatrixView<Scalar>(da.gate(kN)), Transpose::No,
                     W_h.row_block(kN * H, H), one, Scalar(0), ds);
      for (int r = 0; r < s.dh.rows; ++r) {
        for (int j = 0; j < H; ++j) {
          const Scalar reset = act(r, kR, j);
          da(r, kR, j) = ds(r, j) * s.h_prev(r, j) * sigmoid_grad(reset);
          s.dh_prev(r, j) += ds(r, j) * reset;
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
      const auto& db_hn = s.d_extra[0];
      for (int r = 0; r < s.dh.rows; ++r) {
        for (int j = 0; j < H; ++j) {
          const Scalar reset = act(r, kR, j), q = act(r, kResetInput, j);
          const Scalar da_n = da(r, kN, j);
          const Scalar dq = da_n * reset;
          da(r, kR, j) = da_n * q * sigmoid_grad(reset);
          dgh(r, kZ, j) = da(r, kZ, j);
          dgh(r, kR, j) = da(r, kR, j);
          dgh(r, kN, j) = dq;
          db_hn(0, j) += dq;
        }
      }
      s.backend.gemm(Transpose::No, harness::ConstMatrixView<Scalar>(s.d_gates_h), Transpose::No,
                     W_h, one, one, s.dh_prev);
    }
  }
};

}  // namespace cells
