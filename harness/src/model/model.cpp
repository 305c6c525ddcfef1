#include "model/model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace harness {

void reverse_time(ConstMatrixView<float> from, MatrixView<float> to, int steps, int batch) {
  for (int t = 0; t < steps; ++t) {
    for (int b = 0; b < batch; ++b) {
      std::copy_n(from.row(t * batch + b), from.cols, to.row((steps - 1 - t) * batch + b));
    }
  }
}

namespace {

// Adds `from` (T·B, C) into `to`, time-reversed when `reversed`.
void add_sequence(ConstMatrixView<float> from, MatrixView<float> to, int steps, int batch,
                  bool reversed) {
  for (int t = 0; t < steps; ++t) {
    const int target = reversed ? steps - 1 - t : t;
    for (int b = 0; b < batch; ++b) {
      const float* f = from.row(t * batch + b);
      float* o = to.row(target * batch + b);
      for (int c = 0; c < from.cols; ++c) o[c] += f[c];
    }
  }
}

}  // namespace

Model::Model(const Cell& cell, const Backend& backend, const ModelShape& shape)
    : backend_(backend), shape_(shape) {
  const int directions = shape.bidirectional ? 2 : 1;
  std::size_t size = 0;
  for (int l = 0; l < shape.layers; ++l) {
    const int input = l == 0 ? shape.input : shape.hidden * directions;
    stack_.emplace_back();
    for (int d = 0; d < directions; ++d) {
      layers_.push_back(std::make_unique<Layer<float>>(cell, backend, input, shape.hidden));
      Direction direction;
      direction.offset = size;
      for (const auto& e : layers_.back()->layout().entries()) {
        named_.push_back({fmt::format("layer{}.{}.{}", l + 1, d == 0 ? "fwd" : "bwd", e.name),
                          size + e.offset, e.rows, e.cols});
      }
      size += layers_.back()->layout().size();
      stack_.back().push_back(std::move(direction));
    }
  }
  head_offset_ = size;
  const int head_input = shape.hidden * directions;
  named_.push_back({"head.W_y", size, shape.output, head_input});
  size += static_cast<std::size_t>(shape.output) * head_input;
  named_.push_back({"head.b_y", size, 1, shape.output});
  size += shape.output;
  weights_.assign(size, 0.0f);
  gradients_.assign(size, 0.0f);
  layer_outputs_.resize(shape.layers);
  layer_d_outputs_.resize(shape.layers);
}

std::vector<ConstMatrixView<float>> Model::views_of(const Layer<float>& layer,
                                                    std::size_t offset) const {
  const auto views = layer.layout().views(std::span<const float>(weights_).subspan(offset));
  return {views.begin(), views.end()};
}

std::vector<MatrixView<float>> Model::gradient_views_of(const Layer<float>& layer,
                                                        std::size_t offset) {
  return layer.layout().views(std::span<float>(gradients_).subspan(offset));
}

ConstMatrixView<float> Model::forward(ConstMatrixView<float> inputs, int steps, int batch) {
  steps_ = steps;
  batch_ = batch;
  input_ = inputs;
  const int H = shape_.hidden;
  zeros_.resize(batch, H);
  zeros_.fill(0.0f);
  std::size_t layer_index = 0;
  for (std::size_t l = 0; l < stack_.size(); ++l) {
    const ConstMatrixView<float> in =
        l == 0 ? inputs : ConstMatrixView<float>(layer_outputs_[l - 1].view());
    auto& out = layer_outputs_[l];
    out.resize(steps * batch, H * static_cast<int>(stack_[l].size()));
    for (std::size_t d = 0; d < stack_[l].size(); ++d) {
      Direction& dir = stack_[l][d];
      Layer<float>& layer = *layers_[layer_index++];
      ConstMatrixView<float> x = in;
      if (d == 1) {
        dir.reversed_input.resize(in.rows, in.cols);
        reverse_time(in, dir.reversed_input.view(), steps, batch);
        x = dir.reversed_input.view();
      }
      layer.forward(views_of(layer, dir.offset), x, steps, zeros_.view(), zeros_.view());
      const auto columns = out.view().col_block(static_cast<int>(d) * H, H);
      if (d == 1) {
        reverse_time(layer.outputs(), columns, steps, batch);
      } else {
        for (int r = 0; r < steps * batch; ++r)
          std::copy_n(layer.outputs().row(r), H, columns.row(r));
      }
    }
  }

  // z = y·W_yᵀ + b_y at the last step or at every step
  const auto& top = layer_outputs_.back();
  const ConstMatrixView<float> y = shape_.readout == Readout::LastStep
                                       ? top.view().row_block((steps - 1) * batch, batch)
                                       : top.view();
  const NamedParameter& W_y = named_[named_.size() - 2];
  const NamedParameter& b_y = named_.back();
  head_output_.resize(y.rows, shape_.output);
  for (int r = 0; r < y.rows; ++r)
    std::copy_n(&weights_[b_y.offset], shape_.output, head_output_.view().row(r));
  backend_.gemm(Transpose::No, y, Transpose::Yes,
                ConstMatrixView<float>(&weights_[W_y.offset], W_y.rows, W_y.cols), 1.0f, 1.0f,
                head_output_.view());
  return head_output_.view();
}

