#include "train/optimizer.hpp"

#include <cmath>
#include <stdexcept>
#include <vector>

namespace harness {

namespace {

class Sgd final : public Optimizer {
 public:
  Sgd(const TrainingSpec& t, std::size_t size)
      : rate_(t.learning_rate), momentum_(t.momentum), velocity_(size) {}
  void step(std::span<float> w, std::span<const float> g) override {
    for (std::size_t i = 0; i < w.size(); ++i) {
      velocity_[i] = static_cast<float>(momentum_ * velocity_[i] + g[i]);
      w[i] -= static_cast<float>(rate_ * velocity_[i]);
    }
  }

 private:
  double rate_, momentum_;
  std::vector<float> velocity_;
};

class RmsProp final : public Optimizer {
 public:
  RmsProp(const TrainingSpec& t, std::size_t size)
      : rate_(t.learning_rate), decay_(t.decay), epsilon_(t.epsilon), mean_square_(size) {}
  void step(std::span<float> w, std::span<const float> g) override {
    for (std::size_t i = 0; i < w.size(); ++i) {
      mean_square_[i] = static_cast<float>(decay_ * mean_square_[i] + (1 - decay_) * g[i] * g[i]);
      w[i] -= static_cast<float>(rate_ * g[i] / (std::sqrt(double(mean_square_[i])) + epsilon_));
    }
  }

 private:
  double rate_, decay_, epsilon_;
  std::vector<float> mean_square_;
};

class Adam final : public Optimizer {
 public:
  Adam(const TrainingSpec& t, std::size_t size)
      : rate_(t.learning_rate),
        beta1_(t.beta1),
        beta2_(t.beta2),
        epsilon_(t.epsilon),
        m_(size),
        v_(size) {}
  void step(std::span<float> w, std::span<const float> g) override {
    ++t_;
    const double correction1 = 1 - std::pow(beta1_, t_), correction2 = 1 - std::pow(beta2_, t_);
    for (std::size_t i = 0; i < w.size(); ++i) {
      m_[i] = static_cast<float>(beta1_ * m_[i] + (1 - beta1_) * g[i]);
      v_[i] = static_cast<float>(beta2_ * v_[i] + (1 - beta2_) * g[i] * g[i]);
      const double m_hat = m_[i] / correction1, v_hat = v_[i] / correction2;
      w[i] -= static_cast<float>(rate_ * m_hat / (std::sqrt(v_hat) + epsilon_));
    }
  }

 private:
  double rate_, beta1_, beta2_, epsilon_;
  long t_ = 0;
  std::vector<float> m_, v_;
};

}  // namespace

std::unique_ptr<Optimizer> make_optimizer(const TrainingSpec& training, std::size_t size) {
  switch (training.optimizer) {
    case OptimizerKind::Sgd:
      return std::make_unique<Sgd>(training, size);
    case OptimizerKind::RmsProp:
      return std::make_unique<RmsProp>(training, size);
    case OptimizerKind::Adam:
      return std::make_unique<Adam>(training, size);
  }
  throw std::logic_error("make_optimizer: an optimizer kind without a case");
}

int optimizer_state_per_parameter(OptimizerKind kind) {
  return kind == OptimizerKind::Adam ? 2 : 1;
}

}  // namespace harness
