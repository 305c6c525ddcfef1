#include "model/model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace harness {

namespace {

// Time-reverses a time-major (T·B, C) sequence.
template <class Scalar>
void reverse_time(ConstMatrixView<Scalar> from, MatrixView<Scalar> to, int steps, int batch) {
  for (int t = 0; t < steps; ++t) {
    for (int b = 0; b < batch; ++b) {
      std::copy_n(from.row(t * batch + b), from.cols, to.row((steps - 1 - t) * batch + b));
    }
  }
}

// Adds `from` (T·B, C) into `to`, time-reversed when `reversed`.
template <class Scalar>
void add_sequence(ConstMatrixView<Scalar> from, MatrixView<Scalar> to, int steps, int batch,
                  bool reversed) {
  for (int t = 0; t < steps; ++t) {
    const int target = reversed ? steps - 1 - t : t;
    for (int b = 0; b < batch; ++b) {
      const Scalar* f = from.row(t * batch + b);
      Scalar* o = to.row(target * batch + b);
      for (int c = 0; c < from.cols; ++c) o[c] += f[c];
    }
  }
}

}  // namespace

ModelShape model_shape(const ModelSpec& model, const Task& task) {
  return {.input = task.input_size(),
          .hidden = model.hidden,
          .projection = model.proj,
          .layers = model.layers,
          .bidirectional = model.bidirectional,
          .merge = model.merge,
          .dropout = model.dropout,
          .learn_initial_state = model.learn_initial_state,
          .output = task.output_size(),
          .readout = task.readout()};
}

template <class Scalar>
Model<Scalar>::Model(const Cell& cell, const Backend& backend, const ModelShape& shape)
    : backend_(backend), shape_(shape) {
  const int directions = shape.bidirectional ? 2 : 1;
  std::size_t size = 0;
  auto add = [&](std::string name, ParameterRole role, int rows, int cols,
                 ParameterSpec::Init init = ParameterSpec::Init::Zeros) {
    named_.push_back({std::move(name), role, size, rows, cols, init});
    size += named_.back().size();
  };
  for (int l = 0; l < shape.layers; ++l) {
    const int input = l == 0 ? shape.input : top_width();
    stack_.emplace_back();
    for (int d = 0; d < directions; ++d) {
      layers_.push_back(std::make_unique<Layer<Scalar>>(
          cell, backend,
          CellShape{.input = input, .hidden = shape.hidden, .projection = shape.projection}));
      const Layer<Scalar>& layer = *layers_.back();
      const std::string prefix = fmt::format("layer{}.{}.", l + 1, d == 0 ? "fwd" : "bwd");
      Direction direction;
      direction.offset = size;
      for (const auto& e : layer.layout().entries()) {
        add(prefix + e.name, e.role, e.rows, e.cols, e.init);
      }
      direction.initial_offset = size;
      if (shape.learn_initial_state) {
        add(prefix + "h0", ParameterRole::InitialState, 1, layer.output_size());
        if (layer.cell_state_size() > 0) {
          add(prefix + "c0", ParameterRole::InitialState, 1, layer.cell_state_size());
        }
      }
      stack_.back().push_back(std::move(direction));
    }
  }
  add("head.W_y", ParameterRole::HeadWeights, shape.output, top_width());
  add("head.b_y", ParameterRole::HeadBias, 1, shape.output);
  weights_.assign(size, Scalar(0));
  gradients_.assign(size, Scalar(0));
  std::size_t layer_index = 0;
  for (auto& layer_directions : stack_) {
    for (auto& dir : layer_directions) {
      const auto& layout = layers_[layer_index++]->layout();
      const auto views = layout.views(std::span<const Scalar>(weights_).subspan(dir.offset));
      dir.parameters.assign(views.begin(), views.end());
      dir.gradients = layout.views(std::span<Scalar>(gradients_).subspan(dir.offset));
    }
  }
  layer_outputs_.resize(shape.layers);
  layer_d_outputs_.resize(shape.layers);
  dropout_masks_.resize(shape.layers);
  dropped_.resize(shape.layers);
}

