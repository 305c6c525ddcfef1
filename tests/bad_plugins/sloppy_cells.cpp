// Cells that break the promises `harness check` verifies before it runs a cell in a layer:
//   bad_spec        two gates but one gate name, and recurrent blocks covering one gate
//   sloppy_output   forward leaves the last unit of h⟨t⟩ unwritten and writes one past it
#include <harness/plugin.hpp>

namespace {

class BadSpec final : public harness::CellFor<BadSpec> {
 public:
  harness::CellSpec spec(const harness::CellShape&) const override {
    return {
        .gates = 2, .gate_names = {"a"}, .recurrent_blocks = {{.first_gate = 0, .gate_count = 1}}};
  }
  template <class Scalar>
  void forward_step(const harness::ForwardStep<Scalar>&) const {}
  template <class Scalar>
  void backward_step(const harness::BackwardStep<Scalar>&) const {}
};

class SloppyOutput final : public harness::CellFor<SloppyOutput> {
 public:
  harness::CellSpec spec(const harness::CellShape&) const override {
    return {
        .gates = 1, .gate_names = {"a"}, .recurrent_blocks = {{.first_gate = 0, .gate_count = 1}}};
  }
  template <class Scalar>
  void forward_step(const harness::ForwardStep<Scalar>& s) const {
    for (int r = 0; r < s.h.rows; ++r) {
      for (int j = 0; j + 1 < s.h.cols; ++j) s.h(r, j) = s.gates(r, j);
      s.h.row(r)[s.h.cols] = 0;
    }
  }
  template <class Scalar>
  void backward_step(const harness::BackwardStep<Scalar>& s) const {
    for (int r = 0; r < s.dh.rows; ++r) {
      for (int j = 0; j < s.dh.cols; ++j) s.d_gates_x(r, j) = s.dh(r, j);
    }
  }
};

constexpr harness::CellEntry kCells[] = {
    {"bad_spec", "two gates, one gate name", &harness::make_cell<BadSpec>},
    {"sloppy_output", "leaves h partly unwritten, writes past it",
     &harness::make_cell<SloppyOutput>},
};

}  // namespace

HARNESS_PLUGIN("sloppy_cells", "0.0.1", kCells, {})
