// The LSTM family (Hochreiter & Schmidhuber 1997, with the forget gate of Gers et al. 2000): one
// recipe, and the variants of Greff et al. 2017 ("LSTM: A Search Space Odyssey") and Sak et al.
// 2014 as switches on it (LstmForm below). The full form, with a_k = W_x,k x⟨t⟩ + W_h,k h⟨t−1⟩ +
// b_k:
//
//   i⟨t⟩ = σ(a_i + p_i ⊙ c⟨t−1⟩ [+ R_i·q⟨t−1⟩])      input gate        NIG: i = 1
//   f⟨t⟩ = σ(a_f + p_f ⊙ c⟨t−1⟩ [+ R_f·q⟨t−1⟩])      forget gate       NFG: f = 1; CIFG: f = 1 − i
//   g⟨t⟩ = tanh(a_g)                                 input activation  NIAF: g = a_g
//   c⟨t⟩ = f ⊙ c⟨t−1⟩ + i ⊙ g
//   o⟨t⟩ = σ(a_o + p_o ⊙ c⟨t⟩ [+ R_o·q⟨t−1⟩])         output gate       NOG: o = 1
//   m⟨t⟩ = o ⊙ tanh(c⟨t⟩)                            output activation NOAF: m = o ⊙ c
//   h⟨t⟩ = m⟨t⟩, or W_p·m⟨t⟩ with a projection W_p (P, H), P < H (Sak et al., PyTorch proj_size)
//
// Peepholes p (diagonal, one row per σ gate present) only in the peephole forms (NP has none).
// FGR (full gate recurrence) adds R (K·H, K·H): every σ gate reads all K σ gates' activations
// q⟨t−1⟩ = [i, f, o]⟨t−1⟩, which the cell carries in its cell state: c = [c, i, f, o] (C = 4H).
//
// Gate layout: i, f, g, o without the rows a form drops (CIFG and NFG: no f; NIG: no i; NOG: no
// o). Workspace per row: the gate activations in gate order, then A(c⟨t⟩) (tanh(c), or c for
// NOAF), then m⟨t⟩ when projecting.
//
// Backward, with dh = ∂L/∂h⟨t⟩, dc = ∂L/∂c⟨t⟩ from later steps (and dq, its i, f, o part, for FGR);
// "da_k" is the gradient of gate k's pre-activation (before σ or tanh):
//   dm     = dh · W_p,  ∂W_p += dhᵀ · m            (with a projection; else dm = dh)
//   da_o   = (dm ⊙ A(c) [+ dq_o]) ⊙ o(1 − o)
//   dc    += dm ⊙ o ⊙ A'(c) [+ da_o ⊙ p_o]
//   da_f   = (dc ⊙ c⟨t−1⟩ [+ dq_f]) ⊙ f(1 − f)
//   da_i   = (dc ⊙ g [+ dq_i] [− dc ⊙ c⟨t−1⟩ for CIFG, as f = 1 − i]) ⊙ i(1 − i)
//   da_g   = dc ⊙ i ⊙ (1 − g²)                     (NIAF: dc ⊙ i)
//   ∂c⟨t−1⟩ += dc ⊙ f [+ da_i ⊙ p_i + da_f ⊙ p_f]
//   ∂p_i += da_i ⊙ c⟨t−1⟩,  ∂p_f += da_f ⊙ c⟨t−1⟩,  ∂p_o += da_o ⊙ c⟨t⟩
//   FGR: ∂R_k += da_kᵀ · q⟨t−1⟩,  ∂q⟨t−1⟩ += da_k · R_k  for each σ gate k
//   ∂h⟨t−1⟩ += da · W_h
#pragma once

#include <harness/cell.hpp>

#include "activations.hpp"

namespace cells {

// Which parts of the full LSTM a form keeps; the defaults are the plain LSTM (no peepholes).
struct LstmForm {
  bool input_gate = true;
  bool forget_gate = true;
  bool output_gate = true;
  bool input_activation = true;
  bool output_activation = true;
  bool peepholes = false;
  bool coupled = false;  // f = 1 − i
  bool full_gate_recurrence = false;
  bool projection = false;
};

template <LstmForm kForm>
class Lstm final : public harness::CellFor<Lstm<kForm>> {
  static constexpr bool kHasI = kForm.input_gate;
  static constexpr bool kHasF = kForm.forget_gate && !kForm.coupled;  // a row of its own
  static constexpr bool kHasO = kForm.output_gate;
  static constexpr bool kPeephole = kForm.peepholes;
  static constexpr bool kFgr = kForm.full_gate_recurrence;
  static constexpr bool kProject = kForm.projection;
  static_assert(!kForm.coupled || kHasI, "coupled gates need the input gate");