// Counts what the constructor above allocates, and what forward and backward below resize.
template <class Scalar>
ModelFootprint Model<Scalar>::footprint(const Cell& cell, const Backend& backend,
                                        const ModelShape& shape, int steps, int batch,
                                        bool token_input) {
  const int directions = shape.bidirectional ? 2 : 1;
  const std::size_t rows = std::size_t(steps) * batch;
  ModelFootprint footprint;
  std::size_t top = 0, state = 0;
  for (int l = 0; l < shape.layers; ++l) {
    const int input = l == 0 ? shape.input : static_cast<int>(top);
    const bool tokens = l == 0 && token_input;
    const std::size_t dense_input = tokens ? 0 : rows * input;  // ∂x, time-reversed x
    for (int d = 0; d < directions; ++d) {
      const Layer<Scalar> layer(
          cell, backend,
          CellShape{.input = input, .hidden = shape.hidden, .projection = shape.projection});
      const std::size_t P = layer.output_size(), C = layer.cell_state_size();
      footprint.parameters += layer.layout().size() + (shape.learn_initial_state ? P + C : 0);
      footprint.buffers += layer.buffer_elements(steps, batch, tokens)  //
                           + std::size_t(batch) * (P + C)               // h0, c0
                           + dense_input                                // dx
                           + (d == 1 ? dense_input + rows * P : 0);     // reversed x and dy
      state = P;
    }
    top = state * (shape.bidirectional && shape.merge == Merge::Concat ? 2 : 1);
    footprint.buffers += 2 * rows * top;  // layer_outputs_, layer_d_outputs_
    if (l > 0 && shape.dropout > 0) footprint.buffers += 2 * rows * top;  // mask, dropped
  }
  const std::size_t readouts = shape.readout == Readout::LastStep ? batch : rows;
  footprint.parameters += (top + 1) * shape.output;                                  // W_y, b_y
  footprint.buffers += readouts * shape.output                                       // head_output_
                       + (shape.readout == Readout::LastStep ? 2 * batch * top : 0)  // final states
                       + std::size_t(batch) * state;                                 // zeros_
  return footprint;
}

template <class Scalar>
int Model<Scalar>::top_width() const {
  const bool concat = shape_.bidirectional && shape_.merge == Merge::Concat;
  return state_width() * (concat ? 2 : 1);
}

template <class Scalar>
int Model<Scalar>::merged_column(std::size_t d) const {
  return shape_.merge == Merge::Concat ? static_cast<int>(d) * state_width() : 0;
}

template <class Scalar>
void Model<Scalar>::set_initial_state(RecurrentState<Scalar> state) {
  if (shape_.bidirectional) {
    throw std::logic_error("a bidirectional model cannot start from a carried state");
  }
  initial_ = std::move(state);
}

template <class Scalar>
RecurrentState<Scalar> Model<Scalar>::final_state() const {
  RecurrentState<Scalar> state;
  for (std::size_t l = 0; l < stack_.size(); ++l) {
    const Layer<Scalar>& layer = *layers_[l * stack_[l].size()];
    auto copy = [&](ConstMatrixView<Scalar> from) {
      Matrix<Scalar> to(from.rows, from.cols);
      copy_rows(from, to.view());
      return to;
    };
    state.h.push_back(copy(layer.final_hidden()));
    state.c.push_back(copy(layer.final_cell()));
  }
  return state;
}

template <class Scalar>
void Model<Scalar>::prepare_initial_state(Direction& dir, std::size_t l, std::size_t d, int batch) {
  const Layer<Scalar>& layer = *layers_[l * stack_[l].size() + d];
  const int widths[2] = {layer.output_size(), layer.cell_state_size()};
  Matrix<Scalar>* targets[2] = {&dir.h0, &dir.c0};
  const std::vector<Matrix<Scalar>>* carried[2] = {&initial_.h, &initial_.c};
  std::size_t learnt = dir.initial_offset;
  for (int k = 0; k < 2; ++k) {
    Matrix<Scalar>& target = *targets[k];
    target.resize(batch, widths[k]);
    const auto& states = *carried[k];
    if (d == 0 && l < states.size() && states[l].rows() == batch) {
      copy_rows(states[l].view(), target.view());
    } else if (shape_.learn_initial_state) {
      for (int r = 0; r < batch; ++r)
        std::copy_n(&weights_[learnt], widths[k], target.view().row(r));
    } else {
      target.fill(Scalar(0));
    }
    learnt += widths[k];
  }
}

// ∂h0 = Σ over the batch of ∂L/∂h⟨0⟩ (every row started from the same h0), and likewise ∂c0.
template <class Scalar>
void Model<Scalar>::add_initial_state_gradients(const Direction& dir, const Layer<Scalar>& layer) {
  if (!shape_.learn_initial_state) return;
  Scalar* gradient = &gradients_[dir.initial_offset];
  for (const auto& from : {layer.initial_hidden_gradient(), layer.initial_cell_gradient()}) {
    for (int r = 0; r < from.rows; ++r) {
      for (int c = 0; c < from.cols; ++c) gradient[c] += from(r, c);
    }
    gradient += from.cols;
  }
}

template <class Scalar>
bool Model<Scalar>::dropping_out() const {
  return training_ && shape_.dropout > 0;
}

template <class Scalar>
ConstMatrixView<Scalar> Model<Scalar>::layer_input(std::size_t l) const {
  return dropping_out() ? dropped_[l].view() : layer_outputs_[l - 1].view();
}

