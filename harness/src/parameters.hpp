// The parameters of one cell layer, laid out in one flat arena: W_x (G·H, X), W_h (G·H, H),
// b (1, G·H), then the cell's extra parameters. Gradients and optimizer state use the same layout,
// so norms, clipping and updates are flat loops over the arena.
#pragma once

#include <harness/cell.hpp>
#include <span>
#include <string>
#include <vector>

namespace harness {

// What a slice of the parameter arena is for: initialisation and reports go by role, not name.
enum class ParameterRole {
  InputWeights,      // a cell layer's W_x
  RecurrentWeights,  // a cell layer's W_h
  Bias,              // a cell layer's b
  Extra,             // a cell's own parameters (peepholes, b_hn)
  HeadWeights,       // the head's W_y
  HeadBias,          // the head's b_y
};

class ParameterLayout {
 public:
  struct Entry {
    std::string name;
    ParameterRole role = ParameterRole::Extra;
    int rows = 0;
    int cols = 0;
    std::size_t offset = 0;
    std::size_t size() const { return static_cast<std::size_t>(rows) * cols; }
  };

  ParameterLayout(const CellSpec& spec, int input_size, int hidden_size);

  const std::vector<Entry>& entries() const { return entries_; }
  std::size_t size() const { return size_; }

  // Views of each parameter inside an arena of size() elements, in layout order.
  template <class Scalar>
  std::vector<MatrixView<Scalar>> views(std::span<Scalar> arena) const {
    std::vector<MatrixView<Scalar>> result;
    result.reserve(entries_.size());
    for (const auto& e : entries_) result.emplace_back(arena.data() + e.offset, e.rows, e.cols);
    return result;
  }

 private:
  std::vector<Entry> entries_;
  std::size_t size_ = 0;
};

}  // namespace harness
