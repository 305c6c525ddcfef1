#include "parameters.hpp"

namespace harness {

ParameterLayout::ParameterLayout(const CellSpec& spec, int input_size, int hidden_size) {
  const int gate_rows = spec.gates * hidden_size;
  auto add = [this](std::string name, int rows, int cols) {
    entries_.push_back({std::move(name), rows, cols, size_});
    size_ += entries_.back().size();
  };
  add("W_x", gate_rows, input_size);
  add("W_h", gate_rows, hidden_size);
  add("b", 1, gate_rows);
  for (const auto& extra : spec.extra_parameters) add(extra.name, extra.rows, extra.cols);
}

}  // namespace harness
