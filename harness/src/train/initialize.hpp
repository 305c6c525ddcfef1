// Initial weights of a model, from the experiment's init settings, by each parameter's role:
//   W_x, head W_y   glorot: U[−a, a], a = √(6 / (fan_in + fan_out)), fan_out = H for W_x; or
//                   uniform: U[−scale, scale]
//   W_h             per gate block (H × H): orthogonal (Saxe et al. 2014), identity (Le et al.
//                   2015, for ReLU RNNs), or "same" as W_x
//   biases          0, except a gate named "f": forget_bias (Jozefowicz et al. 2015)
//   extra, head b_y 0 (peepholes, b_hn)
#pragma once

#include <random>

#include "experiment/spec.hpp"
#include "model/model.hpp"

namespace harness {

void initialize(Model<float>& model, const InitSpec& init, std::mt19937_64& rng);

}  // namespace harness
