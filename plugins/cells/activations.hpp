// Element-wise activations and their derivatives, written in terms of the activation's output
// (y = σ(a) ⇒ σ'(a) = y(1 − y); y = tanh(a) ⇒ tanh'(a) = 1 − y²), which is what backward keeps.
#pragma once

#include <algorithm>
#include <cmath>

namespace cells {

// The cells are compiled with -ffast-math (plugins/CMakeLists.txt), under which exp overflowing to
// infinity is undefined: σ of a pre-activation below about −88 came out NaN in float (a peephole
// on a large carried c reaches that). Clamping to ±80 keeps exp finite in both precisions and
// changes σ by less than 2e−35.
template <class Scalar>
Scalar sigmoid(Scalar a) {
  return Scalar(1) / (Scalar(1) + std::exp(-std::clamp(a, Scalar(-80), Scalar(80))));
}
template <class Scalar>
Scalar sigmoid_grad(Scalar y) {
  return y * (Scalar(1) - y);
}
template <class Scalar>
Scalar tanh_grad(Scalar y) {
  return Scalar(1) - y * y;
}

}  // namespace cells
