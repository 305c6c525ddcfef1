// Everything one layer computes for a problem — outputs, final states and every gradient — as
// named flat tensors in double, so that runs on different backends and precisions compare
// tensor by tensor.
#pragma once

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "conformance/layer_problem.hpp"

namespace harness::conformance {

using Outcome = std::map<std::string, std::vector<double>>;

template <class Scalar>
void record(Outcome& outcome, const std::string& name, ConstMatrixView<Scalar> m) {
  auto& values = outcome[name];
  for (int r = 0; r < m.rows; ++r) {
    for (int c = 0; c < m.cols; ++c) values.push_back(double(m(r, c)));
  }
}

// Runs `problem` forward and backward on an existing layer (whose buffers may hold an earlier
// problem's values).
template <class Scalar>
Outcome run_layer(Layer<Scalar>& layer, const LayerProblem<Scalar>& problem) {
  const auto g = gradients(layer, problem);
  Outcome outcome;
  record(outcome, "h<1..T>", layer.outputs());
  record(outcome, "dx", g.x.view());
  record(outcome, "dh0", g.h0.view());
  if (layer.cell_state_size() > 0) {
    record(outcome, "c<T>", layer.final_cell());
    record(outcome, "dc0", g.c0.view());
  }
  for (const auto& e : layer.layout().entries()) {
    auto& values = outcome["d" + e.name];
    for (std::size_t i = e.offset; i < e.offset + e.size(); ++i) {
      values.push_back(double(g.parameters[i]));
    }
  }
  return outcome;
}

template <class Scalar>
Outcome run_layer(const Cell& cell, const Backend& backend, const LayerProblem<Scalar>& problem) {
  Layer<Scalar> layer(cell, backend, problem.shape.input, problem.shape.hidden);
  return run_layer(layer, problem);
}

// The same problem with every value converted to another precision.
template <class To, class From>
LayerProblem<To> convert(const ParameterLayout& layout, const LayerProblem<From>& from) {
  LayerProblem<To> to(layout, from.shape, 0);
  std::copy(from.parameters.begin(), from.parameters.end(), to.parameters.begin());
  auto copy = [](const Matrix<From>& a, Matrix<To>& b) {
    std::copy(a.data(), a.data() + a.size(), b.data());
  };
  copy(from.x, to.x);
  copy(from.h0, to.h0);
  copy(from.c0, to.c0);
  copy(from.w_y, to.w_y);
  copy(from.w_h, to.w_h);
  copy(from.w_c, to.w_c);
  return to;
}

// The worst element of the worst tensor, by max |actual − reference| / max(1, max |reference|).
struct Mismatch {
  std::string tensor;
  std::size_t index = 0;
  double actual = 0, reference = 0, error = 0;
  std::string describe() const {
    return fmt::format("{}[{}]: {:.8g} vs reference {:.8g} (error {:.3g})", tensor, index, actual,
                       reference, error);
  }
};

// Every tensor whose error exceeds `tolerance` (NaN counts as exceeding).
inline std::vector<Mismatch> mismatches(const Outcome& actual, const Outcome& reference,
                                        double tolerance) {
  std::vector<Mismatch> found;
  for (const auto& [name, expected] : reference) {
    const auto it = actual.find(name);
    if (it == actual.end() || it->second.size() != expected.size()) {
      found.push_back({name + " (missing or of another size)"});
      continue;
    }
    double scale = 1;
    for (double v : expected) scale = std::max(scale, std::abs(v));
    Mismatch worst{name};
    for (std::size_t i = 0; i < expected.size(); ++i) {
      const double error = std::abs(it->second[i] - expected[i]) / scale;
      if (!(error <= worst.error)) worst = {name, i, it->second[i], expected[i], error};
    }
    if (!(worst.error <= tolerance)) found.push_back(worst);
  }
  return found;
}

}  // namespace harness::conformance
