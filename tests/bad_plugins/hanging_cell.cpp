// A cell that never returns from its forward, for `harness check --timeout`.
#include <harness/plugin.hpp>

namespace {

class Hangs final : public harness::CellFor<Hangs> {
 public:
  harness::CellSpec spec(const harness::CellShape&) const override {
    return {
        .gates = 1, .gate_names = {"a"}, .recurrent_blocks = {{.first_gate = 0, .gate_count = 1}}};
  }
  template <class Scalar>
  void forward_step(const harness::ForwardStep<Scalar>&) const {
    for (volatile bool forever = true; forever;) {
    }
  }
  template <class Scalar>
  void backward_step(const harness::BackwardStep<Scalar>&) const {}
};

constexpr harness::CellEntry kCells[] = {
    {"hangs", "never returns from its forward", &harness::make_cell<Hangs>},
};

}  // namespace

HARNESS_PLUGIN("hanging_cell", "0.0.1", kCells, {})
