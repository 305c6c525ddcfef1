#include "parameters.hpp"

namespace harness {

ParameterLayout::ParameterLayout(const CellSpec& spec, int input_size, int hidden_size) {
  const int gate_rows = spec.gates * hidden_size;
  auto add = [this](std::string name, ParameterRole role, int rows, int cols) {
    entries_.push_back({std::move(name), role, rows, cols, size_});
    size_ += entries_.back().size();
  };
  add("W_x", ParameterRole::InputWeights, gate_rows, input_size);
  add("W_h", ParameterRole::RecurrentWeights, gate_rows, hidden_size);
  add("b", ParameterRole::Bias, 1, gate_rows);
  for (const auto& extra : spec.extra_parameters) {
    add(extra.name, ParameterRole::Extra, extra.rows, extra.cols);
  }
}

}  // namespace harness
