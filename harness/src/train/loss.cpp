#include "train/loss.hpp"

#include <algorithm>
#include <cmath>

namespace harness {

double compute_loss(LossKind kind, ConstMatrixView<float> z, const Batch& batch,
                    Matrix<float>* gradient, std::vector<int>* predicted) {
  const int rows = z.rows;
  if (gradient) gradient->resize(rows, z.cols);
  double total = 0;
  if (kind == LossKind::MeanSquaredError) {
    for (int r = 0; r < rows; ++r) {
      const double error = double(z(r, 0)) - batch.values[r];
      total += error * error;
      if (gradient) (*gradient)(r, 0) = static_cast<float>(2 * error / rows);
    }
    return total / rows;
  }
  if (predicted) predicted->resize(rows);
  std::vector<double> probability(z.cols);
  for (int r = 0; r < rows; ++r) {
    const float* logits = z.row(r);
    const double top = *std::max_element(logits, logits + z.cols);
    double sum = 0;
    for (int c = 0; c < z.cols; ++c) sum += probability[c] = std::exp(double(logits[c]) - top);
    const int target = batch.classes[r];
    total -= std::log(probability[target] / sum);
    if (gradient) {
      for (int c = 0; c < z.cols; ++c) {
        (*gradient)(r, c) = static_cast<float>((probability[c] / sum - (c == target)) / rows);
      }
    }
    if (predicted)
      (*predicted)[r] = static_cast<int>(std::max_element(logits, logits + z.cols) - logits);
  }
  return total / rows;
}

}  // namespace harness
