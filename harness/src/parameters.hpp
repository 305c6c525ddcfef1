// The parameters of one cell layer, laid out in one flat arena: W_x (G·H, X), W_h (G·H, P) if the
// cell has one, b (1, G·H), then the cell's extra parameters. Gradients and optimizer state use
// the same layout, so norms, clipping and updates are flat loops over the arena.
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
  InitialState,      // a learnt h⟨0⟩ or c⟨0⟩
  HeadWeights,       // the head's W_y
  HeadBias,          // the head's b_y
};

// The spec a cell gives for a shape, with its defaults made explicit (state_width = H when the
// cell leaves it 0). Throws std::invalid_argument when the spec contradicts itself or the shape:
// gates without names, recurrent blocks that do not cover the gates, a projection the cell does
// not take.
CellSpec resolved_spec(const Cell& cell, const CellShape& shape);

class ParameterLayout {
 public:
  struct Entry {
    std::string name;
    ParameterRole role = ParameterRole::Extra;
    int rows = 0;
    int cols = 0;
    std::size_t offset = 0;
    ParameterSpec::Init init = ParameterSpec::Init::Zeros;  // for Extra
    std::size_t size() const { return static_cast<std::size_t>(rows) * cols; }
  };

  // spec as resolved_spec gives it.
  ParameterLayout(const CellSpec& spec, int input_size, int hidden_size);

  const std::vector<Entry>& entries() const { return entries_; }
  std::size_t size() const { return size_; }
  int state_width() const { return state_width_; }            // P
  int cell_state_width() const { return cell_state_width_; }  // C, 0 without a cell state
  bool has_recurrent_weights() const { return recurrent_ >= 0; }
  int bias_index() const { return bias_; }
  int first_extra_index() const { return bias_ + 1; }

  // Views of each parameter inside an arena of size() elements, in layout order.
  template <class Scalar>
  std::vector<MatrixView<Scalar>> views(std::span<Scalar> arena) const {
    std::vector<MatrixView<Scalar>> result;
    result.reserve(entries_.size());
    for (const auto& e : entries_) result.emplace_back(arena.data() + e.offset, e.rows, e.cols);
    return result;
  }

  // The views of views() (or of a span of them), named by what they are.
  template <class Scalar>
  CellWeights<Scalar> cell_weights(std::span<const ConstMatrixView<Scalar>> views) const {
    return {.input = views[0],
            .recurrent = recurrent_ >= 0 ? views[recurrent_] : ConstMatrixView<Scalar>{},
            .bias = views[bias_],
            .extra = views.subspan(bias_ + 1)};
  }

 private:
  std::vector<Entry> entries_;
  std::size_t size_ = 0;
  int state_width_ = 0;
  int cell_state_width_ = 0;
  int recurrent_ = -1;  // index of W_h, −1 without
  int bias_ = 0;
};

}  // namespace harness