  // Gate indices in layout order; a gate a form drops has none.
  static constexpr int kI = 0;
  static constexpr int kF = int(kHasI);
  static constexpr int kG = int(kHasI) + int(kHasF);
  static constexpr int kO = kG + 1;
  static constexpr int kGates = kG + 1 + int(kHasO);
  // Workspace blocks after the gate activations.
  static constexpr int kActC = kGates;
  static constexpr int kM = kGates + 1;
  // The σ gates, in order: rows of the peepholes, blocks of q and of R for FGR.
  static constexpr int kSigmoidGates = int(kHasI) + int(kHasF) + int(kHasO);
  static constexpr int kRowI = 0;
  static constexpr int kRowF = int(kHasI);
  static constexpr int kRowO = int(kHasI) + int(kHasF);

 public:
  harness::CellSpec spec(const harness::CellShape& shape) const override {
    const int H = shape.hidden;
    harness::CellSpec spec{.gates = kGates,
                           .cell_state_width = kFgr ? (1 + kSigmoidGates) * H : H,
                           .workspace_width = (kGates + (kProject ? 2 : 1)) * H,
                           .recurrent_blocks = {{.first_gate = 0, .gate_count = kGates}}};
    if (kHasI) spec.gate_names.push_back("i");
    if (kHasF) spec.gate_names.push_back("f");
    spec.gate_names.push_back("g");
    if (kHasO) spec.gate_names.push_back("o");
    if (kPeephole) spec.extra_parameters.push_back({"p", kSigmoidGates, H});
    if (kFgr) {
      const int q = kSigmoidGates * H;
      spec.extra_parameters.push_back({"R", q, q, harness::ParameterSpec::Init::Input});
    }
    if (kProject) {
      // P from the model's proj; without one, half the cell width.
      spec.state_width = shape.projection > 0 ? shape.projection : (H + 1) / 2;
      spec.extra_parameters.push_back(
          {"W_p", spec.state_width, H, harness::ParameterSpec::Init::Input});
      spec.scratch_width = H;  // dm in backward
    }
    return spec;
  }

  template <class Scalar>
  void forward_step(const harness::ForwardStep<Scalar>& s) const {
    using harness::Transpose;
    const int H = s.gates.cols / kGates;
    // a = (x·W_xᵀ + b) + h⟨t−1⟩·W_hᵀ for all gates at once
    s.backend.gemm(Transpose::No, s.h_prev, Transpose::Yes, s.weights.recurrent, Scalar(1),
                   Scalar(1), s.gates);
    if constexpr (kFgr) {
      // a_k += q⟨t−1⟩·R_kᵀ for each σ gate k
      const auto q_prev = s.c_prev.col_block(H, kSigmoidGates * H);
      for_each_sigmoid_gate([&](int gate, int row) {
        s.backend.gemm(Transpose::No, q_prev, Transpose::Yes,
                       s.weights.extra[kFgrIndex].row_block(row * H, H), Scalar(1), Scalar(1),
                       s.gates.col_block(gate * H, H));
      });
    }
    const harness::GateView<const Scalar> a{s.gates, H};
    const harness::GateView<Scalar> act{s.workspace, H};
    const Peepholes<Scalar> p(s.weights);
    // m⟨t⟩ goes to h directly, or to the workspace for the projection
    const harness::MatrixView<Scalar> m = kProject ? act.gate(kM) : s.h;
    for (int r = 0; r < s.c.rows; ++r) {
      const Scalar* __restrict a_i = kHasI ? a.row(r, kI) : nullptr;
      const Scalar* __restrict a_f = kHasF ? a.row(r, kF) : nullptr;
      const Scalar* __restrict a_g = a.row(r, kG);
      const Scalar* __restrict a_o = kHasO ? a.row(r, kO) : nullptr;
      const Scalar* __restrict c_prev = s.c_prev.row(r);
      Scalar* __restrict i_out = kHasI ? act.row(r, kI) : nullptr;
      Scalar* __restrict f_out = kHasF ? act.row(r, kF) : nullptr;
      Scalar* __restrict g_out = act.row(r, kG);
      Scalar* __restrict o_out = kHasO ? act.row(r, kO) : nullptr;
      Scalar* __restrict act_c_out = act.row(r, kActC);
      Scalar* __restrict c_out = s.c.row(r);
      Scalar* __restrict q_out = kFgr ? s.c.row(r) + H : nullptr;
      Scalar* __restrict m_out = m.row(r);
#pragma GCC ivdep
      for (int j = 0; j < H; ++j) {
        Scalar pre_i = kHasI ? a_i[j] : Scalar(0), pre_f = kHasF ? a_f[j] : Scalar(0);
        Scalar pre_o = kHasO ? a_o[j] : Scalar(0);
        if constexpr (kPeephole) {
          if constexpr (kHasI) pre_i += p.i[j] * c_prev[j];
          if constexpr (kHasF) pre_f += p.f[j] * c_prev[j];
        }
        const Scalar i = kHasI ? sigmoid(pre_i) : Scalar(1);
        const Scalar f = kForm.coupled ? Scalar(1) - i : kHasF ? sigmoid(pre_f) : Scalar(1);
        const Scalar g = kForm.input_activation ? std::tanh(a_g[j]) : a_g[j];
        const Scalar c = f * c_prev[j] + i * g;
        if constexpr (kPeephole && kHasO) pre_o += p.o[j] * c;
        const Scalar o = kHasO ? sigmoid(pre_o) : Scalar(1);
        const Scalar act_c = kForm.output_activation ? std::tanh(c) : c;
        c_out[j] = c;
        m_out[j] = o * act_c;
        if constexpr (kHasI) i_out[j] = i;
        if constexpr (kHasF) f_out[j] = f;
        g_out[j] = g;
        if constexpr (kHasO) o_out[j] = o;
        act_c_out[j] = act_c;
        if constexpr (kFgr) {
          if constexpr (kHasI) q_out[kRowI * H + j] = i;
          if constexpr (kHasF) q_out[kRowF * H + j] = f;
          if constexpr (kHasO) q_out[kRowO * H + j] = o;
        }
      }
    }
    if constexpr (kProject) {
      // h = m·W_pᵀ
      s.backend.gemm(Transpose::No, harness::ConstMatrixView<Scalar>(m), Transpose::Yes,
                     s.weights.extra[kProjectionIndex], Scalar(1), Scalar(0), s.h);
    }
  }

