// minGRU (Feng et al. 2024, "Were RNNs all we needed?") with the paper's g on the candidate, the
// form its log-space version trains: no recurrent matrix, so the cell declares no recurrent
// blocks and has no W_h; h⟨t−1⟩ enters only element-wise.
//
//   z⟨t⟩ = σ(W_x,z x⟨t⟩ + b_z)
//   h̃⟨t⟩ = g(W_x,n x⟨t⟩ + b_n),   g(a) = a + 1/2 for a ≥ 0, σ(a) below (positive, continuous)
//   h⟨t⟩ = (1 − z) ⊙ h⟨t−1⟩ + z ⊙ h̃
//
// Backward, with dh = ∂L/∂h⟨t⟩ and da_k the gradient of gate k's pre-activation:
//   da_z      = dh ⊙ (h̃ − h⟨t−1⟩) ⊙ z(1 − z)
//   da_n      = dh ⊙ z ⊙ g'(a_n),   g' = 1 for a ≥ 0, σ(a)(1 − σ(a)) below
//   ∂h⟨t−1⟩ += dh ⊙ (1 − z)
// The harness adds ∂W_x, ∂b and ∂x from da = [da_z, da_n].
#include <harness/plugin.hpp>

#include <cmath>

namespace {

// Gate layout: rows [0, H) of W_x and b belong to z, rows [H, 2H) to n.
constexpr int kZ = 0;
constexpr int kN = 1;
// Workspace per batch row: z, h̃, g'(a_n).
constexpr int kSlope = 2;

template <class Scalar>
Scalar sigmoid(Scalar a) {
  return Scalar(1) / (Scalar(1) + std::exp(-a));
}

class MinGruG final : public harness::CellFor<MinGruG> {
 public:
  harness::CellSpec spec(const harness::CellShape& shape) const override {
    // No recurrent_blocks: no W_h.
    return {.gates = 2, .gate_names = {"z", "n"}, .workspace_width = 3 * shape.hidden};
  }

  template <class Scalar>
  void forward_step(const harness::ForwardStep<Scalar>& s) const {
    const int H = s.h.cols;
    const harness::GateView<const Scalar> a{s.gates, H};
    const harness::GateView<Scalar> keep{s.workspace, H};
    for (int r = 0; r < s.h.rows; ++r) {
      for (int j = 0; j < H; ++j) {
        const Scalar z = sigmoid(a(r, kZ, j)), a_n = a(r, kN, j);
        const Scalar candidate = a_n >= 0 ? a_n + Scalar(0.5) : sigmoid(a_n);
        s.h(r, j) = (Scalar(1) - z) * s.h_prev(r, j) + z * candidate;
        keep(r, kZ, j) = z;
        keep(r, kN, j) = candidate;
        keep(r, kSlope, j) = a_n >= 0 ? Scalar(1) : candidate * (Scalar(1) - candidate);
      }
    }
  }

  template <class Scalar>
  void backward_step(const harness::BackwardStep<Scalar>& s) const {
    const int H = s.dh.cols;
    const harness::GateView<const Scalar> keep{s.workspace, H};
    const harness::GateView<Scalar> da{s.d_gates_x, H};
    for (int r = 0; r < s.dh.rows; ++r) {
      for (int j = 0; j < H; ++j) {
        const Scalar dh = s.dh(r, j), z = keep(r, kZ, j), h_prev = s.h_prev(r, j);
        da(r, kZ, j) = dh * (keep(r, kN, j) - h_prev) * z * (Scalar(1) - z);
        da(r, kN, j) = dh * z * keep(r, kSlope, j);
        s.dh_prev(r, j) += dh * (Scalar(1) - z);
      }
    }
  }
};

constexpr harness::CellEntry kCells[] = {
    {"mingru_g", "minGRU with g on the candidate (Feng et al. 2024)", &harness::make_cell<MinGruG>},
};

}  // namespace

HARNESS_PLUGIN("mingru_g", "1.0.0", kCells, {})
