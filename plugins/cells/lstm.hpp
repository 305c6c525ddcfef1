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
    const harness::GateView<Scalar> a{s.gates, H};
    const harness::GateView<Scalar> act{s.workspace, H};
    for (int r = 0; r < s.h.rows; ++r) {
      for (int j = 0; j < H; ++j) {
        const Scalar c_prev = s.c_prev(r, j);
        const Scalar i = sigmoid(a(r, kI, j) + peephole(s, kPeepI, j) * c_prev);
        const Scalar f =
            kCoupled ? Scalar(1) - i : sigmoid(a(r, kF, j) + peephole(s, kPeepF, j) * c_prev);
        const Scalar g = std::tanh(a(r, kG, j));
        const Scalar c = f * c_prev + i * g;
        const Scalar o = sigmoid(a(r, kO, j) + peephole(s, kPeepO, j) * c);
        const Scalar tanh_c = std::tanh(c);
        s.c(r, j) = c;
        s.h(r, j) = o * tanh_c;
        act(r, kI, j) = i;
        if constexpr (!kCoupled) act(r, kF, j) = f;
        act(r, kG, j) = g;
        act(r, kO, j) = o;
        act(r, kTanhC, j) = tanh_c;
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
    for (int r = 0; r < s.dh.rows; ++r) {
      for (int j = 0; j < H; ++j) {
        const Scalar i = act(r, kI, j), g = act(r, kG, j), o = act(r, kO, j);
        const Scalar f = kCoupled ? Scalar(1) - i : act(r, kF, j);
        const Scalar tanh_c = act(r, kTanhC, j);
        const Scalar c_prev = s.c_prev(r, j), c = s.c(r, j), dh = s.dh(r, j);
        // h = o ⊙ tanh(c), o = σ(a_o + p_o ⊙ c)
        const Scalar da_o = dh * tanh_c * sigmoid_grad(o);
        const Scalar dc = s.dc(r, j) + dh * o * tanh_grad(tanh_c) + da_o * peephole(s, kPeepO, j);
        // c = f ⊙ c⟨t−1⟩ + i ⊙ g
        const Scalar df = dc * c_prev;
        const Scalar di = dc * g - (kCoupled ? df : Scalar(0));
        const Scalar da_i = di * sigmoid_grad(i);
        const Scalar da_f = kCoupled ? Scalar(0) : df * sigmoid_grad(f);
        const Scalar da_g = dc * i * tanh_grad(g);
        s.dc_prev(r, j) += dc * f + da_i * peephole(s, kPeepI, j) + da_f * peephole(s, kPeepF, j);
        if constexpr (kPeephole) {
          const auto& dp = s.d_extra[0];
          dp(kPeepI, j) += da_i * c_prev;
          dp(kPeepF, j) += da_f * c_prev;
          dp(kPeepO, j) += da_o * c;
        }
        da(r, kI, j) = da_i;
        if constexpr (!kCoupled) da(r, kF, j) = da_f;
        da(r, kG, j) = da_g;
        da(r, kO, j) = da_o;
      }
    }
    // ∂h⟨t−1⟩ += da · W_h
    s.backend.gemm(Transpose::No, harness::ConstMatrixView<Scalar>(s.d_gates_x), Transpose::No, W_h,
                   Scalar(1), Scalar(1), s.dh_prev);
  }

 private:
  // p_k[j], or 0 without peepholes (so the shared lines above read like the equations).
  template <class Step>
  static auto peephole(const Step& s, int row, int j) {
    using Scalar = std::remove_const_t<std::remove_reference_t<decltype(*s.h_prev.data)>>;
    if constexpr (kPeephole) return s.parameters[harness::kFirstExtra](row, j);
    return Scalar(0);
  }
};

}  // namespace cells
