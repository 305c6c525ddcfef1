// The training pieces one by one: each optimizer's update rule against the same rule worked by
// hand, clipping by value and by norm, and the initialisation (orthogonal recurrent blocks, the
// forget-gate bias, Glorot's limits, zeros where they belong).
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "model/model.hpp"
#include "support/plugins.hpp"
#include "train/clipping.hpp"
#include "train/initialize.hpp"
#include "train/optimizer.hpp"

namespace harness {
namespace {

// Two steps of `kind` from w = 1 with the gradient 0.5 both times; returns w after each.
std::pair<float, float> two_steps(OptimizerKind kind) {
  TrainingSpec t;
  t.optimizer = kind;
  t.learning_rate = 0.1;
  t.momentum = 0.9;
  t.decay = 0.9;
  const auto optimizer = make_optimizer(t, 1);
  std::vector<float> w{1.0f};
  const std::vector<float> g{0.5f};
  optimizer->step(w, g);
  const float first = w[0];
  optimizer->step(w, g);
  return {first, w[0]};
}

TEST(Optimizer, SgdWithMomentum) {
  // v = 0.9 v + g: 0.5, then 0.95; w −= 0.1 v.
  const auto [first, second] = two_steps(OptimizerKind::Sgd);
  EXPECT_NEAR(first, 1 - 0.05, 1e-6);
  EXPECT_NEAR(second, 1 - 0.05 - 0.095, 1e-6);
}

TEST(Optimizer, RmsProp) {
  // s = 0.9 s + 0.1 g²: 0.025, then 0.0475; w −= 0.1 g / (√s + ε).
  const auto [first, second] = two_steps(OptimizerKind::RmsProp);
  const double after_one = 1 - 0.1 * 0.5 / (std::sqrt(0.025) + 1e-8);
  EXPECT_NEAR(first, after_one, 1e-6);
  EXPECT_NEAR(second, after_one - 0.1 * 0.5 / (std::sqrt(0.0475) + 1e-8), 1e-6);
}

TEST(Optimizer, AdamMovesByTheLearningRateWhileTheGradientIsConstant) {
  // m̂ = g and v̂ = g² after bias correction, so each step is η g / |g| = η.
  const auto [first, second] = two_steps(OptimizerKind::Adam);
  EXPECT_NEAR(first, 0.9, 1e-6);
  EXPECT_NEAR(second, 0.8, 1e-6);
}

TEST(Clipping, ByValueClampsEachElement) {
  std::vector<float> g{3.0f, -4.0f, 0.5f};
  EXPECT_TRUE(clip_gradients(g, norm(g), {.value = 1.0}));
  EXPECT_EQ(g, (std::vector<float>{1.0f, -1.0f, 0.5f}));
  EXPECT_FALSE(clip_gradients(g, norm(g), {.value = 2.0}));
}

TEST(Clipping, ByNormRescalesToTheLimit) {
  std::vector<float> g{3.0f, 4.0f};
  EXPECT_TRUE(clip_gradients(g, norm(g), {.norm = 1.0}));
  EXPECT_NEAR(g[0], 0.6f, 1e-6);
  EXPECT_NEAR(g[1], 0.8f, 1e-6);
  std::vector<float> small{0.3f, 0.4f};
  EXPECT_FALSE(clip_gradients(small, norm(small), {.norm = 1.0}));
  EXPECT_EQ(small, (std::vector<float>{0.3f, 0.4f}));
}

TEST(Clipping, ValueFirstThenTheNormOfWhatIsLeft) {
  std::vector<float> g{10.0f, 0.0f, 0.0f, 0.0f};
  const double before = norm(g);  // 10
  EXPECT_TRUE(clip_gradients(g, before, {.value = 2.0, .norm = 1.0}));
  EXPECT_NEAR(norm(g), 1.0, 1e-6);
  EXPECT_NEAR(g[0], 1.0f, 1e-6);
}

class Initialisation : public ::testing::Test {
 protected:
  static constexpr int kInput = 3, kHidden = 8;
  Model<float> make_model(const InitSpec& init, const std::string& cell_name = "lstm_peephole") {
    cell_ = test::builtin_plugins().make_cell(cell_name);
    backend_ = test::builtin_plugins().make_backend("naive", {});
    Model<float> model(*cell_, *backend_,
                       {.input = kInput, .hidden = kHidden, .layers = 2, .output = 2});
    std::fill(model.weights().begin(), model.weights().end(), 7.0f);  // all overwritten
    std::mt19937_64 rng(5);
    initialize(model, init, /*steps=*/10, rng);
    return model;
  }
  // Each H × H gate block of every W_h.
  template <class Fn>
  void for_each_recurrent_block(const Model<float>& model, Fn fn) {
    for (const auto& p : model.parameters()) {
      if (p.role != ParameterRole::RecurrentWeights) continue;
      for (int gate = 0; gate < p.rows / kHidden; ++gate) {
        fn(p.name, model.weights().data() + p.offset + std::size_t(gate) * kHidden * kHidden);
      }
    }
  }
  std::shared_ptr<const Cell> cell_;
  std::shared_ptr<const Backend> backend_;
};

TEST_F(Initialisation, OrthogonalRecurrentBlocks) {
  const auto model = make_model({});
  int blocks = 0;
  for_each_recurrent_block(model, [&](const std::string& name, const float* w) {
    ++blocks;
    for (int i = 0; i < kHidden; ++i) {
      for (int j = 0; j < kHidden; ++j) {
        double dot = 0;  // (W Wᵀ)_ij
        for (int k = 0; k < kHidden; ++k) dot += double(w[i * kHidden + k]) * w[j * kHidden + k];
        EXPECT_NEAR(dot, i == j ? 1.0 : 0.0, 1e-5) << name << " (" << i << ", " << j << ")";
      }
    }
  });
  EXPECT_EQ(blocks, 2 * 4);  // 2 layers × gates i f g o
}

TEST_F(Initialisation, IdentityRecurrentBlocks) {
  const auto model = make_model({.recurrent = RecurrentInit::Identity});
  for_each_recurrent_block(model, [&](const std::string& name, const float* w) {
    for (int i = 0; i < kHidden * kHidden; ++i) {
      EXPECT_EQ(w[i], i % (kHidden + 1) == 0 ? 1.0f : 0.0f) << name << "[" << i << "]";
    }
  });
}

TEST_F(Initialisation, ForgetBiasOnlyOnTheForgetGateAndZerosElsewhere) {
  const auto model = make_model({.forget_bias = 2.5});
  for (const auto& p : model.parameters()) {
    const float* w = model.weights().data() + p.offset;
    if (p.role == ParameterRole::Bias) {
      for (int r = 0; r < p.cols; ++r) {  // gates i f g o: f is rows [H, 2H)
        const bool forget = r >= kHidden && r < 2 * kHidden;
        EXPECT_EQ(w[r], forget ? 2.5f : 0.0f) << p.name << "[" << r << "]";
      }
    } else if (p.role == ParameterRole::Extra || p.role == ParameterRole::HeadBias) {
      for (std::size_t i = 0; i < p.size(); ++i) EXPECT_EQ(w[i], 0.0f) << p.name;
    }
  }
}

TEST_F(Initialisation, GlorotLimitsAndUniformScale) {
  for (const auto& [init, first_layer_limit] :
       {std::pair{InitSpec{}, std::sqrt(6.0 / (kInput + kHidden))},
        std::pair{InitSpec{.weights = WeightInit::Uniform, .scale = 0.05}, 0.05}}) {
    const auto model = make_model(init);
    const auto& w_x = model.parameters().front();
    ASSERT_EQ(w_x.role, ParameterRole::InputWeights);
    float largest = 0;
    for (std::size_t i = 0; i < w_x.size(); ++i) {
      largest = std::max(largest, std::abs(model.weights()[w_x.offset + i]));
    }
    EXPECT_LE(largest, first_layer_limit);
    EXPECT_GT(largest, 0.8 * first_layer_limit);  // drawn from the whole range
  }
}

// Extra parameters start as the cell declares: IndRNN's u by init.diagonal (U(0, 1); U(0, 2^(1/T)),
// with T = 10 here the same draws times 2^0.1; or 1), lstm_ln's gains at 1 and its shift β like b
// (forget_bias in the f block).
TEST_F(Initialisation, ExtraParametersAsTheCellDeclares) {
  auto u_of = [&](DiagonalInit diagonal) {
    const auto model = make_model({.diagonal = diagonal}, "indrnn");
    std::vector<float> u;
    for (const auto& p : model.parameters()) {
      if (p.name.ends_with(".u")) {
        u.insert(u.end(), model.weights().begin() + p.offset,
                 model.weights().begin() + p.offset + p.size());
      }
    }
    return u;
  };
  const auto uniform = u_of(DiagonalInit::Uniform), bounded = u_of(DiagonalInit::Bounded),
             one = u_of(DiagonalInit::One);
  ASSERT_EQ(uniform.size(), 2u * kHidden);
  for (std::size_t i = 0; i < uniform.size(); ++i) {
    EXPECT_GT(uniform[i], 0.0f);
    EXPECT_LT(uniform[i], 1.0f);
    EXPECT_NEAR(bounded[i], uniform[i] * std::pow(2.0, 0.1), 1e-6) << i;
    EXPECT_EQ(one[i], 1.0f);
  }
  const auto model = make_model({.forget_bias = 2.0}, "lstm_ln");
  for (const auto& p : model.parameters()) {
    const float* w = model.weights().data() + p.offset;
    for (std::size_t i = 0; i < p.size(); ++i) {
      if (p.name.ends_with(".gamma") || p.name.ends_with(".gamma_c")) {
        EXPECT_EQ(w[i], 1.0f) << p.name;
      }
      if (p.name.ends_with(".beta")) {
        EXPECT_EQ(w[i], i / kHidden == 1 ? 2.0f : 0.0f) << p.name << "[" << i << "]";  // i f g o
      }
    }
  }
}

}  // namespace
}  // namespace harness
