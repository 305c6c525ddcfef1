// minGRU and minLSTM (Feng et al. 2024, "Were RNNs all we needed?"): gates and candidate read only
// x⟨t⟩, so the cell has no W_h; the only recurrence is the element-wise mix with h⟨t−1⟩. With
// a_k = W_x,k x⟨t⟩ + b_k:
//
//   mingru   z = σ(a_z)                  h̃ = a_n
//            h⟨t⟩ = (1 − z) ⊙ h⟨t−1⟩ + z ⊙ h̃
//   minlstm  f = σ(a_f)   i = σ(a_i)     h̃ = a_n
//            f' = f / (f + i),  i' = i / (f + i)
//            h⟨t⟩ = f' ⊙ h⟨t−1⟩ + i' ⊙ h̃
//
// (the sequential form; the paper's log-space form differs in g(h̃) for positivity, not in the
// recurrence). Gate layout: z, n (mingru); f, i, n (minlstm). Workspace per row: the gate values in
// gate order.
//
// Backward, with dh = ∂L/∂h⟨t⟩; "da_k" is the gradient of gate k's pre-activation:
//   mingru   da_z = dh ⊙ (h̃ − h⟨t−1⟩) ⊙ z(1 − z)
//            da_n = dh ⊙ z
//            ∂h⟨t−1⟩ += dh ⊙ (1 − z)
//   minlstm  with S = f + i, df' = dh ⊙ h⟨t−1⟩, di' = dh ⊙ h̃ (∂f'/∂f = i/S², ∂f'/∂i = −f/S²):
//            da_f = i/S² ⊙ (df' − di') ⊙ f(1 − f)
//            da_i = f/S² ⊙ (di' − df') ⊙ i(1 − i)
//            da_n = dh ⊙ i'
//            ∂h⟨t−1⟩ += dh ⊙ f'
#pragma once

#include <harness/cell.hpp>

#include "activations.hpp"

namespace cells {

enum class MinimalVariant { Gru, Lstm };

template <MinimalVariant kVariant>
class Minimal final : public harness::CellFor<Minimal<kVariant>> {
  static constexpr bool kLstm = kVariant == MinimalVariant::Lstm;
  static constexpr int kGates = kLstm ? 3 : 2;
  static constexpr int kZ = 0;  // mingru
  static constexpr int kF = 0;  // minlstm
  static constexpr int kI = 1;  // minlstm
  static constexpr int kN = kGates - 1;

 public:
  harness::CellSpec spec(const harness::CellShape& shape) const override {
    return {.gates = kGates,
            .gate_names = kLstm ? std::vector<std::string>{"f", "i", "n"}
                                : std::vector<std::string>{"z", "n"},
            .workspace_width = kGates * shape.hidden};
  }

  template <class Scalar>
  void forward_step(const harness::ForwardStep<Scalar>& s) const {
    const int H = s.h.cols;
    const harness::GateView<const Scalar> a{s.gates, H};
    const harness::GateView<Scalar> keep{s.workspace, H};
    for (int r = 0; r < s.h.rows; ++r) {
      const Scalar* __restrict h_prev = s.h_prev.row(r);
      const Scalar* __restrict a_n = a.row(r, kN);
      Scalar* __restrict h = s.h.row(r);
      Scalar* __restrict n_out = keep.row(r, kN);
      if constexpr (kLstm) {
        const Scalar* __restrict a_f = a.row(r, kF);
        const Scalar* __restrict a_i = a.row(r, kI);
        Scalar* __restrict f_out = keep.row(r, kF);
        Scalar* __restrict i_out = keep.row(r, kI);
#pragma GCC ivdep
        for (int j = 0; j < H; ++j) {
          const Scalar f = sigmoid(a_f[j]), i = sigmoid(a_i[j]), sum = f + i;
          h[j] = (f * h_prev[j] + i * a_n[j]) / sum;
          f_out[j] = f;
          i_out[j] = i;
          n_out[j] = a_n[j];
        }
      } else {
        const Scalar* __restrict a_z = a.row(r, kZ);
        Scalar* __restrict z_out = keep.row(r, kZ);
#pragma GCC ivdep
        for (int j = 0; j < H; ++j) {
          const Scalar z = sigmoid(a_z[j]);
          h[j] = (Scalar(1) - z) * h_prev[j] + z * a_n[j];
          z_out[j] = z;
          n_out[j] = a_n[j];
        }
      }
    }
  }

  template <class Scalar>
  void backward_step(const harness::BackwardStep<Scalar>& s) const {
    const int H = s.dh.cols;
    const harness::GateView<const Scalar> keep{s.workspace, H};
    const harness::GateView<Scalar> da{s.d_gates_x, H};
    for (int r = 0; r < s.dh.rows; ++r) {
      const Scalar* __restrict h_prev = s.h_prev.row(r);
      const Scalar* __restrict dh = s.dh.row(r);
      const Scalar* __restrict n = keep.row(r, kN);
      Scalar* __restrict dh_prev = s.dh_prev.row(r);
      Scalar* __restrict da_n = da.row(r, kN);
      if constexpr (kLstm) {
        const Scalar* __restrict f_act = keep.row(r, kF);
        const Scalar* __restrict i_act = keep.row(r, kI);
        Scalar* __restrict da_f = da.row(r, kF);
        Scalar* __restrict da_i = da.row(r, kI);
#pragma GCC ivdep
        for (int j = 0; j < H; ++j) {
          const Scalar f = f_act[j], i = i_act[j], inv_sum = Scalar(1) / (f + i);
          const Scalar d_f_share = dh[j] * h_prev[j], d_i_share = dh[j] * n[j];
          const Scalar scale = (d_f_share - d_i_share) * inv_sum * inv_sum;
          da_f[j] = i * scale * sigmoid_grad(f);
          da_i[j] = -f * scale * sigmoid_grad(i);
          da_n[j] = dh[j] * i * inv_sum;
          dh_prev[j] += dh[j] * f * inv_sum;
        }
      } else {
        const Scalar* __restrict z_act = keep.row(r, kZ);
        Scalar* __restrict da_z = da.row(r, kZ);
#pragma GCC ivdep
        for (int j = 0; j < H; ++j) {
          const Scalar z = z_act[j];
          da_z[j] = dh[j] * (n[j] - h_prev[j]) * sigmoid_grad(z);
          da_n[j] = dh[j] * z;
          dh_prev[j] += dh[j] * (Scalar(1) - z);
        }
      }
    }
  }
};

}  // namespace cells
