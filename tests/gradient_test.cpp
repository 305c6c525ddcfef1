// Every cell's backward against central finite differences of its forward, in double precision,
// for every parameter, the inputs and the initial states.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "support/layer_problem.hpp"
#include "support/plugins.hpp"

namespace harness::test {
namespace {

constexpr double kStep = 1e-5;       // central difference step
constexpr double kTolerance = 1e-7;  // on |analytic − numeric| / max(1, |analytic| + |numeric|)

// One tensor to check: its name, its elements, and where its analytic gradient lives.
struct Checked {
  std::string name;
  int cols;
  std::span<double> values;
  std::span<const double> analytic;
};

class GradientTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GradientTest, BackwardMatchesFiniteDifferences) {
  const std::string& cell_name = GetParam();
  const auto cell = builtin_plugins().make_cell(cell_name);
  const auto backend = builtin_plugins().make_backend("naive", {});
  const Shape shape;
  Layer<double> layer(*cell, *backend, shape.input, shape.hidden);
  LayerProblem<double> problem(layer.layout(), shape, /*seed=*/7);
  const Gradients<double> analytic = gradients(layer, problem);

  std::vector<Checked> checked;
  for (const auto& e : layer.layout().entries()) {
    checked.push_back({e.name, e.cols, std::span(problem.parameters).subspan(e.offset, e.size()),
                       std::span<const double>(analytic.parameters).subspan(e.offset, e.size())});
  }
  checked.push_back({"x",
                     shape.input,
                     {problem.x.data(), problem.x.size()},
                     {analytic.x.data(), analytic.x.size()}});
  checked.push_back({"h0",
                     shape.hidden,
                     {problem.h0.data(), problem.h0.size()},
                     {analytic.h0.data(), analytic.h0.size()}});
  if (layer.spec().has_cell_state) {
    checked.push_back({"c0",
                       shape.hidden,
                       {problem.c0.data(), problem.c0.size()},
                       {analytic.c0.data(), analytic.c0.size()}});
  }

  for (const auto& tensor : checked) {
    double worst = 0, numeric_norm = 0;
    std::size_t worst_index = 0;
    double worst_numeric = 0;
    for (std::size_t i = 0; i < tensor.values.size(); ++i) {
      const double saved = tensor.values[i];
      tensor.values[i] = saved + kStep;
      const double up = loss(layer, problem);
      tensor.values[i] = saved - kStep;
      const double down = loss(layer, problem);
      tensor.values[i] = saved;
      const double numeric = (up - down) / (2 * kStep);
      const double a = tensor.analytic[i];
      const double error = std::abs(a - numeric) / std::max(1.0, std::abs(a) + std::abs(numeric));
      numeric_norm += numeric * numeric;
      if (error > worst) {
        worst = error;
        worst_index = i;
        worst_numeric = numeric;
      }
    }
    // A gradient that is zero everywhere would pass trivially: every tensor must reach the loss.
    EXPECT_GT(std::sqrt(numeric_norm), 1e-3)
        << "cell " << cell_name << ", " << tensor.name << ": the loss does not depend on it";
    const int row = static_cast<int>(worst_index) / tensor.cols;
    const int col = static_cast<int>(worst_index) % tensor.cols;
    EXPECT_LE(worst, kTolerance) << "cell " << cell_name << ", gradient of " << tensor.name << "["
                                 << row << "," << col << "]: backward gives "
                                 << tensor.analytic[worst_index] << ", finite differences give "
                                 << worst_numeric;
  }
}

INSTANTIATE_TEST_SUITE_P(AllCells, GradientTest, ::testing::ValuesIn(all_cell_names()),
                         cell_test_name);

}  // namespace
}  // namespace harness::test
