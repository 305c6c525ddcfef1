#include "layer.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace harness {

template <class Scalar>
Layer<Scalar>::Layer(const Cell& cell, const Backend& backend, const CellShape& shape)
    : cell_(cell),
      backend_(backend),
      input_size_(shape.input),
      hidden_size_(shape.hidden),
      spec_(resolved_spec(cell, shape)),
      layout_(spec_, shape.input, shape.hidden) {}

template <class Scalar>
void Layer<Scalar>::resize(int steps, int batch) {
  steps_ = steps;
  batch_ = batch;
  const int P = spec_.state_width, C = spec_.cell_state_width;
  const int gate_width = spec_.gates * hidden_size_;
  states_.resize((steps + 1) * batch, P);
  cells_.resize(C > 0 ? (steps + 1) * batch : 0, C);
  gates_.resize(steps * batch, gate_width);
  workspace_.resize(steps * batch, spec_.workspace_width);
  scratch_.resize(batch, spec_.scratch_width);
  dstates_.resize((steps + 1) * batch, P);
  dcells_.resize(C > 0 ? (steps + 1) * batch : 0, C);
  d_gates_x_.resize(steps * batch, gate_width);
  d_gates_h_.resize(spec_.separate_recurrent_gradient ? steps * batch : 0, gate_width);
  slices_ = backend_.slices(batch);
}

// What resize(steps, batch) and a pass's W_xᵀ copy keep: the sum of the buffers above.
template <class Scalar>
std::size_t Layer<Scalar>::buffer_elements(int steps, int batch, bool token_input) const {
  const std::size_t P = spec_.state_width, C = spec_.cell_state_width;
  const std::size_t gate_width = std::size_t(spec_.gates) * hidden_size_;
  const std::size_t rows = std::size_t(steps) * batch, states = rows + batch;
  return 2 * states * (P + C)  // states_, dstates_; cells_, dcells_
         + rows * gate_width * (spec_.separate_recurrent_gradient ? 3 : 2)  // gates_, d_gates_*
         + rows * spec_.workspace_width + std::size_t(batch) * spec_.scratch_width +
         (token_input ? std::size_t(input_size_) * gate_width : 0);  // token_weights_
}

template <class Scalar>
void Layer<Scalar>::forward(std::span<const ConstMatrixView<Scalar>> parameters,
                            SequenceInput<Scalar> x, int steps, ConstMatrixView<Scalar> h0,
                            ConstMatrixView<Scalar> c0) {
  resize(steps, h0.rows);
  copy_rows(h0, states_.view().row_block(0, batch_));
  if (has_cell_state()) copy_rows(c0, cells_.view().row_block(0, batch_));

  // gates = x·W_xᵀ + b for every step at once
  const auto bias = parameters[layout_.bias_index()];
  for (int r = 0; r < gates_.rows(); ++r) std::copy_n(bias.data, bias.cols, gates_.view().row(r));
  if (x.is_tokens) {
    gather_input_weights(parameters[0], x.tokens);
  } else {
    backend_.gemm(Transpose::No, x.dense, Transpose::Yes, parameters[0], Scalar(1), Scalar(1),
                  gates_.view());
  }

  backend_.parallel_for(static_cast<int>(slices_.size()), [&](int slice) {
    for (int t = 0; t < steps_; ++t) cell_.forward(forward_step(parameters, t, slices_[slice]));
  });
}

// A one-hot x⟨t⟩ = e_v makes x⟨t⟩·W_xᵀ the column v of W_x. The columns are gathered as rows of a
// transposed copy, made once per pass, so that each token reads G·H contiguous values.
template <class Scalar>
void Layer<Scalar>::gather_input_weights(ConstMatrixView<Scalar> input_weights,
                                         std::span<const int> tokens) {
  if (static_cast<int>(tokens.size()) != gates_.rows()) {
    throw std::invalid_argument("layer: " + std::to_string(tokens.size()) + " tokens for " +
                                std::to_string(gates_.rows()) + " rows (T·B)");
  }
  const int X = input_size_, width = gates_.cols();
  token_weights_.resize(X, width);
  for (int j = 0; j < width; ++j) {
    for (int v = 0; v < X; ++v) token_weights_(v, j) = input_weights(j, v);
  }
  for (int r = 0; r < gates_.rows(); ++r) {
    const int v = tokens[r];
    if (v < -1 || v >= X) {
      throw std::invalid_argument("layer: token " + std::to_string(v) + " outside [-1, " +
                                  std::to_string(X) + ")");
    }
    if (v < 0) continue;  // a zero input row
    const Scalar* column = token_weights_.view().row(v);
    Scalar* gates = gates_.view().row(r);
    for (int j = 0; j < width; ++j) gates[j] += column[j];
  }
}

