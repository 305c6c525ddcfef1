// Gradient clipping, applied in place to the flat gradient arena g before the optimizer step:
//   by value   g_i ← clamp(g_i, −v, v)                    for every element
//   by norm    g ← g · c / ‖g‖   when ‖g‖ > c             (Pascanu et al. 2013)
// Value clipping comes first; the norm test uses the norm before any clipping (what the curves
// record as the gradient norm) and the rescaling the norm after value clipping, so that the
// result has norm c exactly.
#pragma once

#include <optional>
#include <span>

namespace harness {

struct ClipLimits {
  std::optional<double> value;  // clip every element to [−value, value]
  std::optional<double> norm;   // clip the global norm to this
};

// Euclidean norm, accumulated in double.
double norm(std::span<const float> values);

// Clips `gradients` (whose norm before clipping is `norm_before`); returns whether it changed
// anything.
bool clip_gradients(std::span<float> gradients, double norm_before, const ClipLimits& limits);

}  // namespace harness
