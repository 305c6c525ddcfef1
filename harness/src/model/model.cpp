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

template <class Scalar>
Model<Scalar>::Model(const Cell& cell, const Backend& backend, const ModelShape& shape)
    : backend_(backend), shape_(shape) {
  const int directions = shape.bidirectional ? 2 : 1;
  std::size_t size = 0;
  for (int l = 0; l < shape.layers; ++l) {
    const int input = l == 0 ? shape.input : shape.hidden * directions;
    stack_.emplace_back();
    for (int d = 0; d < directions; ++d) {
      layers_.push_back(std::make_unique<Layer<Scalar>>(cell, backend, input, shape.hidden));
      Direction direction;
      direction.offset = size;
      for (const auto& e : layers_.back()->layout().entries()) {
        named_.push_back({fmt::format("layer{}.{}.{}", l + 1, d == 0 ? "fwd" : "bwd", e.name),
                          e.role, size + e.offset, e.rows, e.cols});
      }
      size += layers_.back()->layout().size();
      stack_.back().push_back(std::move(direction));
    }
  }
  const int head_input = shape.hidden * directions;
  named_.push_back({"head.W_y", ParameterRole::HeadWeights, size, shape.output, head_input});
  size += static_cast<std::size_t>(shape.output) * head_input;
  named_.push_back({"head.b_y", ParameterRole::HeadBias, size, 1, shape.output});
  size += shape.output;
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
      for (int r = 0; r < from.rows; ++r) std::copy_n(from.row(r), from.cols, to.view().row(r));
      return to;
    };
    state.h.push_back(copy(layer.final_hidden()));
    state.c.push_back(copy(layer.final_cell()));
  }
  return state;
}