  template <class Scalar>
  void backward_step(const harness::BackwardStep<Scalar>& s) const {
    using harness::Transpose;
    const int H = s.d_gates_x.cols / kGates;
    const harness::GateView<const Scalar> act{s.workspace, H};
    const harness::GateView<Scalar> da{s.d_gates_x, H};
    const Peepholes<Scalar> p(s.weights);
    Scalar* __restrict dp_i = kPeephole && kHasI ? s.d_extra[0].row(kRowI) : nullptr;
    Scalar* __restrict dp_f = kPeephole && kHasF ? s.d_extra[0].row(kRowF) : nullptr;
    Scalar* __restrict dp_o = kPeephole && kHasO ? s.d_extra[0].row(kRowO) : nullptr;
    harness::ConstMatrixView<Scalar> dm = s.dh;
    if constexpr (kProject) {
      // dm = dh·W_p,  ∂W_p += dhᵀ·m
      const auto W_p = s.weights.extra[kProjectionIndex];
      s.backend.gemm(Transpose::No, s.dh, Transpose::No, W_p, Scalar(1), Scalar(0), s.scratch);
      s.backend.gemm(Transpose::Yes, s.dh, Transpose::No, act.gate(kM), Scalar(1), Scalar(1),
                     s.d_extra[kProjectionIndex]);
      dm = s.scratch;
    }
    for (int r = 0; r < s.d_gates_x.rows; ++r) {
      const Scalar* __restrict i_act = kHasI ? act.row(r, kI) : nullptr;
      const Scalar* __restrict f_act = kHasF ? act.row(r, kF) : nullptr;
      const Scalar* __restrict g_act = act.row(r, kG);
      const Scalar* __restrict o_act = kHasO ? act.row(r, kO) : nullptr;
      const Scalar* __restrict act_c_act = act.row(r, kActC);
      const Scalar* __restrict c_prev = s.c_prev.row(r);
      const Scalar* __restrict c_now = s.c.row(r);
      const Scalar* __restrict dm_row = dm.row(r);
      const Scalar* __restrict dc_next = s.dc.row(r);
      const Scalar* __restrict dq_next = kFgr ? s.dc.row(r) + H : nullptr;
      Scalar* __restrict dc_prev = s.dc_prev.row(r);
      Scalar* __restrict da_i_out = kHasI ? da.row(r, kI) : nullptr;
      Scalar* __restrict da_f_out = kHasF ? da.row(r, kF) : nullptr;
      Scalar* __restrict da_g_out = da.row(r, kG);
      Scalar* __restrict da_o_out = kHasO ? da.row(r, kO) : nullptr;
#pragma GCC ivdep
      for (int j = 0; j < H; ++j) {
        const Scalar i = kHasI ? i_act[j] : Scalar(1), g = g_act[j], act_c = act_c_act[j];
        const Scalar o = kHasO ? o_act[j] : Scalar(1);
        const Scalar f = kForm.coupled ? Scalar(1) - i : kHasF ? f_act[j] : Scalar(1);
        // m = o ⊙ A(c), o = σ(a_o + p_o ⊙ c)
        Scalar d_o = dm_row[j] * act_c;
        if constexpr (kFgr && kHasO) d_o += dq_next[kRowO * H + j];
        const Scalar da_o = kHasO ? d_o * sigmoid_grad(o) : Scalar(0);
        const Scalar act_c_grad = kForm.output_activation ? tanh_grad(act_c) : Scalar(1);
        Scalar dc = dc_next[j] + dm_row[j] * o * act_c_grad;
        if constexpr (kPeephole && kHasO) dc += da_o * p.o[j];
        // c = f ⊙ c⟨t−1⟩ + i ⊙ g
        Scalar df = dc * c_prev[j], di = dc * g;
        if constexpr (kFgr && kHasF) df += dq_next[kRowF * H + j];
        if constexpr (kFgr && kHasI) di += dq_next[kRowI * H + j];
        if constexpr (kForm.coupled) di -= df;
        const Scalar da_i = kHasI ? di * sigmoid_grad(i) : Scalar(0);
        const Scalar da_f = kHasF ? df * sigmoid_grad(f) : Scalar(0);
        Scalar dc_back = dc * f;
        if constexpr (kPeephole) {
          if constexpr (kHasI) {
            dc_back += da_i * p.i[j];
            dp_i[j] += da_i * c_prev[j];
          }
          if constexpr (kHasF) {
            dc_back += da_f * p.f[j];
            dp_f[j] += da_f * c_prev[j];
          }
          if constexpr (kHasO) dp_o[j] += da_o * c_now[j];
        }
        dc_prev[j] += dc_back;
        if constexpr (kHasI) da_i_out[j] = da_i;
        if constexpr (kHasF) da_f_out[j] = da_f;
        da_g_out[j] = kForm.input_activation ? dc * i * tanh_grad(g) : dc * i;
        if constexpr (kHasO) da_o_out[j] = da_o;
      }
    }
    const harness::ConstMatrixView<Scalar> d_pre = s.d_gates_x;
    if constexpr (kFgr) {
      // ∂R_k += da_kᵀ·q⟨t−1⟩,  ∂q⟨t−1⟩ += da_k·R_k
      const auto q_prev = s.c_prev.col_block(H, kSigmoidGates * H);
      const auto R = s.weights.extra[kFgrIndex];
      for_each_sigmoid_gate([&](int gate, int row) {
        const auto da_k = d_pre.col_block(gate * H, H);
        s.backend.gemm(Transpose::Yes, da_k, Transpose::No, q_prev, Scalar(1), Scalar(1),
                       s.d_extra[kFgrIndex].row_block(row * H, H));
        s.backend.gemm(Transpose::No, da_k, Transpose::No, R.row_block(row * H, H), Scalar(1),
                       Scalar(1), s.dc_prev.col_block(H, kSigmoidGates * H));
      });
    }
    // ∂h⟨t−1⟩ += da · W_h
    s.backend.gemm(Transpose::No, d_pre, Transpose::No, s.weights.recurrent, Scalar(1), Scalar(1),
                   s.dh_prev);
  }

 private:
  // Indices of the extra parameters: p, then R, then W_p, each when the form has it.
  static constexpr int kFgrIndex = int(kPeephole);
  static constexpr int kProjectionIndex = int(kPeephole) + int(kFgr);

  // fn(gate index, row of the σ gate) for i, f, o as the form has them.
  template <class Fn>
  static void for_each_sigmoid_gate(Fn fn) {
    if constexpr (kHasI) fn(kI, kRowI);
    if constexpr (kHasF) fn(kF, kRowF);
    if constexpr (kHasO) fn(kO, kRowO);
  }

  // Rows p_i, p_f, p_o of the peephole parameter (null when the form has no such gate or no
  // peepholes).
  template <class Scalar>
  struct Peepholes {
    const Scalar* i = nullptr;
    const Scalar* f = nullptr;
    const Scalar* o = nullptr;
    explicit Peepholes(const harness::CellWeights<Scalar>& weights) {
      if constexpr (kPeephole) {
        const auto& p = weights.extra[0];
        if constexpr (kHasI) i = p.row(kRowI);
        if constexpr (kHasF) f = p.row(kRowF);
        if constexpr (kHasO) o = p.row(kRowO);
      }
    }
  };
};

}  // namespace cells