void Model::backward(ConstMatrixView<float> d_outputs) {
  std::fill(gradients_.begin(), gradients_.end(), 0.0f);
  const int H = shape_.hidden, steps = steps_, batch = batch_;
  const int top_width = H * static_cast<int>(stack_.back().size());
  const auto& top = layer_outputs_.back();
  const bool last_step = shape_.readout == Readout::LastStep;
  const ConstMatrixView<float> y =
      last_step ? top.view().row_block((steps - 1) * batch, batch) : top.view();

  // ∂W_y = dzᵀ·y, ∂b_y = Σ dz, ∂y = dz·W_y
  const NamedParameter& W_y = named_[named_.size() - 2];
  const NamedParameter& b_y = named_.back();
  backend_.gemm(Transpose::Yes, d_outputs, Transpose::No, y, 1.0f, 0.0f,
                MatrixView<float>(&gradients_[W_y.offset], W_y.rows, W_y.cols));
  for (int r = 0; r < d_outputs.rows; ++r) {
    for (int c = 0; c < d_outputs.cols; ++c) gradients_[b_y.offset + c] += d_outputs(r, c);
  }
  auto& d_top = layer_d_outputs_.back();
  d_top.resize(steps * batch, top_width);
  d_top.fill(0.0f);
  const auto d_y = last_step ? d_top.view().row_block((steps - 1) * batch, batch) : d_top.view();
  backend_.gemm(Transpose::No, d_outputs, Transpose::No,
                ConstMatrixView<float>(&weights_[W_y.offset], W_y.rows, W_y.cols), 1.0f, 0.0f, d_y);

  std::size_t layer_index = layers_.size();
  for (std::size_t l = stack_.size(); l-- > 0;) {
    const ConstMatrixView<float> in =
        l == 0 ? input_ : ConstMatrixView<float>(layer_outputs_[l - 1].view());
    if (l > 0) {
      layer_d_outputs_[l - 1].resize(in.rows, in.cols);
      layer_d_outputs_[l - 1].fill(0.0f);
    }
    layer_index -= stack_[l].size();
    for (std::size_t d = 0; d < stack_[l].size(); ++d) {
      Direction& dir = stack_[l][d];
      Layer<float>& layer = *layers_[layer_index + d];
      const ConstMatrixView<float> dy_columns =
          layer_d_outputs_[l].view().col_block(static_cast<int>(d) * H, H);
      ConstMatrixView<float> dy = dy_columns, x = in;
      if (d == 1) {
        dir.reversed_dy.resize(steps * batch, H);
        reverse_time(dy_columns, dir.reversed_dy.view(), steps, batch);
        dy = dir.reversed_dy.view();
        x = dir.reversed_input.view();
      }
      dir.dx.resize(in.rows, in.cols);
      layer.backward(views_of(layer, dir.offset), gradient_views_of(layer, dir.offset), x, dy,
                     zeros_.view(), zeros_.view(), dir.dx.view());
      if (l > 0) add_sequence(dir.dx.view(), layer_d_outputs_[l - 1].view(), steps, batch, d == 1);
    }
  }
}

std::vector<double> Model::hidden_gradient_norms() const {
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

double Model::forward_flops(int steps, int batch) const {
  double flops = 0;
  for (const auto& layer : layers_) {
    flops += 2.0 * layer->spec().gates * layer->hidden_size() *
             (layer->input_size() + layer->hidden_size()) * double(steps) * batch;
  }
  const NamedParameter& W_y = named_[named_.size() - 2];
  const double readouts = shape_.readout == Readout::LastStep ? batch : double(steps) * batch;
  return flops + 2.0 * W_y.rows * W_y.cols * readouts;
}

}  // namespace harness