template <class Scalar>
void Model<Scalar>::draw_dropout(std::size_t l) {
  if (!dropping_out()) return;
  const ConstMatrixView<Scalar> below = layer_outputs_[l - 1].view();
  auto& mask = dropout_masks_[l];
  auto& dropped = dropped_[l];
  mask.resize(below.rows, below.cols);
  dropped.resize(below.rows, below.cols);
  std::bernoulli_distribution keep(1.0 - shape_.dropout);
  const Scalar kept = Scalar(1.0 / (1.0 - shape_.dropout));
  for (std::size_t i = 0; i < mask.size(); ++i) {
    mask.data()[i] = keep(dropout_rng_) ? kept : Scalar(0);
    dropped.data()[i] = below.data[i] * mask.data()[i];  // both (T·B, W), contiguous
  }
}

template <class Scalar>
ConstMatrixView<Scalar> Model<Scalar>::zeros(int rows, int cols) {
  if (zeros_.rows() < rows || zeros_.cols() < cols) {
    zeros_.resize(std::max(rows, zeros_.rows()), std::max(cols, zeros_.cols()));
    zeros_.fill(Scalar(0));
  }
  return zeros_.view().row_block(0, rows).col_block(0, cols);
}

template <class Scalar>
ConstMatrixView<Scalar> Model<Scalar>::forward(SequenceInput<Scalar> inputs, int steps, int batch) {
  steps_ = steps;
  batch_ = batch;
  input_ = inputs;
  const int P = state_width();
  std::size_t layer_index = 0;
  for (std::size_t l = 0; l < stack_.size(); ++l) {
    if (l > 0) draw_dropout(l);
    const SequenceInput<Scalar> in = l == 0 ? inputs : SequenceInput<Scalar>(layer_input(l));
    auto& out = layer_outputs_[l];
    out.resize(steps * batch, top_width());
    out.fill(Scalar(0));
    for (std::size_t d = 0; d < stack_[l].size(); ++d) {
      Direction& dir = stack_[l][d];
      Layer<Scalar>& layer = *layers_[layer_index++];
      SequenceInput<Scalar> x = in;
      if (d == 1 && in.is_tokens) {
        reversed_tokens_.resize(in.tokens.size());
        reverse_time<int>(ConstMatrixView<int>(in.tokens.data(), steps * batch, 1),
                          MatrixView<int>(reversed_tokens_.data(), steps * batch, 1), steps, batch);
        x = SequenceInput<Scalar>(std::span<const int>(reversed_tokens_));
      } else if (d == 1) {
        dir.reversed_input.resize(in.dense.rows, in.dense.cols);
        reverse_time<Scalar>(in.dense, dir.reversed_input.view(), steps, batch);
        x = dir.reversed_input.view();
      }
      prepare_initial_state(dir, l, d, batch);
      layer.forward(dir.parameters, x, steps, dir.h0.view(), dir.c0.view());
      add_sequence<Scalar>(layer.outputs(), out.view().col_block(merged_column(d), P), steps, batch,
                           d == 1);
    }
  }

  // z = y·W_yᵀ + b_y at every step, or once from each direction's final state
  ConstMatrixView<Scalar> y = layer_outputs_.back().view();
  if (shape_.readout == Readout::LastStep) {
    final_states_.resize(batch, top_width());
    final_states_.fill(Scalar(0));
    const std::size_t top = layers_.size() - stack_.back().size();
    for (std::size_t d = 0; d < stack_.back().size(); ++d) {
      add_sequence<Scalar>(layers_[top + d]->final_hidden(),
                           final_states_.view().col_block(merged_column(d), P), 1, batch, false);
    }
    y = final_states_.view();
  }
  const NamedParameter& W_y = named_[named_.size() - 2];
  const NamedParameter& b_y = named_.back();
  head_output_.resize(y.rows, shape_.output);
  for (int r = 0; r < y.rows; ++r)
    std::copy_n(&weights_[b_y.offset], shape_.output, head_output_.view().row(r));
  backend_.gemm(Transpose::No, y, Transpose::Yes,
                ConstMatrixView<Scalar>(&weights_[W_y.offset], W_y.rows, W_y.cols), Scalar(1),
                Scalar(1), head_output_.view());
  return head_output_.view();
}

