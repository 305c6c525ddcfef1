// LSTM (Hochreiter & Schmidhuber 1997, with the forget gate of Gers et al. 2000) and two variants
// that share its math through a flag (Greff et al. 2017 name both):
//
//   lstm           i = σ(a_i)                 f = σ(a_f)
//   lstm_peephole  i = σ(a_i + p_i ⊙ c⟨t−1⟩)   f = σ(a_f + p_f ⊙ c⟨t−1⟩)   o sees c⟨t⟩ (Gers et
//   al.) lstm_cifg      i = σ(a_i)                 f = 1 − i  (coupled input and forget gates)
//
// with a_k = W_x,k x⟨t⟩ + W_h,k h⟨t−1⟩ + b_k and, for all three,
//   g⟨t⟩ = tanh(a_g)
//   c⟨t⟩ = f ⊙ c⟨t−1⟩ + i ⊙ g
//   o⟨t⟩ = σ(a_o [+ p_o ⊙ c⟨t⟩])
//   h⟨t⟩ = o ⊙ tanh(c⟨t⟩)
//
// Gate layout: i, f, g, o (lstm_cifg has no f row: i, g, o). Peepholes p are (3, H): rows p_i, p_f,
// p_o. Workspace per row: the gate activations in gate order, then tanh(c⟨t⟩).
//
// Backward, with dh = ∂L/∂h⟨t⟩ and dc = ∂L/∂c⟨t⟩ from later steps; "da_k" is the gradient of gate
// k's pre-activation (before σ or tanh):
//   da_o   = dh ⊙ tanh(c) ⊙ o(1 − o)
//   dc    += dh ⊙ o ⊙ (1 − tanh²(c)) [+ da_o ⊙ p_o]
//   da_i   = dc ⊙ g ⊙ i(1 − i)          (cifg: (dc ⊙ g − dc ⊙ c⟨t−1⟩) ⊙ i(1 − i), as f = 1 − i)
//   da_f   = dc ⊙ c⟨t−1⟩ ⊙ f(1 − f)
//   da_g   = dc ⊙ i ⊙ (1 − g²)
//   ∂c⟨t−1⟩ += dc ⊙ f [+ da_i ⊙ p_i + da_f ⊙ p_f]
//   ∂p_i += da_i ⊙ c⟨t−1⟩,  ∂p_f += da_f ⊙ c⟨t−1⟩,  ∂p_o += da_o ⊙ c⟨t⟩
//   ∂h⟨t−1⟩ += da · W_h
#pragma once

#include <harness/cell.hpp>

#include "activations.hpp"

namespace cells {

enum class LstmVariant { Plain, Peephole, CoupledInputForget };

template <LstmVariant kVariant>
class Lstm final : public harness::CellFor<Lstm<kVariant>> {
  static constexpr bool kPeephole = kVariant == LstmVariant::Peephole;
  static constexpr bool kCoupled = kVariant == LstmVariant::CoupledInputForget;

  // Gate indices; with coupled gates there is no forget row and g, o move up by one.
  static constexpr int kI = 0;
  static constexpr int kF = 1;  // unused when kCoupled
  static constexpr int kG = kCoupled ? 1 : 2;
  static constexpr int kO = kCoupled ? 2 : 3;
  static constexpr int kGates = kCoupled ? 3 : 4;
  static constexpr int kTanhC = kGates;  // workspace block after the gate activations
  enum PeepholeRow { kPeepI = 0, kPeepF = 1, kPeepO = 2 };

 public:
  harness::CellSpec spec(int /*input_size*/, int hidden_size) const override {
    harness::CellSpec spec{.gates = kGates,
                           .gate_names = kCoupled ? std::vector<std::string>{"i", "g", "o"}
                                                  : std::vector<std::string>{"i", "f", "g", "o"},
                           .has_cell_state = true,
                           .workspace_width = (kGates + 1) * hidden_size,
                           .recurrent_blocks = {{.first_gate = 0, .gate_count = kGates}}};
    if (kPeephole) spec.extra_parameters.push_back({"p", 3, hidden_size});
    return spec;
  }

