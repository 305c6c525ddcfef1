// IndRNN (Li et al. 2018, "Independently recurrent neural network"): each unit sees only its own
// previous value, through an element-wise recurrent weight u instead of a matrix:
//
//   a⟨t⟩ = W_x x⟨t⟩ + b
//   h⟨t⟩ = max(0, a⟨t⟩ + u ⊙ h⟨t−1⟩)
//
// u (1, H) is initialised by the experiment's init.diagonal (`bounded`: U(0, 2^(1/T)), the paper's
// bound |u| ≤ 2^(1/T), under which a ReLU unit's gradient can neither explode nor vanish over T
// steps). Gate layout: a. No workspace: h⟨t⟩ tells which units were active.
//
// Backward, with dh = ∂L/∂h⟨t⟩:
//   da       = dh ⊙ [h⟨t⟩ > 0]
//   ∂u      += da ⊙ h⟨t−1⟩
//   ∂h⟨t−1⟩ += da ⊙ u
#pragma once

#include <harness/cell.hpp>

namespace cells {

class IndRnn final : public harness::CellFor<IndRnn> {
 public:
  harness::CellSpec spec(const harness::CellShape& shape) const override {
    return {.gates = 1,
            .gate_names = {"a"},
            .extra_parameters = {{"u", 1, shape.hidden, harness::ParameterSpec::Init::Diagonal}}};
  }

  template <class Scalar>
  void forward_step(const harness::ForwardStep<Scalar>& s) const {
    const Scalar* __restrict u = s.weights.extra[0].row(0);
    for (int r = 0; r < s.h.rows; ++r) {
      const Scalar* __restrict a = s.gates.row(r);
      const Scalar* __restrict h_prev = s.h_prev.row(r);
      Scalar* __restrict h = s.h.row(r);
#pragma GCC ivdep
      for (int j = 0; j < s.h.cols; ++j) {
        const Scalar pre = a[j] + u[j] * h_prev[j];
        h[j] = pre > Scalar(0) ? pre : Scalar(0);
      }
    }
  }

  template <class Scalar>
  void backward_step(const harness::BackwardStep<Scalar>& s) const {
    const Scalar* __restrict u = s.weights.extra[0].row(0);
    Scalar* __restrict du = s.d_extra[0].row(0);
    for (int r = 0; r < s.dh.rows; ++r) {
      const Scalar* __restrict dh = s.dh.row(r);
      const Scalar* __restrict h = s.h.row(r);
      const Scalar* __restrict h_prev = s.h_prev.row(r);
      Scalar* __restrict da = s.d_gates_x.row(r);
      Scalar* __restrict dh_prev = s.dh_prev.row(r);
#pragma GCC ivdep
      for (int j = 0; j < s.dh.cols; ++j) {
        const Scalar d = h[j] > Scalar(0) ? dh[j] : Scalar(0);
        da[j] = d;
        du[j] += d * h_prev[j];
        dh_prev[j] += d * u[j];
      }
    }
  }
};

}  // namespace cells