template <class Scalar>
ConstMatrixView<Scalar> Model<Scalar>::forward(SequenceInput<Scalar> inputs, int steps, int batch) {
  steps_ = steps;
  batch_ = batch;
  input_ = inputs;
  const int H = shape_.hidden;
  zeros_.resize(batch, H);
  zeros_.fill(Scalar(0));
  // The initial state of layer l's forward direction: the carried one, or zeros.
  auto initial = [&](const std::vector<Matrix<Scalar>>& states, std::size_t l) {
    const bool carried = l < states.size() && states[l].rows() == batch;
    return carried ? states[l].view() : ConstMatrixView<Scalar>(zeros_.view());
  };
  std::size_t layer_index = 0;
  for (std::size_t l = 0; l < stack_.size(); ++l) {
    const SequenceInput<Scalar> in =
        l == 0 ? inputs : SequenceInput<Scalar>(layer_outputs_[l - 1].view());
    auto& out = layer_outputs_[l];
    out.resize(steps * batch, H * static_cast<int>(stack_[l].size()));
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
      if (d == 0) {
        layer.forward(dir.parameters, x, steps, initial(initial_.h, l), initial(initial_.c, l));
      } else {
        layer.forward(dir.parameters, x, steps, zeros_.view(), zeros_.view());
      }
      const auto columns = out.view().col_block(static_cast<int>(d) * H, H);
      if (d == 1) {
        reverse_time<Scalar>(layer.outputs(), columns, steps, batch);
      } else {
        for (int r = 0; r < steps * batch; ++r)
          std::copy_n(layer.outputs().row(r), H, columns.row(r));
      }
    }
  }

  // z = y·W_yᵀ + b_y at every step, or once from each direction's final state
  const auto& top = layer_outputs_.back();
  ConstMatrixView<Scalar> y = top.view();
  if (shape_.readout == Readout::LastStep) {
    final_states_.resize(batch, top.cols());
    for_each_final_state([&](int top_row, int row, int first_col) {
      std::copy_n(top.view().row(top_row) + first_col, H,
                  final_states_.view().row(row) + first_col);
    });
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
  const int H = shape_.hidden, steps = steps_, batch = batch_;
  const int top_width = H * static_cast<int>(stack_.back().size());
  const bool last_step = shape_.readout == Readout::LastStep;
  const ConstMatrixView<Scalar> y = last_step ? final_states_.view() : layer_outputs_.back().view();

  // ∂W_y = dzᵀ·y, ∂b_y = Σ dz, ∂y = dz·W_y
  const NamedParameter& W_y = named_[named_.size() - 2];
  const NamedParameter& b_y = named_.back();
  backend_.gemm(Transpose::Yes, d_outputs, Transpose::No, y, Scalar(1), Scalar(0),
                MatrixView<Scalar>(&gradients_[W_y.offset], W_y.rows, W_y.cols));
  for (int r = 0; r < d_outputs.rows; ++r) {
    for (int c = 0; c < d_outputs.cols; ++c) gradients_[b_y.offset + c] += d_outputs(r, c);
  }
  auto& d_top = layer_d_outputs_.back();
  d_top.resize(steps * batch, top_width);
  d_top.fill(Scalar(0));
  d_final_states_.resize(batch, top_width);
  backend_.gemm(Transpose::No, d_outputs, Transpose::No,
                ConstMatrixView<Scalar>(&weights_[W_y.offset], W_y.rows, W_y.cols), Scalar(1),
                Scalar(0), last_step ? d_final_states_.view() : d_top.view());
  if (last_step) {
    for_each_final_state([&](int top_row, int row, int first_col) {
      std::copy_n(d_final_states_.view().row(row) + first_col, H,
                  d_top.view().row(top_row) + first_col);
    });
  }

  std::size_t layer_index = layers_.size();
  for (std::size_t l = stack_.size(); l-- > 0;) {
    const SequenceInput<Scalar> in =
        l == 0 ? input_ : SequenceInput<Scalar>(layer_outputs_[l - 1].view());
    if (l > 0) {
      layer_d_outputs_[l - 1].resize(in.dense.rows, in.dense.cols);
      layer_d_outputs_[l - 1].fill(Scalar(0));
    }
    layer_index -= stack_[l].size();
    for (std::size_t d = 0; d < stack_[l].size(); ++d) {
      Direction& dir = stack_[l][d];
      Layer<Scalar>& layer = *layers_[layer_index + d];
      const ConstMatrixView<Scalar> dy_columns =
          layer_d_outputs_[l].view().col_block(static_cast<int>(d) * H, H);
      ConstMatrixView<Scalar> dy = dy_columns;
      SequenceInput<Scalar> x = in;
      if (d == 1) {
        dir.reversed_dy.resize(steps * batch, H);
        reverse_time<Scalar>(dy_columns, dir.reversed_dy.view(), steps, batch);
        dy = dir.reversed_dy.view();
        x = in.is_tokens ? SequenceInput<Scalar>(std::span<const int>(reversed_tokens_))
                         : SequenceInput<Scalar>(dir.reversed_input.view());
      }
      dir.dx.resize(in.dense.rows, in.dense.cols);
      layer.backward(dir.parameters, dir.gradients, x, dy, zeros_.view(), zeros_.view(),
                     dir.dx.view());
      if (l > 0)
        add_sequence<Scalar>(dir.dx.view(), layer_d_outputs_[l - 1].view(), steps, batch, d == 1);
    }
  }
}

template <class Scalar>
template <class Fn>
void Model<Scalar>::for_each_final_state(Fn fn) const {
  const int H = shape_.hidden;
  for (int d = 0; d < static_cast<int>(stack_.back().size()); ++d) {
    const int t = d == 0 ? steps_ - 1 : 0;  // the backward direction ends at the first step
    for (int b = 0; b < batch_; ++b) fn(t * batch_ + b, b, d * H);
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

template <class Scalar>
double Model<Scalar>::forward_flops(int steps, int batch) const {
  double flops = 0;
  for (const auto& layer : layers_) {
    flops += 2.0 * layer->spec().gates * layer->hidden_size() *
             (layer->input_size() + layer->hidden_size()) * double(steps) * batch;
  }
  const NamedParameter& W_y = named_[named_.size() - 2];
  const double readouts = shape_.readout == Readout::LastStep ? batch : double(steps) * batch;
  return flops + 2.0 * W_y.rows * W_y.cols * readouts;
}

template class Model<float>;
template class Model<double>;

}  // namespace harness
