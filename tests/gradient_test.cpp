// Every built-in cell's backward against central finite differences of its forward, in double
// precision, for every parameter, the inputs and the initial states (the check `harness check`
// runs on any cell).
#include <gtest/gtest.h>

#include "conformance/gradient_check.hpp"
#include "support/plugins.hpp"

namespace harness::test {
namespace {

class GradientTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GradientTest, BackwardMatchesFiniteDifferences) {
  const std::string& cell_name = GetParam();
  const auto cell = builtin_plugins().make_cell(cell_name);
  const auto naive = builtin_plugins().make_backend("naive", {});
  for (const auto& error : conformance::gradient_errors(*cell, *naive, conformance::Shape{},
                                                        /*require_dependence=*/true)) {
    ADD_FAILURE() << "cell " << cell_name << ", " << error;
  }
}

INSTANTIATE_TEST_SUITE_P(AllCells, GradientTest, ::testing::ValuesIn(all_cell_names()),
                         cell_test_name);

}  // namespace
}  // namespace harness::test