  template <class Scalar>
  void forward_step(const harness::ForwardStep<Scalar>& s) const {
    using harness::Transpose;
    const int H = s.h.cols;
    const auto& W_h = s.parameters[harness::kRecurrentWeights];
    // a = (x·W_xᵀ + b) + h⟨t−1⟩·W_hᵀ for all gates at once
    s.backend.gemm(Transpose::No, s.h_prev, Transpose::Yes, W_h, Scalar(1), Scalar(1), s.gates);
    const harness::GateView<const Scalar> a{s.gates, H};
    const harness::GateView<Scalar> act{s.workspace, H};
    const Peepholes<Scalar> p(s.parameters);
    for (int r = 0; r < s.h.rows; ++r) {
      const Scalar* __restrict a_i = a.row(r, kI);
      const Scalar* __restrict a_f = kCoupled ? nullptr : a.row(r, kF);
      const Scalar* __restrict a_g = a.row(r, kG);
      const Scalar* __restrict a_o = a.row(r, kO);
      const Scalar* __restrict c_prev = s.c_prev.row(r);
      Scalar* __restrict i_out = act.row(r, kI);
      Scalar* __restrict f_out = kCoupled ? nullptr : act.row(r, kF);
      Scalar* __restrict g_out = act.row(r, kG);
      Scalar* __restrict o_out = act.row(r, kO);
      Scalar* __restrict tanh_c_out = act.row(r, kTanhC);
      Scalar* __restrict c_out = s.c.row(r);
      Scalar* __restrict h_out = s.h.row(r);
#pragma GCC ivdep
      for (int j = 0; j < H; ++j) {
        Scalar pre_i = a_i[j], pre_f = kCoupled ? Scalar(0) : a_f[j], pre_o = a_o[j];
        if constexpr (kPeephole) {
          pre_i += p.i[j] * c_prev[j];
          pre_f += p.f[j] * c_prev[j];
        }
        const Scalar i = sigmoid(pre_i);
        const Scalar f = kCoupled ? Scalar(1) - i : sigmoid(pre_f);
        const Scalar g = std::tanh(a_g[j]);
        const Scalar c = f * c_prev[j] + i * g;
        if constexpr (kPeephole) pre_o += p.o[j] * c;
        const Scalar o = sigmoid(pre_o);
        const Scalar tanh_c = std::tanh(c);
        c_out[j] = c;
        h_out[j] = o * tanh_c;
        i_out[j] = i;
        if constexpr (!kCoupled) f_out[j] = f;
        g_out[j] = g;
        o_out[j] = o;
        tanh_c_out[j] = tanh_c;
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
    const Peepholes<Scalar> p(s.parameters);
    Scalar* __restrict dp_i = kPeephole ? s.d_extra[0].row(kPeepI) : nullptr;
    Scalar* __restrict dp_f = kPeephole ? s.d_extra[0].row(kPeepF) : nullptr;
    Scalar* __restrict dp_o = kPeephole ? s.d_extra[0].row(kPeepO) : nullptr;
    for (int r = 0; r < s.dh.rows; ++r) {
      const Scalar* __restrict i_act = act.row(r, kI);
      const Scalar* __restrict f_act = kCoupled ? nullptr : act.row(r, kF);
      const Scalar* __restrict g_act = act.row(r, kG);
      const Scalar* __restrict o_act = act.row(r, kO);
      const Scalar* __restrict tanh_c_act = act.row(r, kTanhC);
      const Scalar* __restrict c_prev = s.c_prev.row(r);
      const Scalar* __restrict c_now = s.c.row(r);
      const Scalar* __restrict dh = s.dh.row(r);
      const Scalar* __restrict dc_next = s.dc.row(r);
      Scalar* __restrict dc_prev = s.dc_prev.row(r);
      Scalar* __restrict da_i_out = da.row(r, kI);
      Scalar* __restrict da_f_out = kCoupled ? nullptr : da.row(r, kF);
      Scalar* __restrict da_g_out = da.row(r, kG);
      Scalar* __restrict da_o_out = da.row(r, kO);
#pragma GCC ivdep
      for (int j = 0; j < H; ++j) {
        const Scalar i = i_act[j], g = g_act[j], o = o_act[j], tanh_c = tanh_c_act[j];
        const Scalar f = kCoupled ? Scalar(1) - i : f_act[j];
        // h = o ⊙ tanh(c), o = σ(a_o + p_o ⊙ c)
        const Scalar da_o = dh[j] * tanh_c * sigmoid_grad(o);
        Scalar dc = dc_next[j] + dh[j] * o * tanh_grad(tanh_c);
        if constexpr (kPeephole) dc += da_o * p.o[j];
        // c = f ⊙ c⟨t−1⟩ + i ⊙ g
        const Scalar df = dc * c_prev[j];
        const Scalar di = kCoupled ? dc * g - df : dc * g;
        const Scalar da_i = di * sigmoid_grad(i);
        const Scalar da_f = kCoupled ? Scalar(0) : df * sigmoid_grad(f);
        Scalar dc_back = dc * f;
        if constexpr (kPeephole) {
          dc_back += da_i * p.i[j] + da_f * p.f[j];
          dp_i[j] += da_i * c_prev[j];
          dp_f[j] += da_f * c_prev[j];
          dp_o[j] += da_o * c_now[j];
        }
        dc_prev[j] += dc_back;
        da_i_out[j] = da_i;
        if constexpr (!kCoupled) da_f_out[j] = da_f;
        da_g_out[j] = dc * i * tanh_grad(g);
        da_o_out[j] = da_o;
      }
    }
    // ∂h⟨t−1⟩ += da · W_h
    s.backend.gemm(Transpose::No, harness::ConstMatrixView<Scalar>(s.d_gates_x), Transpose::No, W_h,
                   Scalar(1), Scalar(1), s.dh_prev);
  }

 private:
  // Rows p_i, p_f, p_o of the peephole parameter (null without peepholes).
  template <class Scalar>
  struct Peepholes {
    const Scalar* i = nullptr;
    const Scalar* f = nullptr;
    const Scalar* o = nullptr;
    explicit Peepholes(std::span<const harness::ConstMatrixView<Scalar>> parameters) {
      if constexpr (kPeephole) {
        const auto& p = parameters[harness::kFirstExtra];
        i = p.row(kPeepI);
        f = p.row(kPeepF);
        o = p.row(kPeepO);
      }
    }
  };
};

}  // namespace cells
