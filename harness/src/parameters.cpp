#include "parameters.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace harness {

CellSpec resolved_spec(const Cell& cell, const CellShape& shape) {
  CellSpec spec = cell.spec(shape);
  if (spec.state_width == 0) spec.state_width = shape.hidden;
  if (static_cast<int>(spec.gate_names.size()) != spec.gates) {
    throw std::invalid_argument(
        fmt::format("cell spec: gate_names must name each of the {} gates", spec.gates));
  }
  int next_gate = 0;
  for (const auto& block : spec.recurrent_blocks) {
    if (block.first_gate != next_gate || block.gate_count < 1) break;
    next_gate += block.gate_count;
  }
  if (!spec.recurrent_blocks.empty() && next_gate != spec.gates) {
    throw std::invalid_argument(fmt::format(
        "cell spec: recurrent_blocks must cover gates 0..{} in order, each once", spec.gates - 1));
  }
  if (spec.state_width < 0 || spec.cell_state_width < 0) {
    throw std::invalid_argument("cell spec: negative state_width or cell_state_width");
  }
  if (shape.projection > 0 && spec.state_width != shape.projection) {
    throw std::invalid_argument(
        fmt::format("the model asks for a projection to {} units (proj), but this cell's state "
                    "has {}: it takes no projection; remove proj or choose a cell that projects "
                    "(lstmp)",
                    shape.projection, spec.state_width));
  }
  return spec;
}

ParameterLayout::ParameterLayout(const CellSpec& spec, int input_size, int hidden_size)
    : state_width_(spec.state_width), cell_state_width_(spec.cell_state_width) {
  const int gate_rows = spec.gates * hidden_size;
  auto add = [this](std::string name, ParameterRole role, int rows, int cols,
                    ParameterSpec::Init init = ParameterSpec::Init::Zeros) {
    entries_.push_back({std::move(name), role, rows, cols, size_, init});
    size_ += entries_.back().size();
  };
  add("W_x", ParameterRole::InputWeights, gate_rows, input_size);
  if (!spec.recurrent_blocks.empty()) {
    recurrent_ = static_cast<int>(entries_.size());
    add("W_h", ParameterRole::RecurrentWeights, gate_rows, spec.state_width);
  }
  bias_ = static_cast<int>(entries_.size());
  add("b", ParameterRole::Bias, 1, gate_rows);
  for (const auto& extra : spec.extra_parameters) {
    add(extra.name, ParameterRole::Extra, extra.rows, extra.cols, extra.init);
  }
}

}  // namespace harness
