// A small random problem for one layer: parameters, inputs, initial states, and a scalar loss
//   L = Σ w_y ⊙ h⟨1…T⟩ + Σ w_h ⊙ h⟨T⟩ + Σ w_c ⊙ c⟨T⟩
// with random weights w, so that ∂L/∂h⟨1…T⟩ = w_y, ∂L/∂h⟨T⟩ = w_h, ∂L/∂c⟨T⟩ = w_c, and every output
// and final state reaches the loss.
#pragma once

#include <random>
#include <string>
#include <vector>

#include "layer.hpp"
#include "matrix.hpp"
#include "process/child_process.hpp"

namespace harness::conformance {

struct Shape {
  int input = 3;   // X
  int hidden = 4;  // H
  int batch = 2;   // B
  int steps = 4;   // T
};

// "X=3 H=4 B=2 T=4", for messages.
inline std::string describe(const Shape& s) {
  return "X=" + std::to_string(s.input) + " H=" + std::to_string(s.hidden) +
         " B=" + std::to_string(s.batch) + " T=" + std::to_string(s.steps);
}

template <class Scalar>
const char* precision_name() {
  return sizeof(Scalar) == sizeof(float) ? "float" : "double";
}

template <class Scalar>
struct LayerProblem {
  Shape shape;
  std::vector<Scalar> parameters;  // arena in the layer's ParameterLayout
  Matrix<Scalar> x, h0, c0;        // (T·B, X), (B, P), (B, C)
  Matrix<Scalar> w_y, w_h, w_c;    // loss weights: (T·B, P), (B, P), (B, C)

  LayerProblem(const ParameterLayout& layout, Shape shape_, unsigned seed, Scalar scale = 0.5)
      : shape(shape_),
        parameters(layout.size()),
        x(shape.steps * shape.batch, shape.input),
        h0(shape.batch, layout.state_width()),
        c0(shape.batch, layout.cell_state_width()),
        w_y(shape.steps * shape.batch, layout.state_width()),
        w_h(shape.batch, layout.state_width()),
        w_c(shape.batch, layout.cell_state_width()) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> uniform(-1.0, 1.0);
    auto fill = [&](Scalar* data, std::size_t size, double s) {
      for (std::size_t i = 0; i < size; ++i) data[i] = static_cast<Scalar>(s * uniform(rng));
    };
    fill(parameters.data(), parameters.size(), scale);
    for (auto* m : {&x, &h0, &c0, &w_y, &w_h, &w_c}) fill(m->data(), m->size(), 1.0);
  }

  std::vector<ConstMatrixView<Scalar>> parameter_views(const ParameterLayout& layout) const {
    auto views = layout.views(std::span<const Scalar>(parameters));
    return {views.begin(), views.end()};
  }
};

// Runs forward and returns L, accumulated in double.
template <class Scalar>
double loss(Layer<Scalar>& layer, const LayerProblem<Scalar>& p) {
  const auto views = p.parameter_views(layer.layout());
  process::note_activity("the forward at " + describe(p.shape) + ", " + precision_name<Scalar>());
  layer.forward(views, p.x.view(), p.shape.steps, p.h0.view(), p.c0.view());
  auto dot = [](ConstMatrixView<Scalar> a, ConstMatrixView<Scalar> w) {
    double sum = 0;
    for (int r = 0; r < a.rows; ++r) {
      for (int c = 0; c < a.cols; ++c) sum += double(a(r, c)) * double(w(r, c));
    }
    return sum;
  };
  double total = dot(layer.outputs(), p.w_y.view()) + dot(layer.final_hidden(), p.w_h.view());
  if (layer.cell_state_size() > 0) total += dot(layer.final_cell(), p.w_c.view());
  return total;
}

// The analytic gradients of L: parameters (arena layout), x, h0, c0.
template <class Scalar>
struct Gradients {
  std::vector<Scalar> parameters;
  Matrix<Scalar> x, h0, c0;
};

template <class Scalar>
Gradients<Scalar> gradients(Layer<Scalar>& layer, const LayerProblem<Scalar>& p) {
  const auto& layout = layer.layout();
  Gradients<Scalar> g{std::vector<Scalar>(layout.size(), Scalar(0)),
                      Matrix<Scalar>(p.x.rows(), p.x.cols()), Matrix<Scalar>(), Matrix<Scalar>()};
  loss(layer, p);
  const auto views = p.parameter_views(layout);
  const auto grad_views = layout.views(std::span<Scalar>(g.parameters));
  process::note_activity("the backward at " + describe(p.shape) + ", " + precision_name<Scalar>());
  layer.backward(views, grad_views, p.x.view(), p.w_y.view(), p.w_h.view(), p.w_c.view(),
                 g.x.view());
  auto copy = [](ConstMatrixView<Scalar> from, Matrix<Scalar>& to) {
    to.resize(from.rows, from.cols);
    for (int r = 0; r < from.rows; ++r) {
      for (int c = 0; c < from.cols; ++c) to(r, c) = from(r, c);
    }
  };
  copy(layer.initial_hidden_gradient(), g.h0);
  if (layer.cell_state_size() > 0) copy(layer.initial_cell_gradient(), g.c0);
  return g;
}

}  // namespace harness::conformance
