#include "conformance/gradient_check.hpp"

#include <fmt/format.h>

#include <cmath>
#include <span>

namespace harness::conformance {

namespace {

// One tensor to check: its name, its elements, and where its analytic gradient lives.
struct Checked {
  std::string name;
  int cols;
  std::span<double> values;
  std::span<const double> analytic;
};

std::vector<Checked> checked_tensors(const Layer<double>& layer, LayerProblem<double>& problem,
                                     const Gradients<double>& analytic) {
  std::vector<Checked> checked;
  for (const auto& e : layer.layout().entries()) {
    checked.push_back({e.name, e.cols, std::span(problem.parameters).subspan(e.offset, e.size()),
                       std::span<const double>(analytic.parameters).subspan(e.offset, e.size())});
  }
  auto add = [&](const char* name, Matrix<double>& values, const Matrix<double>& gradient) {
    checked.push_back(
        {name, values.cols(), {values.data(), values.size()}, {gradient.data(), gradient.size()}});
  };
  add("x", problem.x, analytic.x);
  add("h0", problem.h0, analytic.h0);
  if (layer.cell_state_size() > 0) add("c0", problem.c0, analytic.c0);
  return checked;
}

}  // namespace

FiniteDifferenceComparison compare_with_finite_differences(std::span<double> values,
                                                           std::span<const double> analytic,
                                                           const std::function<double()>& loss) {
  FiniteDifferenceComparison result;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double saved = values[i];
    values[i] = saved + kFiniteDifferenceStep;
    const double up = loss();
    values[i] = saved - kFiniteDifferenceStep;
    const double down = loss();
    values[i] = saved;
    const double numeric = (up - down) / (2 * kFiniteDifferenceStep);
    const double a = analytic[i];
    const double error = std::abs(a - numeric) / std::max(1.0, std::abs(a) + std::abs(numeric));
    result.numeric_norm += numeric * numeric;
    // A NaN is the worst there is, and stays so.
    if (std::isnan(error) ? !std::isnan(result.worst_error) : error > result.worst_error) {
      result = {error, i, a, numeric, result.numeric_norm};
    }
  }
  result.numeric_norm = std::sqrt(result.numeric_norm);
  return result;
}

std::vector<std::string> gradient_errors(const Cell& cell, const Backend& reference,
                                         const Shape& shape, bool require_dependence) {
  Layer<double> layer(cell, reference, shape.input, shape.hidden);
  LayerProblem<double> problem(layer.layout(), shape, /*seed=*/7);
  const Gradients<double> analytic = gradients(layer, problem);

  std::vector<std::string> errors;
  for (const auto& tensor : checked_tensors(layer, problem, analytic)) {
    const auto comparison = compare_with_finite_differences(tensor.values, tensor.analytic,
                                                            [&] { return loss(layer, problem); });
    const int row = static_cast<int>(comparison.worst_index) / tensor.cols;
    const int col = static_cast<int>(comparison.worst_index) % tensor.cols;
    if (!comparison.within(kGradientTolerance)) {
      errors.push_back(fmt::format(
          "gradient of {}[{},{}] at {}: backward gives {:.6g}, finite differences give {:.6g}",
          tensor.name, row, col, describe(shape), comparison.analytic, comparison.numeric));
    }
    if (require_dependence && comparison.numeric_norm < 1e-3) {
      errors.push_back(
          fmt::format("{} at {}: the loss does not depend on it", tensor.name, describe(shape)));
    }
  }
  return errors;
}

}  // namespace harness::conformance
