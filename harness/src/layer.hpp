// One recurrent layer in one direction: a cell on a backend, driven through time.
//
// This is the only BPTT loop in the harness. Sequences are time-major: row t·B + b of a (T·B, ·)
// matrix is batch row b at step t. The layer keeps, from forward to backward,
//   states    (T+1)·B × P   h⟨0⟩ = h0, h⟨1⟩ … h⟨T⟩ (the outputs; P = H unless the cell projects)
//   cells     (T+1)·B × C   c⟨0⟩ … c⟨T⟩, for cells with a cell state
//   gates     T·B × G·H     input projection x·W_xᵀ + b, then whatever the cell leaves there
//   workspace T·B × W       what each step's backward needs
// and buffers are reused across calls with the same or smaller shapes.
#pragma once

#include <harness/backend.hpp>
#include <harness/cell.hpp>
#include <span>
#include <vector>

#include "matrix.hpp"
#include "parameters.hpp"

namespace harness {

// What a layer reads: a dense sequence x (T·B, X), or token ids (T·B, time-major) standing for
// one-hot rows of width X, −1 for a row of zeros. Token inputs are never materialised: their
// input projection is a gather of W_x's columns (an embedding lookup) and its gradient a
// scatter-add, and ∂L/∂x is not computed for them.
template <class Scalar>
struct SequenceInput {
  SequenceInput(ConstMatrixView<Scalar> x) : dense(x) {}
  SequenceInput(MatrixView<Scalar> x) : dense(x) {}
  SequenceInput(std::span<const int> ids) : tokens(ids), is_tokens(true) {}

  ConstMatrixView<Scalar> dense;
  std::span<const int> tokens;
  bool is_tokens = false;
};

template <class Scalar>
class Layer {
 public:
  // Throws std::invalid_argument when the cell's spec is inconsistent (resolved_spec).
  Layer(const Cell& cell, const Backend& backend, const CellShape& shape);
  Layer(const Cell& cell, const Backend& backend, int input_size, int hidden_size)
      : Layer(cell, backend, CellShape{.input = input_size, .hidden = hidden_size}) {}

  const CellSpec& spec() const { return spec_; }
  const ParameterLayout& layout() const { return layout_; }
  int input_size() const { return input_size_; }
  int hidden_size() const { return hidden_size_; }
  int output_size() const { return spec_.state_width; }           // P
  int cell_state_size() const { return spec_.cell_state_width; }  // C, 0 without a cell state

  // x: (T·B, X) or T·B tokens; h0: (B, P), c0: (B, C) (c0 ignored, and may be empty, without a
  // cell state). Throws std::invalid_argument for a token outside [−1, X).
  void forward(std::span<const ConstMatrixView<Scalar>> parameters, SequenceInput<Scalar> x,
               int steps, ConstMatrixView<Scalar> h0, ConstMatrixView<Scalar> c0);

  // After forward: h⟨1⟩ … h⟨T⟩ as (T·B, P), and the final states (B, P) and (B, C).
  ConstMatrixView<Scalar> outputs() const;
  ConstMatrixView<Scalar> final_hidden() const;
  ConstMatrixView<Scalar> final_cell() const;

  // Gradients of a loss given dy = ∂L/∂h⟨1…T⟩ (T·B, P) and the final-state gradients (B, P) and
  // (B, C) (dc_T empty without a cell state). Adds the parameter gradients to `gradients` (same
  // layout as the parameters) and writes ∂L/∂x into dx (T·B, X) for a dense x (dx is unused for
  // tokens).
  void backward(std::span<const ConstMatrixView<Scalar>> parameters,
                std::span<const MatrixView<Scalar>> gradients, SequenceInput<Scalar> x,
                ConstMatrixView<Scalar> dy, ConstMatrixView<Scalar> dh_final,
                ConstMatrixView<Scalar> dc_final, MatrixView<Scalar> dx);

  // After backward: ∂L/∂h0 (B, P) and ∂L/∂c0 (B, C); and ‖∂L/∂h⟨t⟩‖ is readable from
  // hidden_gradients() ((T+1)·B, P), row block t·B … (t+1)·B − 1 for h⟨t⟩.
  ConstMatrixView<Scalar> initial_hidden_gradient() const;
  ConstMatrixView<Scalar> initial_cell_gradient() const;
  ConstMatrixView<Scalar> hidden_gradients() const { return dstates_.view(); }

  // The scalars the layer's buffers hold after a forward and backward of `batch` sequences of
  // `steps` steps (the largest pass sets them: buffers only grow).
  std::size_t buffer_elements(int steps, int batch, bool token_input) const;

 private:
  bool has_cell_state() const { return spec_.cell_state_width > 0; }
  void resize(int steps, int batch);
  ForwardStep<Scalar> forward_step(std::span<const ConstMatrixView<Scalar>> parameters, int t,
                                   RowRange rows);
  BackwardStep<Scalar> backward_step(std::span<const ConstMatrixView<Scalar>> parameters,
                                     std::span<const MatrixView<Scalar>> d_extra, int t,
                                     RowRange rows);
  void whole_sequence_weight_gradients(std::span<const ConstMatrixView<Scalar>> parameters,
                                       std::span<const MatrixView<Scalar>> gradients,
                                       SequenceInput<Scalar> x, MatrixView<Scalar> dx);
  // gates += the columns of W_x the tokens pick; ∂W_x += d_gates_x scattered back to them.
  void gather_input_weights(ConstMatrixView<Scalar> input_weights, std::span<const int> tokens);
  void scatter_input_weight_gradients(std::span<const int> tokens,
                                      MatrixView<Scalar> input_weight_gradients);
  // Rows [t·B + rows.first, t·B + rows.first + rows.count) of a time-major matrix.
  template <class View>
  View at_step(View sequence, int t, RowRange rows) const {
    return sequence.row_block(t * batch_ + rows.first, rows.count);
  }

  const Cell& cell_;
  const Backend& backend_;
  int input_size_;
  int hidden_size_;
  CellSpec spec_;
  ParameterLayout layout_;

  int steps_ = 0;
  int batch_ = 0;
  std::vector<RowRange> slices_;
  Matrix<Scalar> states_, cells_, gates_, workspace_, scratch_;
  Matrix<Scalar> dstates_, dcells_, d_gates_x_, d_gates_h_;
  Matrix<Scalar> token_weights_;  // (X, G·H): W_xᵀ for token inputs, so a token's column is a row
  // Per slice, the gradients of the extra parameters, summed in slice order after the loop so the
  // result does not depend on which thread ran which slice.
  std::vector<std::vector<Scalar>> slice_extra_gradients_;
};

extern template class Layer<float>;
extern template class Layer<double>;

}  // namespace harness
