// Minimal Gated Unit (Zhou et al. 2016, "Minimal gated unit for recurrent neural networks"): a GRU
// whose one forget gate f serves as both update and reset gate.
//
//   f⟨t⟩ = σ(W_x,f x⟨t⟩ + W_h,f h⟨t−1⟩ + b_f)
//   n⟨t⟩ = tanh(W_x,n x⟨t⟩ + W_h,n (f⟨t⟩ ⊙ h⟨t−1⟩) + b_n)
//   h⟨t⟩ = (1 − f⟨t⟩) ⊙ h⟨t−1⟩ + f⟨t⟩ ⊙ n⟨t⟩
//
// Backward, with dh = ∂L/∂h⟨t⟩ and da_k the gradient of gate k's pre-activation:
//   da_n       = dh ⊙ f ⊙ (1 − n²)
//   ds         = da_n · W_h,n                        (s = f ⊙ h⟨t−1⟩ feeds the n product)
//   da_f       = (dh ⊙ (n − h⟨t−1⟩) + ds ⊙ h⟨t−1⟩) ⊙ f(1 − f)
//   ∂h⟨t−1⟩  += dh ⊙ (1 − f) + ds ⊙ f + da_f · W_h,f
// The harness adds the rest: ∂W_x, ∂b and ∂x from da = [da_f, da_n], ∂W_h,f from da_f and h⟨t−1⟩,
// ∂W_h,n from da_n and s (the recurrent blocks below say which input multiplies which rows).
#include <harness/plugin.hpp>

#include <cmath>

namespace {

using harness::ConstMatrixView;
using harness::Transpose;

// Gate layout: rows [0, H) of W_x, W_h and b belong to f, rows [H, 2H) to n.
constexpr int kF = 0;
constexpr int kN = 1;
// Workspace layout per batch row, kept from forward to backward: f, n, s = f ⊙ h⟨t−1⟩.
constexpr int kS = 2;

template <class Scalar>
Scalar sigmoid(Scalar a) {
  return Scalar(1) / (Scalar(1) + std::exp(-a));
}

class Mgu final : public harness::CellFor<Mgu> {
 public:
  harness::CellSpec spec(const harness::CellShape& shape) const override {
    const int H = shape.hidden;
    return {.gates = 2,
            .gate_names = {"f", "n"},
            .workspace_width = 3 * H,
            .scratch_width = H,  // ds in backward
            .recurrent_blocks = {{.first_gate = kF, .gate_count = 1},
                                 {.first_gate = kN,
                                  .gate_count = 1,
                                  .input = harness::RecurrentBlock::Input::Workspace,
                                  .workspace_column = kS * H}}};
  }

  // s.gates holds x⟨t⟩·W_xᵀ + b for this step's rows; the recurrent products are the cell's.
  template <class Scalar>
  void forward_step(const harness::ForwardStep<Scalar>& s) const {
    const int H = s.h.cols;
    const auto& W_h = s.weights.recurrent;
    const harness::GateView<Scalar> a{s.gates, H};
    const harness::GateView<Scalar> keep{s.workspace, H};
    const Scalar one(1);

    // a_f += h⟨t−1⟩ · W_h,fᵀ
    s.backend.gemm(Transpose::No, s.h_prev, Transpose::Yes, W_h.row_block(kF * H, H), one, one,
                   a.gate(kF));
    for (int r = 0; r < s.h.rows; ++r) {
      for (int j = 0; j < H; ++j) {
        const Scalar f = sigmoid(a(r, kF, j));
        keep(r, kF, j) = f;
        keep(r, kS, j) = f * s.h_prev(r, j);
      }
    }
    // a_n += s · W_h,nᵀ
    s.backend.gemm(Transpose::No, ConstMatrixView<Scalar>(keep.gate(kS)), Transpose::Yes,
                   W_h.row_block(kN * H, H), one, one, a.gate(kN));
    for (int r = 0; r < s.h.rows; ++r) {
      for (int j = 0; j < H; ++j) {
        const Scalar f = keep(r, kF, j);
        const Scalar n = std::tanh(a(r, kN, j));
        keep(r, kN, j) = n;
        s.h(r, j) = (one - f) * s.h_prev(r, j) + f * n;
      }
    }
  }

  // Writes da = [da_f, da_n] into d_gates_x and adds this step's share of ∂L/∂h⟨t−1⟩ to dh_prev.
  template <class Scalar>
  void backward_step(const harness::BackwardStep<Scalar>& s) const {
    const int H = s.dh.cols;
    const auto& W_h = s.weights.recurrent;
    const harness::GateView<const Scalar> keep{s.workspace, H};
    const harness::GateView<Scalar> da{s.d_gates_x, H};
    const Scalar one(1);

    for (int r = 0; r < s.dh.rows; ++r) {
      for (int j = 0; j < H; ++j) {
        const Scalar f = keep(r, kF, j), n = keep(r, kN, j), dh = s.dh(r, j);
        da(r, kN, j) = dh * f * (one - n * n);
        s.dh_prev(r, j) += dh * (one - f);
      }
    }
    // ds = da_n · W_h,n, in the scratch buffer
    s.backend.gemm(Transpose::No, ConstMatrixView<Scalar>(da.gate(kN)), Transpose::No,
                   W_h.row_block(kN * H, H), one, Scalar(0), s.scratch);
    for (int r = 0; r < s.dh.rows; ++r) {
      for (int j = 0; j < H; ++j) {
        const Scalar f = keep(r, kF, j), n = keep(r, kN, j), dh = s.dh(r, j);
        const Scalar h_prev = s.h_prev(r, j), ds = s.scratch(r, j);
        const Scalar df = dh * (n - h_prev) + ds * h_prev;
        da(r, kF, j) = df * f * (one - f);
        s.dh_prev(r, j) += ds * f;
      }
    }
    // ∂h⟨t−1⟩ += da_f · W_h,f
    s.backend.gemm(Transpose::No, ConstMatrixView<Scalar>(da.gate(kF)), Transpose::No,
                   W_h.row_block(kF * H, H), one, one, s.dh_prev);
  }
};

constexpr harness::CellEntry kCells[] = {
    {"mgu", "minimal gated unit: one forget gate as update and reset (Zhou et al. 2016)",
     &harness::make_cell<Mgu>},
};

}  // namespace

HARNESS_PLUGIN("mgu", "1.0.0", kCells, {})
