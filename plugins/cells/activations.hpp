// Element-wise activations and their derivatives, written in terms of the activation's output
// (y = σ(a) ⇒ σ'(a) = y(1 − y); y = tanh(a) ⇒ tanh'(a) = 1 − y²), which is what backward keeps.
#pragma once

#include <cmath>

namespace cells {

template <class Scalar>
Scalar sigmoid(Scalar a) {
  return Scalar(1) / (Scalar(1) + std::exp(-a));
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
