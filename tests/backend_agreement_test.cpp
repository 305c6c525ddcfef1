// The fast backends against the naive reference: every cell, every output, final state and
// gradient, over shapes that include the degenerate (B = 1, H = 1, T = 1), widths that are not
// multiples of any vector width, and sizes large enough for the tbb backend to split its work.
//
// Tolerances, per tensor, on max |actual − reference| / max(1, max |reference|):
//   double on a fast backend vs double on naive: 1e-11 (only summation order differs)
//   float on a fast backend vs double on naive:  2e-4 (float rounding through T steps)
// and the tbb backend must give bitwise identical results with 1 and 2 threads.
#include <gtest/gtest.h>

#include <cstring>

#include "support/outcome.hpp"
#include "support/plugins.hpp"

namespace harness::test {
namespace {

struct Case {
  std::string cell;
  Shape shape;
};

std::string shape_name(const Shape& s) {
  return "X" + std::to_string(s.input) + "H" + std::to_string(s.hidden) + "B" +
         std::to_string(s.batch) + "T" + std::to_string(s.steps);
}

std::vector<Case> all_cases() {
  const std::vector<Shape> shapes{
      {.input = 1, .hidden = 1, .batch = 1, .steps = 1},
      {.input = 2, .hidden = 1, .batch = 3, .steps = 4},
      {.input = 3, .hidden = 13, .batch = 1, .steps = 6},
      {.input = 5, .hidden = 7, .batch = 9, .steps = 1},
      {.input = 11, .hidden = 37, .batch = 19, .steps = 5},   // two tbb slices of odd sizes
      {.input = 24, .hidden = 70, .batch = 37, .steps = 12},  // tbb splits GEMMs by rows
      {.input = 3, .hidden = 400, .batch = 12, .steps = 2},   // and the step's GEMM by columns
  };
  std::vector<Case> cases;
  for (const auto& cell : all_cell_names()) {
    for (const auto& shape : shapes) cases.push_back({cell, shape});
  }
  return cases;
}

// Fails with the tensor, the element and both values when `actual` strays from `reference`.
void expect_close(const Outcome& actual, const Outcome& reference, double tolerance,
                  const std::string& what) {
  for (const auto& mismatch : mismatches(actual, reference, tolerance)) {
    ADD_FAILURE() << what << ", " << mismatch.describe();
  }
}

class BackendAgreementTest : public ::testing::TestWithParam<Case> {};

TEST_P(BackendAgreementTest, FastBackendsMatchNaive) {
  const auto& [cell_name, shape] = GetParam();
  const auto& plugins = builtin_plugins();
  const auto cell = plugins.make_cell(cell_name);
  const auto naive = plugins.make_backend("naive", {});
  const Layer<double> probe(*cell, *naive, shape.input, shape.hidden);
  const LayerProblem<float> problem_f(probe.layout(), shape, /*seed=*/3);
  const auto problem_d = convert<double>(probe.layout(), problem_f);
  const Outcome reference = run_layer(*cell, *naive, problem_d);

  for (const auto& [backend_name, threads] :
       std::vector<std::pair<std::string, int>>{{"blas", 1}, {"blas", 2}, {"tbb", 1}, {"tbb", 2}}) {
    const auto backend = plugins.make_backend(backend_name, {.threads = threads});
    const std::string what =
        cell_name + " on " + backend_name + " (" + std::to_string(threads) + " threads)";
    expect_close(run_layer(*cell, *backend, problem_d), reference, 1e-11, what + ", double");
    expect_close(run_layer(*cell, *backend, problem_f), reference, 2e-4, what + ", float");
  }
}

TEST_P(BackendAgreementTest, TbbIsBitwiseIdenticalWithOneAndTwoThreads) {
  const auto& [cell_name, shape] = GetParam();
  const auto& plugins = builtin_plugins();
  const auto cell = plugins.make_cell(cell_name);
  const auto one = plugins.make_backend("tbb", {.threads = 1});
  const auto two = plugins.make_backend("tbb", {.threads = 2});
  const Layer<float> probe(*cell, *one, shape.input, shape.hidden);
  const LayerProblem<float> problem(probe.layout(), shape, /*seed=*/5);
  const Outcome a = run_layer(*cell, *one, problem);
  const Outcome b = run_layer(*cell, *two, problem);
  for (const auto& [name, values] : a) {
    const auto& other = b.at(name);
    EXPECT_EQ(0, std::memcmp(values.data(), other.data(), values.size() * sizeof(double)))
        << cell_name << ": " << name << " differs between 1 and 2 threads";
  }
}

std::string case_name(const ::testing::TestParamInfo<Case>& param) {
  return param.param.cell + "_" + shape_name(param.param.shape);
}

INSTANTIATE_TEST_SUITE_P(AllCellsAndShapes, BackendAgreementTest, ::testing::ValuesIn(all_cases()),
                         case_name);

}  // namespace
}  // namespace harness::test
