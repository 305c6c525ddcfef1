// The losses of the head's outputs against a task's targets, with their gradients:
//   MSE:                L = (1/B) Σ_b (z_b − y_b)²                 ∂L/∂z_b = 2 (z_b − y_b) / B
//   softmax cross-entropy over R readouts (B, or T·B for every-step tasks):
//                       L = −(1/R) Σ_r log softmax(z_r)[c_r]      ∂L/∂z_r = (softmax(z_r) − e_c_r)
//                       / R
#pragma once

#include <vector>

#include "matrix.hpp"
#include "tasks/task.hpp"

namespace harness {

// Returns L (accumulated in double); writes ∂L/∂z into `gradient` when given, and each readout's
// most likely class into `predicted` when given (classification only).
double compute_loss(LossKind kind, ConstMatrixView<float> outputs, const Batch& batch,
                    Matrix<float>* gradient, std::vector<int>* predicted);

}  // namespace harness
