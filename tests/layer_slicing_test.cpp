// The layer driver runs each batch slice's time loop independently and sums the slices' partial
// gradients in order: splitting the batch into one slice per row must change no result beyond the
// rounding of a different summation order (per-unit gradients like peepholes sum over rows, then
// over time, instead of the other way round).
#include <gtest/gtest.h>

#include "conformance/layer_problem.hpp"
#include "support/plugins.hpp"

namespace harness::test {
namespace {

using conformance::gradients;
using conformance::LayerProblem;
using conformance::loss;
using conformance::Shape;

// Delegates GEMMs to another backend, with every batch row its own slice.
class RowPerSliceBackend final : public BackendFor<RowPerSliceBackend> {
 public:
  explicit RowPerSliceBackend(const Backend& inner) : inner_(inner) {}
  template <class Scalar>
  void gemm_for(Transpose ta, ConstMatrixView<Scalar> a, Transpose tb, ConstMatrixView<Scalar> b,
                Scalar alpha, Scalar beta, MatrixView<Scalar> c) const {
    inner_.gemm(ta, a, tb, b, alpha, beta, c);
  }
  std::vector<RowRange> slices(int rows) const override {
    std::vector<RowRange> result;
    for (int r = 0; r < rows; ++r) result.push_back({r, 1});
    return result;
  }

 private:
  const Backend& inner_;
};

class LayerSlicingTest : public ::testing::TestWithParam<std::string> {};

TEST_P(LayerSlicingTest, OneSlicePerRowChangesNothing) {
  const auto cell = builtin_plugins().make_cell(GetParam());
  const auto naive = builtin_plugins().make_backend("naive", {});
  const RowPerSliceBackend sliced(*naive);
  const Shape shape{.batch = 3};
  Layer<double> whole(*cell, *naive, shape.input, shape.hidden);
  Layer<double> by_row(*cell, sliced, shape.input, shape.hidden);
  const LayerProblem<double> problem(whole.layout(), shape, /*seed=*/11);

  const auto expected = gradients(whole, problem);
  const auto actual = gradients(by_row, problem);
  constexpr double kRounding = 1e-13;
  EXPECT_NEAR(loss(whole, problem), loss(by_row, problem), kRounding);
  for (const auto& e : whole.layout().entries()) {
    for (std::size_t i = e.offset; i < e.offset + e.size(); ++i) {
      EXPECT_NEAR(expected.parameters[i], actual.parameters[i], kRounding)
          << "gradient of " << e.name << " element " << i - e.offset;
    }
  }
  for (std::size_t i = 0; i < expected.x.size(); ++i) {
    EXPECT_NEAR(expected.x.data()[i], actual.x.data()[i], kRounding) << "dx element " << i;
  }
  for (std::size_t i = 0; i < expected.h0.size(); ++i) {
    EXPECT_NEAR(expected.h0.data()[i], actual.h0.data()[i], kRounding) << "dh0 element " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(AllCells, LayerSlicingTest, ::testing::ValuesIn(all_cell_names()),
                         cell_test_name);

}  // namespace
}  // namespace harness::test