// ∂W_x[:, v] += Σ over the rows whose token is v of d_gates_x: the transpose of the gather,
// summed in row order (deterministic), into W_xᵀ's layout first and then added to ∂W_x.
template <class Scalar>
void Layer<Scalar>::scatter_input_weight_gradients(std::span<const int> tokens,
                                                   MatrixView<Scalar> input_weight_gradients) {
  const int X = input_size_, width = d_gates_x_.cols();
  token_weights_.resize(X, width);
  token_weights_.fill(Scalar(0));
  for (int r = 0; r < d_gates_x_.rows(); ++r) {
    if (tokens[r] < 0) continue;
    const Scalar* d_gates = d_gates_x_.view().row(r);
    Scalar* sum = token_weights_.view().row(tokens[r]);
    for (int j = 0; j < width; ++j) sum[j] += d_gates[j];
  }
  for (int j = 0; j < width; ++j) {
    for (int v = 0; v < X; ++v) input_weight_gradients(j, v) += token_weights_(v, j);
  }
}

template <class Scalar>
ForwardStep<Scalar> Layer<Scalar>::forward_step(std::span<const ConstMatrixView<Scalar>> parameters,
                                                int t, RowRange rows) {
  const bool c = has_cell_state();
  return {.backend = backend_,
          .weights = layout_.cell_weights(parameters),
          .gates = at_step(gates_.view(), t, rows),
          .h_prev = at_step(states_.view(), t, rows),
          .c_prev = c ? at_step(cells_.view(), t, rows) : MatrixView<Scalar>{},
          .h = at_step(states_.view(), t + 1, rows),
          .c = c ? at_step(cells_.view(), t + 1, rows) : MatrixView<Scalar>{},
          .workspace = at_step(workspace_.view(), t, rows),
          .scratch = scratch_.view().row_block(rows.first, rows.count)};
}

template <class Scalar>
ConstMatrixView<Scalar> Layer<Scalar>::outputs() const {
  return states_.view().row_block(batch_, steps_ * batch_);
}
template <class Scalar>
ConstMatrixView<Scalar> Layer<Scalar>::final_hidden() const {
  return states_.view().row_block(steps_ * batch_, batch_);
}
template <class Scalar>
ConstMatrixView<Scalar> Layer<Scalar>::final_cell() const {
  if (!has_cell_state()) return {};
  return cells_.view().row_block(steps_ * batch_, batch_);
}
template <class Scalar>
ConstMatrixView<Scalar> Layer<Scalar>::initial_hidden_gradient() const {
  return dstates_.view().row_block(0, batch_);
}
template <class Scalar>
ConstMatrixView<Scalar> Layer<Scalar>::initial_cell_gradient() const {
  if (!has_cell_state()) return {};
  return dcells_.view().row_block(0, batch_);
}

template <class Scalar>
void Layer<Scalar>::backward(std::span<const ConstMatrixView<Scalar>> parameters,
                             std::span<const MatrixView<Scalar>> gradients, SequenceInput<Scalar> x,
                             ConstMatrixView<Scalar> dy, ConstMatrixView<Scalar> dh_final,
                             ConstMatrixView<Scalar> dc_final, MatrixView<Scalar> dx) {
  // ∂L/∂h⟨t⟩ starts as the output gradient (and the final-state gradient at T); each step then
  // adds what flows back into h⟨t−1⟩.
  const int last = steps_ * batch_;
  std::fill_n(dstates_.data(), batch_ * dstates_.cols(), Scalar(0));
  copy_rows(dy, dstates_.view().row_block(batch_, last));
  for (int r = 0; r < batch_; ++r) {
    for (int j = 0; j < dstates_.cols(); ++j) dstates_(last + r, j) += dh_final(r, j);
  }
  if (has_cell_state()) {
    dcells_.fill(Scalar(0));
    copy_rows(dc_final, dcells_.view().row_block(last, batch_));
  }

  const auto& entries = layout_.entries();
  const std::size_t first_extra = layout_.first_extra_index();
  const std::size_t extra_offset =
      entries[first_extra - 1].offset + entries[first_extra - 1].size();
  const std::size_t extra_size = layout_.size() - extra_offset;
  slice_extra_gradients_.assign(slices_.size(), std::vector<Scalar>(extra_size, Scalar(0)));

  backend_.parallel_for(static_cast<int>(slices_.size()), [&](int slice) {
    std::vector<MatrixView<Scalar>> d_extra;
    for (std::size_t p = first_extra; p < entries.size(); ++p) {
      d_extra.emplace_back(
          slice_extra_gradients_[slice].data() + (entries[p].offset - extra_offset),
          entries[p].rows, entries[p].cols);
    }
    for (int t = steps_ - 1; t >= 0; --t) {
      cell_.backward(backward_step(parameters, d_extra, t, slices_[slice]));
    }
  });

  for (const auto& partial : slice_extra_gradients_) {
    for (std::size_t p = first_extra; p < entries.size(); ++p) {
      const Scalar* from = partial.data() + (entries[p].offset - extra_offset);
      Scalar* to = gradients[p].data;
      for (std::size_t i = 0; i < entries[p].size(); ++i) to[i] += from[i];
    }
  }
  whole_sequence_weight_gradients(parameters, gradients, x, dx);
}

