// Optimizers over the flat parameter arena (θ, g: the weights and their gradients):
//   sgd      v ← μ v + g;             θ ← θ − η v
//   rmsprop  s ← ρ s + (1 − ρ) g²;    θ ← θ − η g / (√s + ε)           (Tieleman & Hinton 2012)
//   adam     m ← β₁ m + (1 − β₁) g;   v ← β₂ v + (1 − β₂) g²;
//            θ ← θ − η m̂ / (√v̂ + ε),  m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ)   (Kingma & Ba 2015)
#pragma once

#include <memory>
#include <span>

#include "experiment/spec.hpp"

namespace harness {

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  virtual void step(std::span<float> weights, std::span<const float> gradients) = 0;
};

std::unique_ptr<Optimizer> make_optimizer(const TrainingSpec& training, std::size_t size);

// The floats of state an optimizer keeps per parameter (v; s; m and v).
int optimizer_state_per_parameter(OptimizerKind kind);

}  // namespace harness