template <class Scalar>
void Model<Scalar>::backward(ConstMatrixView<Scalar> d_outputs) {
  std::fill(gradients_.begin(), gradients_.end(), Scalar(0));
  const int P = state_width(), steps = steps_, batch = batch_;
  const bool last_step = shape_.readout == Readout::LastStep;
  const ConstMatrixView<Scalar> y = last_step ? final_states_.view() : layer_outputs_.back().view();
  // Zero states of every width needed below, made now: a later, wider request would move them.
  zeros(batch, std::max(P, layers_.front()->cell_state_size()));

  // ∂W_y = dzᵀ·y, ∂b_y = Σ dz, ∂y = dz·W_y
  const NamedParameter& W_y = named_[named_.size() - 2];
  const NamedParameter& b_y = named_.back();
  backend_.gemm(Transpose::Yes, d_outputs, Transpose::No, y, Scalar(1), Scalar(0),
                MatrixView<Scalar>(&gradients_[W_y.offset], W_y.rows, W_y.cols));
  for (int r = 0; r < d_outputs.rows; ++r) {
    for (int c = 0; c < d_outputs.cols; ++c) gradients_[b_y.offset + c] += d_outputs(r, c);
  }
  auto& d_top = layer_d_outputs_.back();
  d_top.resize(steps * batch, top_width());
  d_top.fill(Scalar(0));
  d_final_states_.resize(batch, top_width());
  d_final_states_.fill(Scalar(0));
  backend_.gemm(Transpose::No, d_outputs, Transpose::No,
                ConstMatrixView<Scalar>(&weights_[W_y.offset], W_y.rows, W_y.cols), Scalar(1),
                Scalar(0), last_step ? d_final_states_.view() : d_top.view());

  std::size_t layer_index = layers_.size();
  for (std::size_t l = stack_.size(); l-- > 0;) {
    const SequenceInput<Scalar> in = l == 0 ? input_ : SequenceInput<Scalar>(layer_input(l));
    if (l > 0) {
      layer_d_outputs_[l - 1].resize(in.dense.rows, in.dense.cols);
      layer_d_outputs_[l - 1].fill(Scalar(0));
    }
    layer_index -= stack_[l].size();
    const bool top = l + 1 == stack_.size();
    for (std::size_t d = 0; d < stack_[l].size(); ++d) {
      Direction& dir = stack_[l][d];
      Layer<Scalar>& layer = *layers_[layer_index + d];
      const ConstMatrixView<Scalar> dy_columns =
          layer_d_outputs_[l].view().col_block(merged_column(d), P);
      ConstMatrixView<Scalar> dy = dy_columns;
      SequenceInput<Scalar> x = in;
      if (d == 1) {
        dir.reversed_dy.resize(steps * batch, P);
        reverse_time<Scalar>(dy_columns, dir.reversed_dy.view(), steps, batch);
        dy = dir.reversed_dy.view();
        x = in.is_tokens ? SequenceInput<Scalar>(std::span<const int>(reversed_tokens_))
                         : SequenceInput<Scalar>(dir.reversed_input.view());
      }
      // Only the top layer's final states feed the head (many-to-one).
      const ConstMatrixView<Scalar> dh_final =
          top && last_step
              ? ConstMatrixView<Scalar>(d_final_states_.view().col_block(merged_column(d), P))
              : zeros(batch, P);
      dir.dx.resize(in.dense.rows, in.dense.cols);
      layer.backward(dir.parameters, dir.gradients, x, dy, dh_final,
                     zeros(batch, layer.cell_state_size()), dir.dx.view());
      add_initial_state_gradients(dir, layer);
      if (l > 0)
        add_sequence<Scalar>(dir.dx.view(), layer_d_outputs_[l - 1].view(), steps, batch, d == 1);
    }
    // ∂y = ∂(y ⊙ m) ⊙ m, with the mask the forward drew
    if (l > 0 && dropping_out()) {
      auto& d_below = layer_d_outputs_[l - 1];
      const auto& mask = dropout_masks_[l];
      for (std::size_t i = 0; i < d_below.size(); ++i) d_below.data()[i] *= mask.data()[i];
    }
  }
}

template <class Scalar>
std::vector<double> Model<Scalar>::hidden_gradient_norms() const {
  const auto d_states = layers_.front()->hidden_gradients();
  std::vector<double> norms;
  for (int t = 1; t <= steps_; ++t) {
    double sum = 0;
    for (int r = t * batch_; r < (t + 1) * batch_; ++r) {
      for (int c = 0; c < d_states.cols; ++c) sum += double(d_states(r, c)) * d_states(r, c);
    }
    norms.push_back(std::sqrt(sum));
  }
  return norms;
}

// Two FLOPs per parameter per step and batch row for each layer: the products with W_x, W_h and
// the cell's matrix-shaped extras dominate (biases and element-wise extras add a little).
template <class Scalar>
double Model<Scalar>::forward_flops(int steps, int batch) const {
  double flops = 0;
  for (const auto& layer : layers_) {
    flops += 2.0 * double(layer->layout().size()) * double(steps) * batch;
  }
  const NamedParameter& W_y = named_[named_.size() - 2];
  const double readouts = shape_.readout == Readout::LastStep ? batch : double(steps) * batch;
  return flops + 2.0 * W_y.rows * W_y.cols * readouts;
}

template class Model<float>;
template class Model<double>;

}  // namespace harness