template <class Scalar>
BackwardStep<Scalar> Layer<Scalar>::backward_step(
    std::span<const ConstMatrixView<Scalar>> parameters,
    std::span<const MatrixView<Scalar>> d_extra, int t, RowRange rows) {
  const bool c = has_cell_state();
  const auto d_gates_x = at_step(d_gates_x_.view(), t, rows);
  return {.backend = backend_,
          .weights = layout_.cell_weights(parameters),
          .h_prev = at_step(states_.view(), t, rows),
          .c_prev = c ? at_step(cells_.view(), t, rows) : MatrixView<Scalar>{},
          .h = at_step(states_.view(), t + 1, rows),
          .c = c ? at_step(cells_.view(), t + 1, rows) : MatrixView<Scalar>{},
          .workspace = at_step(workspace_.view(), t, rows),
          .dh = at_step(dstates_.view(), t + 1, rows),
          .dc = c ? at_step(dcells_.view(), t + 1, rows) : MatrixView<Scalar>{},
          .d_gates_x = d_gates_x,
          .d_gates_h =
              spec_.separate_recurrent_gradient ? at_step(d_gates_h_.view(), t, rows) : d_gates_x,
          .dh_prev = at_step(dstates_.view(), t, rows),
          .dc_prev = c ? at_step(dcells_.view(), t, rows) : MatrixView<Scalar>{},
          .d_extra = d_extra,
          .scratch = scratch_.view().row_block(rows.first, rows.count)};
}

template <class Scalar>
void Layer<Scalar>::whole_sequence_weight_gradients(
    std::span<const ConstMatrixView<Scalar>> parameters,
    std::span<const MatrixView<Scalar>> gradients, SequenceInput<Scalar> x, MatrixView<Scalar> dx) {
  const int H = hidden_size_, P = spec_.state_width;
  const ConstMatrixView<Scalar> d_gates_x = d_gates_x_.view();
  const ConstMatrixView<Scalar> d_gates_h =
      spec_.separate_recurrent_gradient ? d_gates_h_.view() : d_gates_x_.view();

  // ∂W_x += Σ_t d_gates_xᵀ · x⟨t⟩,  ∂b += Σ_t d_gates_x,  ∂x = d_gates_x · W_x
  if (x.is_tokens) {
    scatter_input_weight_gradients(x.tokens, gradients[0]);
  } else {
    backend_.gemm(Transpose::Yes, d_gates_x, Transpose::No, x.dense, Scalar(1), Scalar(1),
                  gradients[0]);
    backend_.gemm(Transpose::No, d_gates_x, Transpose::No, parameters[0], Scalar(1), Scalar(0), dx);
  }
  Scalar* d_bias = gradients[layout_.bias_index()].data;
  for (int r = 0; r < d_gates_x.rows; ++r) {
    for (int j = 0; j < d_gates_x.cols; ++j) d_bias[j] += d_gates_x(r, j);
  }

  // ∂W_h[block] += Σ_t d_gates_h[block]ᵀ · (the block's recurrent input at t); W_h, when the cell
  // has one, is parameter 1
  for (const auto& block : spec_.recurrent_blocks) {
    const ConstMatrixView<Scalar> input =
        block.input == RecurrentBlock::Input::PreviousHidden
            ? states_.view().row_block(0, steps_ * batch_)
            : workspace_.view().col_block(block.workspace_column, P);
    backend_.gemm(Transpose::Yes, d_gates_h.col_block(block.first_gate * H, block.gate_count * H),
                  Transpose::No, input, Scalar(1), Scalar(1),
                  gradients[1].row_block(block.first_gate * H, block.gate_count * H));
  }
}

template class Layer<float>;
template class Layer<double>;

}  // namespace harness
