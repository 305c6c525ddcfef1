#include "train/clipping.hpp"

#include <algorithm>
#include <cmath>

namespace harness {

double norm(std::span<const float> values) {
  double sum = 0;
  for (float v : values) sum += double(v) * v;
  return std::sqrt(sum);
}

bool clip_gradients(std::span<float> gradients, double norm_before, const ClipLimits& limits) {
  bool clipped = false;
  if (limits.value) {
    const auto limit = static_cast<float>(*limits.value);
    for (float& g : gradients) {
      if (std::abs(g) > limit) {
        g = std::clamp(g, -limit, limit);
        clipped = true;
      }
    }
  }
  if (limits.norm && norm_before > *limits.norm) {
    const auto scale = static_cast<float>(*limits.norm / norm(gradients));
    for (float& g : gradients) g *= scale;
    clipped = true;
  }
  return clipped;
}

}  // namespace harness
