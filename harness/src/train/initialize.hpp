// Initial weights of a model, from the experiment's init settings, by each parameter's role:
//   W_x, head W_y   glorot: U[−a, a], a = √(6 / (fan_in + fan_out)), fan_out = H for W_x; or
//                   uniform: U[−scale, scale]
//   W_h             per gate block (H × P): orthogonal (Saxe et al. 2014; semi-orthogonal when
//                   P ≠ H), identity (Le et al. 2015, for ReLU RNNs), or "same" as W_x
//   biases          0, except a gate named "f": forget_bias (Jozefowicz et al. 2015)
//   extra           as the cell declares (ParameterSpec::Init): zeros (peepholes, b_hn), ones
//                   (gains), like W_x (a projection), like b, or element-wise recurrent weights
//                   by init.diagonal, where `bounded` needs T = steps
//   h0, c0, head b_y 0
#pragma once

#include <random>

#include "experiment/spec.hpp"
#include "model/model.hpp"

namespace harness {

void initialize(Model<float>& model, const InitSpec& init, int steps, std::mt19937_64& rng);

}  // namespace harness
