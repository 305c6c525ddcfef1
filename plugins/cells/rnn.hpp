// Vanilla (Elman) RNN, one gate:
//
//   a⟨t⟩ = W_x x⟨t⟩ + W_h h⟨t−1⟩ + b
//   h⟨t⟩ = φ(a⟨t⟩),   φ = tanh (rnn_tanh) or max(0, ·) (rnn_relu, Le et al. 2015 "IRNN")
//
// Backward, with dh = ∂L/∂h⟨t⟩:
//   da         = dh ⊙ φ'(a)      (tanh' = 1 − h², relu' = [h > 0]: both read h⟨t⟩)
//   ∂h⟨t−1⟩   += da · W_h
#pragma once

#include <harness/cell.hpp>

#include "activations.hpp"

namespace cells {

enum class RnnActivation { Tanh, Relu };

template <RnnActivation kActivation>
class Rnn final : public harness::CellFor<Rnn<kActivation>> {
 public:
  harness::CellSpec spec(const harness::CellShape& /*shape*/) const override {
    return {
        .gates = 1, .gate_names = {"a"}, .recurrent_blocks = {{.first_gate = 0, .gate_count = 1}}};
  }

  template <class Scalar>
  void forward_step(const harness::ForwardStep<Scalar>& s) const {
    using harness::Transpose;
    const auto& W_h = s.weights.recurrent;
    // a = (x·W_xᵀ + b) + h⟨t−1⟩·W_hᵀ, accumulated into the gates buffer
    s.backend.gemm(Transpose::No, s.h_prev, Transpose::Yes, W_h, Scalar(1), Scalar(1), s.gates);
    for (int r = 0; r < s.h.rows; ++r) {
      const Scalar* __restrict a = s.gates.row(r);
      Scalar* __restrict h = s.h.row(r);
#pragma GCC ivdep
      for (int j = 0; j < s.h.cols; ++j) h[j] = activate(a[j]);
    }
  }

  template <class Scalar>
  void backward_step(const harness::BackwardStep<Scalar>& s) const {
    using harness::Transpose;
    const auto& W_h = s.weights.recurrent;
    for (int r = 0; r < s.dh.rows; ++r) {
      const Scalar* __restrict dh = s.dh.row(r);
      const Scalar* __restrict h = s.h.row(r);
      Scalar* __restrict da = s.d_gates_x.row(r);
#pragma GCC ivdep
      for (int j = 0; j < s.dh.cols; ++j) da[j] = dh[j] * derivative(h[j]);
    }
    s.backend.gemm(Transpose::No, harness::ConstMatrixView<Scalar>(s.d_gates_x), Transpose::No, W_h,
                   Scalar(1), Scalar(1), s.dh_prev);
  }

 private:
  template <class Scalar>
  static Scalar activate(Scalar a) {
    if constexpr (kActivation == RnnActivation::Tanh) return std::tanh(a);
    return a > Scalar(0) ? a : Scalar(0);
  }
  template <class Scalar>
  static Scalar derivative(Scalar h) {
    if constexpr (kActivation == RnnActivation::Tanh) return tanh_grad(h);
    return h > Scalar(0) ? Scalar(1) : Scalar(0);
  }
};

}  // namespace cells
