// A whole model — 2 stacked bidirectional layers and the linear head — against central finite
// differences in double, for every parameter, with the last-step and the every-step readout; the
// model options (projection, merge by sum, learnt initial state, dropout); and the two losses'
// gradients against finite differences.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <random>

#include "conformance/gradient_check.hpp"
#include "model/model.hpp"
#include "support/plugins.hpp"
#include "train/loss.hpp"

namespace harness {
namespace {

// Every parameter of `model` against central finite differences of L = Σ w_out ⊙ z on random
// inputs. `before_forward` runs before each pass (a test with dropout reseeds its masks there, so
// that every pass draws the same ones).
void check_model(
    Model<double>& model, const std::string& what,
    const std::function<void()>& before_forward = [] {}) {
  const int T = 4, B = 2;
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> u(-0.6, 0.6);
  for (double& w : model.weights()) w = u(rng);
  Matrix<double> x(T * B, model.shape().input);
  for (std::size_t i = 0; i < x.size(); ++i) x.data()[i] = u(rng);
  const int readouts = model.shape().readout == Readout::LastStep ? B : T * B;
  Matrix<double> w_out(readouts, model.shape().output);  // L = Σ w_out ⊙ z
  for (std::size_t i = 0; i < w_out.size(); ++i) w_out.data()[i] = u(rng);

  auto loss = [&] {
    before_forward();
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
    EXPECT_GT(comparison.numeric_norm, 1e-6)
        << what << ", " << p.name << " does not reach the loss";
    EXPECT_TRUE(comparison.within(conformance::kGradientTolerance))
        << what << ", " << p.name << "[" << comparison.worst_index << "]: backward gives "
        << comparison.analytic << ", finite differences give " << comparison.numeric;
  }
}

struct ModelCase {
  std::string cell;
  Readout readout;
};

class ModelGradientTest : public ::testing::TestWithParam<ModelCase> {};

TEST_P(ModelGradientTest, TwoLayerBidirectionalModelMatchesFiniteDifferences) {
  const auto& [cell_name, readout] = GetParam();
  const auto cell = test::builtin_plugins().make_cell(cell_name);
  const auto backend = test::builtin_plugins().make_backend("naive", {});
  Model<double> model(*cell, *backend,
                      {.input = 3,
                       .hidden = 3,
                       .layers = 2,
                       .bidirectional = true,
                       .output = 2,
                       .readout = readout});
  check_model(model, cell_name);
}

INSTANTIATE_TEST_SUITE_P(Cells, ModelGradientTest,
                         ::testing::Values(ModelCase{"lstm_peephole", Readout::LastStep},
                                           ModelCase{"gru", Readout::EveryStep},
                                           ModelCase{"rnn_tanh", Readout::EveryStep},
                                           ModelCase{"gru_lbr", Readout::LastStep},
                                           ModelCase{"mingru", Readout::LastStep},
                                           ModelCase{"lstm_fgr", Readout::EveryStep}),
                         [](const ::testing::TestParamInfo<ModelCase>& param_info) {
                           return param_info.param.cell +
                                  (param_info.param.readout == Readout::LastStep ? "_last_step"
                                                                                 : "_every_step");
                         });

// A projecting cell (P = 2 < H = 3) whose two directions are summed, with a learnt initial state.
TEST(ModelOptions, ProjectionSumMergeAndLearntInitialStateMatchFiniteDifferences) {
  const auto cell = test::builtin_plugins().make_cell("lstmp");
  const auto backend = test::builtin_plugins().make_backend("naive", {});
  for (const Readout readout : {Readout::LastStep, Readout::EveryStep}) {
    Model<double> model(*cell, *backend,
                        {.input = 3,
                         .hidden = 3,
                         .projection = 2,
                         .layers = 2,
                         .bidirectional = true,
                         .merge = Merge::Sum,
                         .learn_initial_state = true,
                         .output = 2,
                         .readout = readout});
    EXPECT_EQ(model.top_width(), 2);
    check_model(model, "lstmp, merge sum, learnt h0 and c0");
  }
}

// Dropout between three stacked layers while training: the same masks in every pass (reseeded),
// so the gradient is that of the masked network.
TEST(ModelOptions, DropoutMatchesFiniteDifferencesOfTheMaskedNetwork) {
  const auto cell = test::builtin_plugins().make_cell("gru");
  const auto backend = test::builtin_plugins().make_backend("naive", {});
  Model<double> model(*cell, *backend,
                      {.input = 3,
                       .hidden = 4,
                       .layers = 3,
                       .dropout = 0.4,
                       .output = 2,
                       .readout = Readout::EveryStep});
  model.set_training(true);
  check_model(model, "gru, dropout 0.4", [&] { model.seed_dropout(11); });
}

// Dropout only while training: a model not training computes the same outputs whatever its
// dropout, and one training with p = 0.5 zeroes some of layer 1's outputs for layer 2.
TEST(ModelOptions, DropoutActsOnlyWhileTraining) {
  const auto cell = test::builtin_plugins().make_cell("lstm");
  const auto backend = test::builtin_plugins().make_backend("naive", {});
  const ModelShape shape{
      .input = 2, .hidden = 5, .layers = 2, .output = 1, .readout = Readout::EveryStep};
  ModelShape with_dropout = shape;
  with_dropout.dropout = 0.5;
  Model<double> plain(*cell, *backend, shape), dropped(*cell, *backend, with_dropout);
  for (std::size_t i = 0; i < plain.weights().size(); ++i) {
    plain.weights()[i] = dropped.weights()[i] = 0.05 * double(i % 11) - 0.25;
  }
  Matrix<double> x(6, 2);
  for (std::size_t i = 0; i < x.size(); ++i) x.data()[i] = 0.1 * double(i) - 0.5;
  auto outputs = [&](Model<double>& model) {
    const auto z = model.forward(x.view(), 3, 2);
    return std::vector<double>(z.data, z.data + z.rows * z.cols);
  };
  const auto reference = outputs(plain);
  EXPECT_EQ(outputs(dropped), reference);
  dropped.set_training(true);
  dropped.seed_dropout(1);
  EXPECT_NE(outputs(dropped), reference);
}

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
