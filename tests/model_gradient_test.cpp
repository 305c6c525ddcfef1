// A whole model — 2 stacked bidirectional layers and the linear head — against central finite
// differences in double, for every parameter, with the last-step and the every-step readout; and
// the two losses' gradients against finite differences.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "conformance/gradient_check.hpp"
#include "model/model.hpp"
#include "support/plugins.hpp"
#include "train/loss.hpp"

namespace harness {
namespace {

struct ModelCase {
  std::string cell;
  Readout readout;
};

class ModelGradientTest : public ::testing::TestWithParam<ModelCase> {};

TEST_P(ModelGradientTest, TwoLayerBidirectionalModelMatchesFiniteDifferences) {
  const auto& [cell_name, readout] = GetParam();
  const auto cell = test::builtin_plugins().make_cell(cell_name);
  const auto backend = test::builtin_plugins().make_backend("naive", {});
  const int T = 4, B = 2;
  Model<double> model(*cell, *backend,
                      {.input = 3,
                       .hidden = 3,
                       .layers = 2,
                       .bidirectional = true,
                       .output = 2,
                       .readout = readout});
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> u(-0.6, 0.6);
  for (double& w : model.weights()) w = u(rng);
  Matrix<double> x(T * B, 3);
  for (std::size_t i = 0; i < x.size(); ++i) x.data()[i] = u(rng);
  const int readouts = readout == Readout::LastStep ? B : T * B;
  Matrix<double> w_out(readouts, 2);  // L = Σ w_out ⊙ z
  for (std::size_t i = 0; i < w_out.size(); ++i) w_out.data()[i] = u(rng);

  auto loss = [&] {
    const auto z = model.forward(x.view(), T, B);
    double sum = 0;
    for (int r = 0; r < z.rows; ++r) {
      for (int c = 0; c < z.cols; ++c) sum += z(r, c) * w_out(r, c);
    }
    return sum;
  };
  loss();
  model.backward(w_out.view());
  const std::vector<double> analytic(model.gradients().begin(), model.gradients().end());

  for (const auto& p : model.parameters()) {
    const auto comparison = conformance::compare_with_finite_differences(
        model.weights().subspan(p.offset, p.size()),
        std::span(analytic).subspan(p.offset, p.size()), loss);
    EXPECT_GT(comparison.numeric_norm, 1e-6) << p.name << " does not reach the loss";
    EXPECT_TRUE(comparison.within(conformance::kGradientTolerance))
        << cell_name << ", " << p.name << "[" << comparison.worst_index << "]: backward gives "
        << comparison.analytic << ", finite differences give " << comparison.numeric;
  }
}

INSTANTIATE_TEST_SUITE_P(Cells, ModelGradientTest,
                         ::testing::Values(ModelCase{"lstm_peephole", Readout::LastStep},
                                           ModelCase{"gru", Readout::EveryStep},
                                           ModelCase{"rnn_tanh", Readout::EveryStep},
                                           ModelCase{"gru_lbr", Readout::LastStep}),
                         [](const ::testing::TestParamInfo<ModelCase>& param_info) {
                           return param_info.param.cell +
                                  (param_info.param.readout == Readout::LastStep ? "_last_step"
                                                                                 : "_every_step");
                         });

// The comparison the tests above rely on never passes a NaN gradient, nor one that is off.
TEST(FiniteDifferenceComparison, FailsOnANaNOrAWrongGradient) {
  std::vector<double> w{0.3, -0.2};
  const auto loss = [&] { return w[0] * w[0] + 3 * w[1]; };  // ∂L/∂w = (2 w₀, 3)
  const std::vector<double> right{0.6, 3.0}, nan{0.6, std::nan("")}, wrong{0.6, 3.1};
  EXPECT_TRUE(conformance::compare_with_finite_differences(w, right, loss).within(1e-7));
  const auto with_nan = conformance::compare_with_finite_differences(w, nan, loss);
  EXPECT_FALSE(with_nan.within(1e-7));
  EXPECT_EQ(with_nan.worst_index, 1u);
  EXPECT_FALSE(conformance::compare_with_finite_differences(w, wrong, loss).within(1e-7));
  EXPECT_EQ(w, (std::vector<double>{0.3, -0.2}));  // restored
}

// dL/dz of a loss against central differences of the loss itself.
void check_loss_gradient(LossKind kind, const Batch& batch, int rows, int cols) {
  std::mt19937_64 rng(8);
  std::uniform_real_distribution<float> u(-2, 2);
  Matrix<float> z(rows, cols), gradient;
  for (std::size_t i = 0; i < z.size(); ++i) z.data()[i] = u(rng);
  compute_loss(kind, z.view(), batch, &gradient, nullptr);
  for (std::size_t i = 0; i < z.size(); ++i) {
    const float saved = z.data()[i];
    const float step = 1e-2f;
    z.data()[i] = saved + step;
    const double up = compute_loss(kind, z.view(), batch, nullptr, nullptr);
    z.data()[i] = saved - step;
    const double down = compute_loss(kind, z.view(), batch, nullptr, nullptr);
    z.data()[i] = saved;
    const double numeric = (up - down) / (2.0 * step);
    EXPECT_NEAR(gradient.data()[i], numeric, 1e-4 * std::max(1.0, std::abs(numeric)))
        << "element " << i;
  }
}

TEST(LossGradient, MeanSquaredError) {
  Batch batch;
  batch.values = {0.5f, -1.0f, 2.0f};
  check_loss_gradient(LossKind::MeanSquaredError, batch, 3, 1);
}

TEST(LossGradient, SoftmaxCrossEntropy) {
  Batch batch;
  batch.classes = {0, 3, 2, 1, 3};
  check_loss_gradient(LossKind::SoftmaxCrossEntropy, batch, 5, 4);
}

}  // namespace
}  // namespace harness
