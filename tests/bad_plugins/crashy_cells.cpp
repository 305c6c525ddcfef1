// Cells that take down the code running them, for the isolation of `harness check` and
// `harness run`:
//   segv     writes through a null pointer in its forward
//   throws   a linear cell (h = a) whose backward throws
//   linear   the same cell with its backward: sound, so that its checks pass beside the others
#include <cstdint>
#include <harness/plugin.hpp>
#include <stdexcept>

namespace {

harness::CellSpec one_linear_gate() {
  return {
      .gates = 1, .gate_names = {"a"}, .recurrent_blocks = {{.first_gate = 0, .gate_count = 1}}};
}

// Volatile, so that the compiler cannot see the null pointer and drop the write.
volatile std::uintptr_t null_address = 0;

class Segv final : public harness::CellFor<Segv> {
 public:
  harness::CellSpec spec(const harness::CellShape&) const override { return one_linear_gate(); }
  template <class Scalar>
  void forward_step(const harness::ForwardStep<Scalar>& s) const {
    *reinterpret_cast<volatile Scalar*>(null_address) = s.gates(0, 0);
  }
  template <class Scalar>
  void backward_step(const harness::BackwardStep<Scalar>&) const {}
};

// h = a = (x·W_xᵀ + b) + h⟨t−1⟩·W_hᵀ
template <class Scalar>
void linear_forward(const harness::ForwardStep<Scalar>& s) {
  s.backend.gemm(harness::Transpose::No, s.h_prev, harness::Transpose::Yes, s.weights.recurrent,
                 Scalar(1), Scalar(1), s.gates);
  for (int r = 0; r < s.h.rows; ++r) {
    for (int j = 0; j < s.h.cols; ++j) s.h(r, j) = s.gates(r, j);
  }
}

class Linear final : public harness::CellFor<Linear> {
 public:
  harness::CellSpec spec(const harness::CellShape&) const override { return one_linear_gate(); }
  template <class Scalar>
  void forward_step(const harness::ForwardStep<Scalar>& s) const {
    linear_forward(s);
  }
  // da = dh,  ∂h⟨t−1⟩ += da·W_h
  template <class Scalar>
  void backward_step(const harness::BackwardStep<Scalar>& s) const {
    for (int r = 0; r < s.dh.rows; ++r) {
      for (int j = 0; j < s.dh.cols; ++j) s.d_gates_x(r, j) = s.dh(r, j);
    }
    s.backend.gemm(harness::Transpose::No, harness::ConstMatrixView<Scalar>(s.d_gates_x),
                   harness::Transpose::No, s.weights.recurrent, Scalar(1), Scalar(1), s.dh_prev);
  }
};

class Throws final : public harness::CellFor<Throws> {
 public:
  harness::CellSpec spec(const harness::CellShape&) const override { return one_linear_gate(); }
  template <class Scalar>
  void forward_step(const harness::ForwardStep<Scalar>& s) const {
    linear_forward(s);
  }
  template <class Scalar>
  void backward_step(const harness::BackwardStep<Scalar>&) const {
    throw std::runtime_error("the throws cell has no backward");
  }
};

constexpr harness::CellEntry kCells[] = {
    {"segv", "writes through a null pointer in its forward", &harness::make_cell<Segv>},
    {"throws", "a linear cell whose backward throws", &harness::make_cell<Throws>},
    {"linear", "a linear cell, sound", &harness::make_cell<Linear>},
};

}  // namespace

HARNESS_PLUGIN("crashy_cells", "0.0.1", kCells, {})
